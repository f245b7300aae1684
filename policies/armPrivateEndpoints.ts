/**
 * `arm-*` rules for private endpoints: the group id (sub-resource) must be one the target resource
 * type offers, and the endpoint's DNS zone group must register it in the zone that group id uses.
 */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, dependsThrough, isDescendantOf, labelOf, names, ofType, props, sourcesOf, types } from "./graph";
import { unaliasedType } from "./resourceTypes";
import { stackRule, type AcaPolicy } from "./rule";
import { armName, at, knownList, parseArmId, str } from "./util";

/**
 * Sub-resources (group ids) per target type and the private DNS zone each one's records belong in,
 * from Microsoft's "Azure Private Endpoint private DNS zone values" (commercial cloud).
 * `{region}` stands for a region name. Azure compares group ids without regard to case.
 */
const privateEndpointDnsPage = "https://learn.microsoft.com/azure/private-link/private-endpoint-dns";

const storageZones = (service: string) => [`privatelink.${service}.core.windows.net`];

export const privateLinkZones: Record<string, Record<string, string[]>> = {
  "microsoft.containerregistry/registries": { registry: ["privatelink.azurecr.io", "{region}.data.privatelink.azurecr.io"] },
  "microsoft.keyvault/vaults": { vault: ["privatelink.vaultcore.azure.net"] },
  "microsoft.storage/storageaccounts": Object.fromEntries(
    ["blob", "table", "queue", "file", "web", "dfs"].flatMap((service) => [
      [service, storageZones(service)],
      [`${service}_secondary`, storageZones(service)],
    ]),
  ),
  // The DNS zone page names the sub-resource managedEnvironments, the Container Apps page managedEnvironment.
  "microsoft.app/managedenvironments": {
    managedenvironments: ["privatelink.{region}.azurecontainerapps.io"],
    managedenvironment: ["privatelink.{region}.azurecontainerapps.io"],
  },
  "microsoft.documentdb/databaseaccounts": {
    sql: ["privatelink.documents.azure.com"],
    mongodb: ["privatelink.mongo.cosmos.azure.com"],
    cassandra: ["privatelink.cassandra.cosmos.azure.com"],
    gremlin: ["privatelink.gremlin.cosmos.azure.com"],
    table: ["privatelink.table.cosmos.azure.com"],
    analytical: ["privatelink.analytics.cosmos.azure.com"],
  },
  "microsoft.sql/servers": { sqlserver: ["privatelink.database.windows.net"] },
  "microsoft.cache/redis": { rediscache: ["privatelink.redis.cache.windows.net"] },
};

/** azure-native token → ARM type (`provider/type`, lower-cased) of the resources a private endpoint can target. */
export const privateLinkTargetTypes: Readonly<Record<string, string>> = {
  [types.registry]: "microsoft.containerregistry/registries",
  [types.vault]: "microsoft.keyvault/vaults",
  [types.storageAccount]: "microsoft.storage/storageaccounts",
  [types.managedEnvironment]: "microsoft.app/managedenvironments",
  [types.cosmosDatabaseAccount]: "microsoft.documentdb/databaseaccounts",
  [types.sqlServer]: "microsoft.sql/servers",
  [types.redis]: "microsoft.cache/redis",
};

const connectionKeys = ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"];

/** The ARM type (`provider/type`, lower-cased) of a known ARM id, e.g. "microsoft.keyvault/vaults". */
function armTypeOfId(value: unknown): string | undefined {
  const id = parseArmId(value);
  const first = id?.segments[0];
  return id?.provider && first ? `${id.provider}/${first.type}` : undefined;
}

