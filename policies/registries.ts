/** Rules for `azure-native:containerregistry:Registry`: credentials, network, SKU, policies. */
import { types } from "./graph";
import { privateEndpointRequired } from "./privateEndpoints";
import { classicTypes } from "./resourceTypes";
import { resourceRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, sameText } from "./util";

export const adminUserDisabled = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-admin-user-disabled",
  description: "Container registries have the admin user turned off.",
  enforcementLevel: "mandatory",
  source: "Azure Policy dc921057",
  validate: (p, { report }) => {
    if (at(p, "adminUserEnabled") === true) {
      report("Registry must set adminUserEnabled to false; pull and push with Entra identities (AcrPull/AcrPush) instead.");
    }
  },
  remediate: (p) => {
    if (p["adminUserEnabled"] !== true) return false;
    p["adminUserEnabled"] = false;
    return true;
  },
});

export const anonymousPullDisabled = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-anonymous-pull-disabled",
  description: "Container registries do not allow anonymous pulls.",
  enforcementLevel: "mandatory",
  source: "Azure Policy 9f2dea28",
  validate: (p, { report }) => {
    if (at(p, "anonymousPullEnabled") === true) {
      report("Registry must set anonymousPullEnabled to false so only identities holding AcrPull can pull.");
    }
  },
  remediate: (p) => {
    if (p["anonymousPullEnabled"] !== true) return false;
    p["anonymousPullEnabled"] = false;
    return true;
  },
});

export const publicNetworkDisabled = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-public-network-disabled",
  description: "Container registries refuse public network access (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 0fdf0491",
  baseline: "private",
  validate: (p, { report }) => {
    const access = at(p, "publicNetworkAccess");
    if (access !== UNKNOWN && !sameText(access, "Disabled")) {
      report('Registry must set publicNetworkAccess to "Disabled" in the private baseline; push from inside the network or an allow-listed address.');
    }
  },
});

export const privateLinkSku = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-private-link-sku",
  description: "Container registries use a SKU that supports private endpoints (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy bd560fc0",
  baseline: "private",
  validate: (p, { report }) => {
    const sku = at(p, "sku", "name");
    if (sku !== UNKNOWN && !sameText(sku, "Premium")) {
      report(`Registry must use sku.name "Premium" in the private baseline; private endpoints need it (is ${String(sku ?? "unset")}).`);
    }
  },
});

export const exportsDisabled = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-export-disabled",
  description: "Container registries do not allow images to be exported.",
  enforcementLevel: "advisory",
  source: "Azure Policy 524b0254",
  validate: (p, { report }) => {
    const status = at(p, "policies", "exportPolicy", "status");
    if (status !== UNKNOWN && !sameText(status, "disabled")) {
      report('Registry must set policies.exportPolicy.status to "disabled" (with publicNetworkAccess "Disabled") so images cannot be copied out.');
    }
  },
});

export const retentionPolicy = resourceRule([types.registry, classicTypes.registry], {
  name: "acr-retention-policy",
  description: "Container registries purge untagged manifests after a retention period.",
  enforcementLevel: "advisory",
  source: "PSRule Azure.ACR.Retention",
  validate: (p, { report }) => {
    const status = at(p, "policies", "retentionPolicy", "status");
    if (status !== UNKNOWN && !sameText(status, "enabled")) {
      report('Registry must set policies.retentionPolicy.status to "enabled" (Premium SKU) so untagged manifests are purged.');
    }
  },
});

export const registryPrivateEndpoint = privateEndpointRequired({
  name: "acr-private-endpoint",
  noun: "Registry",
  description: "Container registries are reached through a private endpoint (private baseline).",
  resourceType: types.registry,
  armType: "registries",
  source: "Azure Policy e8eef0a8",
});

export const registryPolicies: AcaPolicy[] = [
  adminUserDisabled,
  anonymousPullDisabled,
  publicNetworkDisabled,
  privateLinkSku,
  exportsDisabled,
  retentionPolicy,
  registryPrivateEndpoint,
];
