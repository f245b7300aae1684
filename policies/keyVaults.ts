/** Rules for `azure-native:keyvault:Vault`: access model, deletion protection, network. */
import { types } from "./graph";
import { privateEndpointRequired } from "./privateEndpoints";
import { classicTypes } from "./resourceTypes";
import { resourceRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, objectAt, sameText } from "./util";

export const rbacAuthorization = resourceRule([types.vault, classicTypes.keyVault], {
  name: "kv-rbac-authorization",
  description: "Key Vaults use Azure RBAC instead of access policies.",
  enforcementLevel: "mandatory",
  source: "Azure Policy 12d4fa5e",
  validate: (p, { report }) => {
    const rbac = at(p, "properties", "enableRbacAuthorization");
    if (rbac !== UNKNOWN && rbac !== true) {
      report("Key Vault must set properties.enableRbacAuthorization to true and grant roles (Key Vault Secrets User) instead of access policies.");
    }
  },
});

export const softDelete = resourceRule([types.vault, classicTypes.keyVault], {
  name: "kv-soft-delete",
  description: "Key Vaults keep deleted secrets recoverable (soft delete).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 1e66c121",
  validate: (p, { report }) => {
    if (at(p, "properties", "enableSoftDelete") === false) {
      report("Key Vault must not set properties.enableSoftDelete to false; leave it on so deleted secrets can be recovered.");
    }
  },
  remediate: (p) => {
    const properties = objectAt(p, "properties");
    if (!properties || properties["enableSoftDelete"] !== false) return false;
    properties["enableSoftDelete"] = true;
    return true;
  },
});

export const purgeProtection = resourceRule([types.vault, classicTypes.keyVault], {
  name: "kv-purge-protection",
  description: "Key Vaults cannot be purged during the retention period (purge protection).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 0b60c0b2",
  validate: (p, { report }) => {
    const purge = at(p, "properties", "enablePurgeProtection");
    if (purge !== UNKNOWN && purge !== true) {
      report("Key Vault must set properties.enablePurgeProtection to true so deleted secrets cannot be purged before retention ends.");
    }
  },
});

export const publicNetworkDisabled = resourceRule([types.vault, classicTypes.keyVault], {
  name: "kv-public-network-disabled",
  description: "Key Vaults refuse public network access (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 405c5871",
  baseline: "private",
  validate: (p, { report }) => {
    const access = at(p, "properties", "publicNetworkAccess");
    if (access !== UNKNOWN && !sameText(access, "Disabled")) {
      report('Key Vault must set properties.publicNetworkAccess to "Disabled" in the private baseline.');
    }
  },
});

export const firewallEnabled = resourceRule([types.vault, classicTypes.keyVault], {
  name: "kv-network-acl-default-deny",
  description: "Key Vault firewalls deny by default (or public network access is off).",
  enforcementLevel: "advisory",
  source: "Azure Policy 55615ac9",
  validate: (p, { report }) => {
    const access = at(p, "properties", "publicNetworkAccess");
    const action = at(p, "properties", "networkAcls", "defaultAction");
    if (access === UNKNOWN || action === UNKNOWN || sameText(access, "Disabled") || sameText(action, "Deny")) return;
    report('Key Vault must set properties.networkAcls.defaultAction to "Deny" (allow-listing what needs access) or disable public network access.');
  },
});

export const vaultPrivateEndpoint = privateEndpointRequired({
  name: "kv-private-endpoint",
  noun: "Key Vault",
  description: "Key Vaults are reached through a private endpoint (private baseline).",
  resourceType: types.vault,
  armType: "vaults",
  source: "Azure Policy a6abeaec",
});

export const keyVaultPolicies: AcaPolicy[] = [
  rbacAuthorization,
  softDelete,
  purgeProtection,
  publicNetworkDisabled,
  firewallEnabled,
  vaultPrivateEndpoint,
];