/** The target type of the connections under `key`: from a known id, else from the one kind of resource they came from. */
function targetType(endpoint: PolicyResource, key: string, connection: unknown): string | undefined {
  const fromId = armTypeOfId(at(connection, "privateLinkServiceId"));
  if (fromId) return fromId;
  const kinds = new Set(sourcesOf(endpoint, key).map((source) => privateLinkTargetTypes[unaliasedType(source.type)]).filter((t) => t !== undefined));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** The known group ids of an endpoint, each with the target type when it can be told. */
function endpointGroups(endpoint: PolicyResource): { groupId: string; targetType?: string }[] {
  const found: { groupId: string; targetType?: string }[] = [];
  for (const key of connectionKeys) {
    for (const connection of knownList(at(props(endpoint), key))) {
      const type = targetType(endpoint, key, connection);
      for (const groupId of knownList(at(connection, "groupIds"))) {
        const text = str(groupId);
        if (text !== undefined) found.push({ groupId: text, ...(type ? { targetType: type } : {}) });
      }
    }
  }
  return found;
}

export const privateEndpointGroupId = stackRule({
  name: "arm-private-endpoint-group-id",
  description: "Private endpoint group ids are sub-resources the target resource type offers (registry, vault, blob, …).",
  enforcementLevel: "mandatory",
  source: privateEndpointDnsPage,
  resourceTypes: [types.privateEndpoint, ...Object.keys(privateLinkTargetTypes)],
  validate: (resources, { report }) => {
    for (const endpoint of ofType(resources, types.privateEndpoint)) {
      for (const { groupId, targetType } of endpointGroups(endpoint)) {
        const offered = targetType ? privateLinkZones[targetType] : undefined;
        if (!offered || offered[groupId.toLowerCase()] !== undefined) continue;
        report(
          `Private endpoint ${labelOf(endpoint)} must use a group id that ${targetType} offers (${Object.keys(offered).join(", ")}), not "${groupId}".`,
          endpoint.urn,
        );
      }
    }
  },
});

/** The endpoint a zone group belongs to, when exactly one can be told. */
function ownerOf(group: PolicyResource, endpoints: PolicyResource[]): PolicyResource | undefined {
  const named = str(at(props(group), "privateEndpointName"));
  const owners = endpoints.filter(
    (endpoint) => isDescendantOf(group, endpoint) || names(group, "privateEndpointName", named, endpoint, azureName(endpoint)) === true,
  );
  return owners.length === 1 ? owners[0] : undefined;
}

/** The names of the zones a zone group registers in, as far as they are known. */
function zoneNames(group: PolicyResource, resources: PolicyResource[]): string[] {
  const configs = knownList(at(props(group), "privateDnsZoneConfigs"));
  const found: string[] = [];
  const unresolved: unknown[] = [];
  for (const config of configs) {
    const name = armName(parseArmId(at(config, "privateDnsZoneId")), "privateDnsZones");
    if (name !== undefined) found.push(name);
    else unresolved.push(config);
  }
  if (unresolved.length === 1 && configs.length === 1) {
    const zones = ofType(resources, types.privateZone).filter((zone) => dependsThrough(group, "privateDnsZoneConfigs", zone));
    const zoneName = zones.length === 1 ? azureName(zones[0]!) : undefined;
    if (zoneName !== undefined) found.push(zoneName);
  }
  return found;
}

function zonePattern(zone: string): RegExp {
  const escaped = zone.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\{region\}/g, "[a-z0-9]+");
  return new RegExp(`^${escaped}$`, "i");
}

/** The zones an endpoint's records may go in: per group id, for its target type or, when unknown, any type offering it. */
function expectedZones(groupId: string, targetType: string | undefined): string[] | undefined {
  const key = groupId.toLowerCase();
  if (targetType) return privateLinkZones[targetType]?.[key];
  const zones = Object.values(privateLinkZones).flatMap((offered) => offered[key] ?? []);
  return zones.length > 0 ? zones : undefined;
}

export const privateDnsZoneMatchesGroup = stackRule({
  name: "arm-private-dns-zone-matches-group",
  description: "A private endpoint's DNS zone group registers it only in the private DNS zones its group id uses (registry → privatelink.azurecr.io, …).",
  enforcementLevel: "mandatory",
  source: privateEndpointDnsPage,
  resourceTypes: [types.privateDnsZoneGroup, types.privateEndpoint, types.privateZone],
  validate: (resources, { report }) => {
    const endpoints = ofType(resources, types.privateEndpoint);
    for (const group of ofType(resources, types.privateDnsZoneGroup)) {
      const endpoint = ownerOf(group, endpoints);
      if (!endpoint) continue;
      const groups = endpointGroups(endpoint);
      const allowed = groups.map(({ groupId, targetType }) => expectedZones(groupId, targetType));
      if (allowed.length === 0 || allowed.some((zones) => zones === undefined)) continue;
      const zones = allowed.flat() as string[];
      for (const zone of zoneNames(group, resources)) {
        if (zones.some((expected) => zonePattern(expected).test(zone))) continue;
        report(
          `Private DNS zone group ${group.name} must register private endpoint ${labelOf(endpoint)} (group id ${groups.map((g) => g.groupId).join(", ")}) ` +
            `in ${[...new Set(zones)].join(" or ")}, not ${zone}: names in any other zone do not resolve to the endpoint.`,
          group.urn,
        );
      }
    }
  },
});

export const armPrivateEndpointPolicies: AcaPolicy[] = [privateEndpointGroupId, privateDnsZoneMatchesGroup];
