/** Rules for `azure-native:storage:StorageAccount`: anonymous access, keys, TLS, network. */
import { types } from "./graph";
import { privateEndpointRequired } from "./privateEndpoints";
import { classicTypes } from "./resourceTypes";
import { resourceRule, tunables, type AcaPolicy } from "./rule";
import { UNKNOWN, at, isUnknown, sameText, str } from "./util";

export const noPublicBlobAccess = resourceRule([types.storageAccount, classicTypes.storageAccount], {
  name: "storage-no-public-blob-access",
  description: "Storage accounts do not allow anonymous blob access.",
  enforcementLevel: "mandatory",
  source: "Azure Policy 4fa4b6c0",
  validate: (p, { report }) => {
    const allowed = at(p, "allowBlobPublicAccess");
    if (allowed !== UNKNOWN && allowed !== false) {
      report("Storage account must set allowBlobPublicAccess to false so no container can be read anonymously.");
    }
  },
  remediate: (p) => {
    const allowed = p["allowBlobPublicAccess"];
    if (allowed !== true && allowed !== undefined) return false;
    p["allowBlobPublicAccess"] = false;
    return true;
  },
});

export const sharedKeyDisabled = resourceRule([types.storageAccount, classicTypes.storageAccount], {
  name: "storage-shared-key-disabled",
  description: "Storage accounts accept Entra identities only, not shared keys.",
  enforcementLevel: "mandatory",
  source: "Azure Policy 8c6a50c6",
  validate: (p, { report }) => {
    const allowed = at(p, "allowSharedKeyAccess");
    if (allowed !== UNKNOWN && allowed !== false) {
      report("Storage account must set allowSharedKeyAccess to false and grant data roles (Storage Blob Data Contributor) instead.");
    }
  },
});

const tlsVersions = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

export const minimumTls = resourceRule([types.storageAccount, classicTypes.storageAccount], {
  name: "storage-min-tls",
  description: "Storage accounts refuse TLS versions older than the configured minimum (TLS 1.2).",
  enforcementLevel: "mandatory",
  source: "Azure Policy fe83a0eb",
  tunables: tunables(
    { minimumTlsVersion: "TLS1_2" },
    { minimumTlsVersion: { type: "string", enum: tlsVersions, description: "Oldest TLS version a storage account may accept." } },
  ),
  validate: (p, { report, config }) => {
    const version = at(p, "minimumTlsVersion");
    if (version === UNKNOWN) return;
    const given = tlsVersions.indexOf(str(version)?.toUpperCase() ?? "TLS1_0");
    if (given < tlsVersions.indexOf(config.minimumTlsVersion)) {
      report(`Storage account must set minimumTlsVersion to ${config.minimumTlsVersion} or newer (is ${str(version) ?? "unset, which accepts TLS1_0"}).`);
    }
  },
  remediate: (p, config) => {
    const version = p["minimumTlsVersion"];
    if (version !== undefined && (typeof version !== "string" || isUnknown(version))) return false;
    if (version !== undefined && tlsVersions.indexOf(version.toUpperCase()) >= tlsVersions.indexOf(config.minimumTlsVersion)) return false;
    p["minimumTlsVersion"] = config.minimumTlsVersion;
    return true;
  },
});

export const httpsOnly = resourceRule([types.storageAccount, classicTypes.storageAccount], {
  name: "storage-https-only",
  description: "Storage accounts accept HTTPS traffic only.",
  enforcementLevel: "mandatory",
  source: "Azure Policy 404c3081",
  validate: (p, { report }) => {
    if (at(p, "enableHttpsTrafficOnly") === false) {
      report("Storage account must set enableHttpsTrafficOnly to true.");
    }
  },
  remediate: (p) => {
    if (p["enableHttpsTrafficOnly"] !== false) return false;
    p["enableHttpsTrafficOnly"] = true;
    return true;
  },
});

export const publicNetworkDisabled = resourceRule([types.storageAccount, classicTypes.storageAccount], {
  name: "storage-public-network-disabled",
  description: "Storage accounts refuse public network access (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy b2982f36",
  baseline: "private",
  validate: (p, { report }) => {
    const access = at(p, "publicNetworkAccess");
    if (access !== UNKNOWN && !sameText(access, "Disabled")) {
      report('Storage account must set publicNetworkAccess to "Disabled" in the private baseline.');
    }
  },
});

export const storagePrivateEndpoint = privateEndpointRequired({
  name: "storage-private-endpoint",
  noun: "Storage account",
  description: "Storage accounts are reached through a private endpoint (private baseline).",
  resourceType: types.storageAccount,
  armType: "storageAccounts",
  source: "Azure Policy 6edd7eda",
});

export const storageAccountPolicies: AcaPolicy[] = [
  noPublicBlobAccess,
  sharedKeyDisabled,
  minimumTls,
  httpsOnly,
  publicNetworkDisabled,
  storagePrivateEndpoint,
];
