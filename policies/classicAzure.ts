/**
 * Classic `@pulumi/azure` resources, read in the azure-native shape the rules judge.
 *
 * The classic provider (built on Terraform's azurerm) names the same ARM settings differently and
 * flattens some of them: `ingress.allowInsecureConnections` is `configuration.ingress.allowInsecure`,
 * `adminEnabled` is `adminUserEnabled`. Each adapter turns one classic type's properties into the
 * azure-native shape, applying the classic provider's documented defaults where the two differ, and
 * says how to name the classic properties in messages. Unknown values stay unknown.
 *
 * Property names and defaults: https://www.pulumi.com/registry/packages/azure/api-docs/containerapp/app/,
 * …/containerapp/environment/, …/containerservice/registry/, …/keyvault/keyvault/, …/storage/account/.
 */
import { classicTypes } from "./resourceTypes";
import { isObject, isUnknown, raw, type JsonObject } from "./util";

export interface ClassicAdapter {
  /** The properties in the azure-native shape. */
  adapt(props: JsonObject): JsonObject;
  /** azure-native property names (longest first) and what the classic provider calls them, for messages. */
  renames: readonly (readonly [string, string])[];
}

/** `f(value)` for a known object; unknown stays unknown, absent stays absent. */
function mapObject(value: unknown, f: (object: JsonObject) => unknown): unknown {
  const v = raw(value);
  if (isUnknown(v)) return v;
  return isObject(v) ? f(v) : undefined;
}

/** `f` over each element of a known list; an unknown list stays unknown, an unknown element stays unknown. */
function mapList(value: unknown, f: (object: JsonObject) => unknown): unknown {
  const v = raw(value);
  if (isUnknown(v)) return v;
  if (!Array.isArray(v)) return undefined;
  return v.map((element) => (isObject(element) ? f(element) : element));
}

/** A classic `…Enabled` flag as the azure-native `"Enabled"` / `"Disabled"` string, with the provider's default. */
function enabledText(value: unknown, fallback: boolean): unknown {
  if (isUnknown(value)) return value;
  const enabled = typeof value === "boolean" ? value : fallback;
  return enabled ? "Enabled" : "Disabled";
}

/** The first property that is set, for a setting the provider renamed between major versions. */
function either(p: JsonObject, ...keys: string[]): unknown {
  for (const key of keys) if (p[key] !== undefined) return p[key];
  return undefined;
}

