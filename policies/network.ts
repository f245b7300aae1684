/** Rules for subnets, private endpoints and private DNS: NSGs, zone groups, VNet links. */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, dependsThrough, isDescendantOf, isOfType, labelOf, names, ofType, props, refersTo, sourcesOf, types } from "./graph";
import { resourceRule, stackRule, tunables, type AcaPolicy } from "./rule";
import { UNKNOWN, armName, at, knownList, list, parseArmId, sameName, sameText, str, type JsonObject } from "./util";

const nsgTunables = tunables(
  {
    exemptSubnetNames: ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"],
    exemptDelegations: ["Microsoft.Netapp/volumes"],
  },
  {
    exemptSubnetNames: { type: "array", items: { type: "string" }, description: "Subnet names Azure forbids an NSG on." },
    exemptDelegations: { type: "array", items: { type: "string" }, description: "Delegations whose service forbids an NSG on the subnet." },
  },
);

type NsgConfig = typeof nsgTunables.defaults;

/** The NSG problem of one subnet, if any (undefined when it has one, is exempt, or is unknown). */
function missingNsg(subnet: unknown, label: string, config: NsgConfig): string | undefined {
  if (subnet === UNKNOWN) return undefined;
  const name = str(at(subnet, "name")) ?? str(at(subnet, "subnetName"));
  if (name !== undefined && config.exemptSubnetNames.some((exempt) => sameText(name, exempt))) return undefined;
  const delegations = list(at(subnet, "delegations"));
  if (delegations === UNKNOWN) return undefined;
  const services = delegations.map((d) => at(d, "serviceName"));
  if (services.includes(UNKNOWN)) return undefined;
  if (services.some((s) => config.exemptDelegations.some((exempt) => sameText(s, exempt)))) return undefined;
  const nsg = at(subnet, "networkSecurityGroup");
  if (nsg === UNKNOWN || at(nsg, "id") !== undefined) return undefined;
  return `Subnet ${name ?? label} must be associated with a network security group (networkSecurityGroup.id).`;
}

export const subnetNsg = resourceRule([types.subnet, types.virtualNetwork], {
  name: "network-subnet-nsg",
  description: "Every subnet (except those Azure forbids it on) has a network security group.",
  enforcementLevel: "mandatory",
  source: "Azure Policy e71308d3",
  tunables: nsgTunables,
  validate: (p: JsonObject, { report, config, args }) => {
    if (args.type === types.subnet) {
      const problem = missingNsg(p, args.name, config);
      if (problem) report(problem);
      return;
    }
    knownList(at(p, "subnets")).forEach((subnet, index) => {
      const problem = missingNsg(subnet, `#${index + 1}`, config);
      if (problem) report(problem);
    });
  },
});

/** Is the zone group attached to the endpoint: by dependency, parent, or known names? */
function groupBelongsTo(group: PolicyResource, endpoint: PolicyResource): boolean | undefined {
  if (isDescendantOf(group, endpoint)) return true;
  return names(group, "privateEndpointName", str(at(props(group), "privateEndpointName")), endpoint, azureName(endpoint));
}

export const endpointDnsZoneGroup = stackRule({
  name: "network-private-endpoint-dns-zone-group",
  description: "Every private endpoint has a DNS zone group that registers it in its private DNS zone.",
  enforcementLevel: "mandatory",
  // https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
  source: "Learn private-link/private-endpoint-dns-integration",
  resourceTypes: [types.privateEndpoint, types.privateDnsZoneGroup],
  validate: (resources, { report }) => {
    const groups = ofType(resources, types.privateDnsZoneGroup);
    for (const endpoint of ofType(resources, types.privateEndpoint)) {
      if (groups.some((group) => groupBelongsTo(group, endpoint) !== false)) continue;
      report(
        `Private endpoint ${labelOf(endpoint)} must have a PrivateDnsZoneGroup pointing at its private DNS zone ` +
          "(e.g. privatelink.azurecr.io) so its name resolves to the private address.",
        endpoint.urn,
      );
    }
  },
});