function withoutUndefined(object: JsonObject): JsonObject {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

const probeKinds: [string, string][] = [
  ["livenessProbes", "Liveness"],
  ["readinessProbes", "Readiness"],
  ["startupProbes", "Startup"],
];

/** A classic container (`cpu`, `memory`, `livenessProbes`, …) as an azure-native container (`resources`, `probes`). */
function container(c: JsonObject): JsonObject {
  const lists = probeKinds.map(([key]) => raw(c[key]));
  const probes = lists.some(isUnknown)
    ? lists.find(isUnknown)
    : probeKinds.flatMap(([key, type]) =>
        ((raw(c[key]) as unknown[] | undefined) ?? []).map((probe) =>
          mapObject(probe, (p) => {
            const http = typeof p["transport"] === "string" && /^https?$/i.test(p["transport"]);
            return withoutUndefined({
              type,
              httpGet: http ? withoutUndefined({ path: p["path"] ?? "/", port: p["port"], scheme: p["transport"] }) : undefined,
              tcpSocket: http ? undefined : withoutUndefined({ port: p["port"] }),
            });
          }),
        ),
      );
  return withoutUndefined({
    name: c["name"],
    image: c["image"],
    resources: withoutUndefined({ cpu: c["cpu"], memory: c["memory"] }),
    probes,
  });
}

const workloadRenames: [string, string][] = [
  ["configuration.ingress.allowInsecure", "ingress.allowInsecureConnections"],
  ["configuration.ingress.external", "ingress.externalEnabled"],
  ["configuration.ingress", "ingress"],
  ["template.scale.minReplicas", "template.minReplicas"],
  ["template.scale.maxReplicas", "template.maxReplicas"],
  ["passwordSecretRef", "passwordSecretName"],
  ["keyVaultUrl", "keyVaultSecretId"],
  ["resources.memory", "memory"],
  ["resources.cpu", "cpu"],
  ["in probes", "as livenessProbes, readinessProbes and startupProbes"],
  ["containerAppName", "name"],
];

/** `azure:containerapp/app:App`: ingress, registries and secrets at the top level; replicas in the template. */
const containerApp: ClassicAdapter = {
  adapt: (p) =>
    withoutUndefined({
      containerAppName: p["name"],
      resourceGroupName: p["resourceGroupName"],
      identity: mapObject(p["identity"], (i) => withoutUndefined({ type: i["type"], userAssignedIdentities: i["identityIds"] })),
      configuration: withoutUndefined({
        ingress: mapObject(p["ingress"], (i) =>
          withoutUndefined({
            external: i["externalEnabled"],
            allowInsecure: i["allowInsecureConnections"],
            targetPort: i["targetPort"],
            transport: i["transport"],
            ipSecurityRestrictions: i["ipSecurityRestrictions"],
          }),
        ),
        registries: mapList(p["registries"], (r) =>
          withoutUndefined({ server: r["server"], identity: r["identity"], username: r["username"], passwordSecretRef: r["passwordSecretName"] }),
        ),
        secrets: mapList(p["secrets"], (s) =>
          withoutUndefined({ name: s["name"], value: s["value"], keyVaultUrl: s["keyVaultSecretId"], identity: s["identity"] }),
        ),
      }),
      template: mapObject(p["template"], (t) =>
        withoutUndefined({
          containers: mapList(t["containers"], container),
          initContainers: mapList(t["initContainers"], container),
          scale: withoutUndefined({ minReplicas: t["minReplicas"], maxReplicas: t["maxReplicas"] }),
        }),
      ),
    }),
  renames: workloadRenames,
};

/** `azure:containerapp/environment:Environment`: a workspace id instead of a logs configuration; flags for VNet settings. */
const managedEnvironment: ClassicAdapter = {
  adapt: (p) => {
    const workspace = p["logAnalyticsWorkspaceId"];
    const destination = p["logsDestination"] !== undefined ? p["logsDestination"] : workspace !== undefined ? "log-analytics" : undefined;
    return withoutUndefined({
      environmentName: p["name"],
      resourceGroupName: p["resourceGroupName"],
      appLogsConfiguration: withoutUndefined({
        destination,
        // The provider looks the workspace's customer id up from its resource id.
        logAnalyticsConfiguration: workspace !== undefined ? { customerId: workspace } : undefined,
      }),
      vnetConfiguration: withoutUndefined({ infrastructureSubnetId: p["infrastructureSubnetId"], internal: p["internalLoadBalancerEnabled"] }),
      zoneRedundant: p["zoneRedundancyEnabled"],
      workloadProfiles: p["workloadProfiles"],
    });
  },
  renames: [
    ["appLogsConfiguration.logAnalyticsConfiguration.customerId", "logAnalyticsWorkspaceId"],
    ["appLogsConfiguration.destination", "logsDestination"],
    ["vnetConfiguration.infrastructureSubnetId", "infrastructureSubnetId"],
    ["vnetConfiguration.internal", "internalLoadBalancerEnabled"],
    ["zoneRedundant", "zoneRedundancyEnabled"],
  ],
};

/** `azure:containerservice/registry:Registry`: flags for admin, network and export; the SKU as a string. */
const registry: ClassicAdapter = {
  adapt: (p) => {
    const days = p["retentionPolicyInDays"];
    const legacyRetention = raw(p["retentionPolicy"]);
    const retention = isUnknown(days)
      ? days
      : typeof days === "number"
        ? days > 0
          ? "enabled"
          : "disabled"
        : isObject(legacyRetention)
          ? legacyRetention["enabled"] === true
            ? "enabled"
            : "disabled"
          : "disabled";
    const exportEnabled = p["exportPolicyEnabled"];
    return withoutUndefined({
      registryName: p["name"],
      resourceGroupName: p["resourceGroupName"],
      sku: isUnknown(p["sku"]) ? p["sku"] : { name: p["sku"] },
      adminUserEnabled: p["adminEnabled"] ?? false,
      anonymousPullEnabled: p["anonymousPullEnabled"] ?? false,
      publicNetworkAccess: enabledText(p["publicNetworkAccessEnabled"], true),
      policies: {
        exportPolicy: { status: isUnknown(exportEnabled) ? exportEnabled : exportEnabled === false ? "disabled" : "enabled" },
        retentionPolicy: { status: retention },
      },
    });
  },
  renames: [
    ['policies.exportPolicy.status to "disabled" (with publicNetworkAccess "Disabled")', "exportPolicyEnabled to false (with publicNetworkAccessEnabled false)"],
    ['policies.retentionPolicy.status to "enabled"', "retentionPolicyInDays to a number of days"],
    ['publicNetworkAccess to "Disabled"', "publicNetworkAccessEnabled to false"],
    ["adminUserEnabled", "adminEnabled"],
    ["sku.name", "sku"],
  ],
};

/** `azure:keyvault/keyVault:KeyVault`: flat settings; RBAC renamed in v6 (`rbacAuthorizationEnabled`). */
const keyVault: ClassicAdapter = {
  adapt: (p) =>
    withoutUndefined({
      vaultName: p["name"],
      resourceGroupName: p["resourceGroupName"],
      properties: withoutUndefined({
        enableRbacAuthorization: either(p, "rbacAuthorizationEnabled", "enableRbacAuthorization") ?? false,
        // Soft delete is always on since provider v3; older versions could turn it off.
        enableSoftDelete: p["softDeleteEnabled"],
        enablePurgeProtection: p["purgeProtectionEnabled"] ?? false,
        publicNetworkAccess: enabledText(p["publicNetworkAccessEnabled"], true),
        networkAcls: mapObject(p["networkAcls"], (acls) => withoutUndefined({ defaultAction: acls["defaultAction"], bypass: acls["bypass"] })),
      }),
    }),
  renames: [
    ["properties.enableRbacAuthorization", "rbacAuthorizationEnabled (enableRbacAuthorization before v6)"],
    ["properties.enableSoftDelete", "softDeleteEnabled"],
    ["properties.enablePurgeProtection", "purgeProtectionEnabled"],
    ['properties.publicNetworkAccess to "Disabled"', "publicNetworkAccessEnabled to false"],
    ["properties.networkAcls.defaultAction", "networkAcls.defaultAction"],
  ],
};

/** `azure:storage/account:Account`: v4+ names (`allowNestedItemsToBePublic`, `httpsTrafficOnlyEnabled`) and their defaults. */
const storageAccount: ClassicAdapter = {
  adapt: (p) =>
    withoutUndefined({
      accountName: p["name"],
      resourceGroupName: p["resourceGroupName"],
      allowBlobPublicAccess: either(p, "allowNestedItemsToBePublic", "allowBlobPublicAccess") ?? true,
      allowSharedKeyAccess: p["sharedAccessKeyEnabled"] ?? true,
      minimumTlsVersion: p["minTlsVersion"] ?? "TLS1_2",
      enableHttpsTrafficOnly: either(p, "httpsTrafficOnlyEnabled", "enableHttpsTrafficOnly") ?? true,
      publicNetworkAccess: enabledText(p["publicNetworkAccessEnabled"], true),
    }),
  renames: [
    ["allowBlobPublicAccess", "allowNestedItemsToBePublic"],
    ["allowSharedKeyAccess", "sharedAccessKeyEnabled"],
    ["minimumTlsVersion", "minTlsVersion"],
    ["enableHttpsTrafficOnly", "httpsTrafficOnlyEnabled"],
    ['publicNetworkAccess to "Disabled"', "publicNetworkAccessEnabled to false"],
  ],
};

export const classicAdapters: Readonly<Record<string, ClassicAdapter>> = {
  [classicTypes.containerApp]: containerApp,
  [classicTypes.managedEnvironment]: managedEnvironment,
  [classicTypes.registry]: registry,
  [classicTypes.keyVault]: keyVault,
  [classicTypes.storageAccount]: storageAccount,
};

/** A message written for azure-native properties, with the classic names in their place. */
export function renamed(message: string, adapter: ClassicAdapter): string {
  let result = message;
  for (const [native, classic] of adapter.renames) {
    const escaped = native.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    result = result.replace(new RegExp(`(?<![\\w.])${escaped}(?![\\w])`, "g"), classic);
  }
  return result;
}