/** The VNets a private endpoint's subnet belongs to, as far as they can be told. */
function endpointVnets(endpoint: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
  const vnets = ofType(resources, types.virtualNetwork);
  const id = parseArmId(at(props(endpoint), "subnet", "id"));
  const found = new Set<PolicyResource>();
  if (id) {
    const vnetName = armName(id, "virtualNetworks");
    for (const vnet of vnets) if (sameName(azureName(vnet), vnetName)) found.add(vnet);
  }
  for (const source of sourcesOf(endpoint, "subnet")) {
    if (isOfType(source, types.virtualNetwork)) found.add(source);
    if (isOfType(source, types.subnet)) {
      const vnetName = str(at(props(source), "virtualNetworkName"));
      for (const vnet of vnets) {
        if (dependsThrough(source, "virtualNetworkName", vnet) || isDescendantOf(source, vnet) || sameName(azureName(vnet), vnetName)) found.add(vnet);
      }
    }
  }
  return [...found];
}

/** The private DNS zones a zone group registers records in. */
function groupZones(group: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
  const configs = knownList(at(props(group), "privateDnsZoneConfigs"));
  return ofType(resources, types.privateZone).filter(
    (zone) =>
      dependsThrough(group, "privateDnsZoneConfigs", zone) ||
      configs.some((config) => refersTo(group, "privateDnsZoneConfigs", at(config, "privateDnsZoneId"), zone, "privateDnsZones") === true),
  );
}

/** Could `link` be a link from `zone` to `vnet`? (Unknown references count as "could".) */
function linksZoneToVnet(link: PolicyResource, zone: PolicyResource, vnet: PolicyResource): boolean {
  const p = props(link);
  const zoneName = at(p, "privateZoneName");
  const zoneMatch =
    dependsThrough(link, "privateZoneName", zone) ||
    isDescendantOf(link, zone) ||
    (str(zoneName) !== undefined ? sameName(str(zoneName), azureName(zone)) || azureName(zone) === undefined : sourcesOf(link, "privateZoneName").length === 0);
  if (!zoneMatch) return false;
  const vnetMatch = refersTo(link, "virtualNetwork", at(p, "virtualNetwork", "id"), vnet, "virtualNetworks");
  return vnetMatch !== false;
}

export const privateDnsZoneLinked = stackRule({
  name: "network-private-dns-zone-vnet-link",
  description: "Every private DNS zone a private endpoint registers in is linked to the endpoint's VNet.",
  enforcementLevel: "mandatory",
  // The landing zone links each private DNS zone to every VNet that resolves it:
  // https://github.com/Azure/aca-landing-zone-accelerator/blob/main/docs/design-areas/networking.md
  source: "ACA landing zone",
  resourceTypes: [types.privateDnsZoneGroup, types.privateZone, types.virtualNetworkLink],
  validate: (resources, { report }) => {
    const endpoints = ofType(resources, types.privateEndpoint);
    const links = ofType(resources, types.virtualNetworkLink);
    const reported = new Set<string>();
    for (const group of ofType(resources, types.privateDnsZoneGroup)) {
      const owners = endpoints.filter((endpoint) => groupBelongsTo(group, endpoint) === true);
      if (owners.length !== 1) continue;
      const endpoint = owners[0]!;
      const vnets = endpointVnets(endpoint, resources);
      if (vnets.length !== 1) continue;
      const vnet = vnets[0]!;
      for (const zone of groupZones(group, resources)) {
        if (links.some((link) => linksZoneToVnet(link, zone, vnet))) continue;
        const key = `${zone.urn}|${vnet.urn}`;
        if (reported.has(key)) continue;
        reported.add(key);
        report(
          `Private DNS zone ${labelOf(zone)} must be linked to virtual network ${labelOf(vnet)} ` +
            `(a privatedns VirtualNetworkLink), or private endpoint ${labelOf(endpoint)} will not resolve inside it.`,
          zone.urn,
        );
      }
    }
  },
});

export const networkPolicies: AcaPolicy[] = [subnetNsg, endpointDnsZoneGroup, privateDnsZoneLinked];
