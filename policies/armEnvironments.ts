/**
 * `arm-*` rules for a managed environment's infrastructure subnet: it belongs to that environment
 * alone, and its delegation matches the environment kind.
 */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, dependsThrough, isDescendantOf, isOfType, labelOf, ofType, props, sourcesOf, types } from "./graph";
import { stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, armName, at, knownList, list, parseArmId, sameName, sameText, str } from "./util";

const subnetPage = "https://learn.microsoft.com/azure/container-apps/custom-virtual-networks#subnet";
const appDelegation = "Microsoft.App/environments";

/** A subnet as the rules see it: a key that is equal for the same subnet, a label, and its properties when declared in the stack. */
interface SubnetRef {
  key: string;
  label: string;
  /** The subnet's own properties (a Subnet resource or a VNet's inline subnet), when the stack declares it. */
  declared?: unknown;
}

/** The VNet name a Subnet resource belongs to, when known. */
function vnetNameOf(subnet: PolicyResource, resources: PolicyResource[]): string | undefined {
  const known = str(at(props(subnet), "virtualNetworkName"));
  if (known !== undefined) return known;
  const vnet = ofType(resources, types.virtualNetwork).find((v) => dependsThrough(subnet, "virtualNetworkName", v) || isDescendantOf(subnet, v));
  return vnet ? azureName(vnet) : undefined;
}

/**
 * The subnet `property` of `resource` points at (`value` is the subnet id found there): the one
 * Subnet resource the value came from, else the subnet a known id names. Undefined when it cannot
 * be told.
 */
function subnetRef(resource: PolicyResource, property: string, value: unknown, resources: PolicyResource[]): SubnetRef | undefined {
  const sources = sourcesOf(resource, property);
  const subnets = sources.filter((source) => isOfType(source, types.subnet));
  if (subnets.length === 1 && !sources.some((source) => isOfType(source, types.virtualNetwork))) {
    const subnet = subnets[0]!;
    return { key: subnet.urn, label: labelOf(subnet), declared: props(subnet) };
  }
  const id = parseArmId(value);
  const subnetName = armName(id, "subnets");
  const vnetName = armName(id, "virtualNetworks");
  if (!id || subnetName === undefined || vnetName === undefined) return undefined;
  const matching = ofType(resources, types.subnet).filter((subnet) => {
    if (!sameName(azureName(subnet), subnetName)) return false;
    const parent = vnetNameOf(subnet, resources);
    return parent === undefined || sameName(parent, vnetName);
  });
  if (matching.length === 1) {
    const subnet = matching[0]!;
    return { key: subnet.urn, label: subnetName, declared: props(subnet) };
  }
  for (const vnet of ofType(resources, types.virtualNetwork)) {
    if (!sameName(azureName(vnet), vnetName)) continue;
    const inline = knownList(at(props(vnet), "subnets")).find((candidate) => sameName(str(at(candidate, "name")), subnetName));
    if (inline !== undefined) return { key: `${vnet.urn}/${subnetName.toLowerCase()}`, label: `${vnetName}/${subnetName}`, declared: inline };
  }
  return { key: str(value)!.toLowerCase(), label: `${vnetName}/${subnetName}` };
}

function environmentSubnet(environment: PolicyResource, resources: PolicyResource[]): SubnetRef | undefined {
  const configuration = at(props(environment), "vnetConfiguration");
  if (configuration === UNKNOWN || configuration === undefined) return undefined;
  const subnetId = at(configuration, "infrastructureSubnetId");
  if (subnetId === undefined) return undefined;
  return subnetRef(environment, "vnetConfiguration", subnetId, resources);
}

export const environmentSubnetDedicated = stackRule({
  name: "arm-environment-subnet-dedicated",
  description: "A managed environment's infrastructure subnet serves that environment alone: no second environment and no private endpoint in it.",
  enforcementLevel: "mandatory",
  source: subnetPage,
  resourceTypes: [types.managedEnvironment, types.privateEndpoint, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    const owners = new Map<string, PolicyResource>();
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const subnet = environmentSubnet(environment, resources);
      if (!subnet) continue;
      const owner = owners.get(subnet.key);
      if (!owner) {
        owners.set(subnet.key, environment);
        continue;
      }
      report(
        `Managed environments ${labelOf(owner)} and ${labelOf(environment)} must not share infrastructure subnet ${subnet.label}: ` +
          "each environment needs a subnet dedicated to it alone.",
        environment.urn,
      );
    }
    for (const endpoint of ofType(resources, types.privateEndpoint)) {
      const subnet = subnetRef(endpoint, "subnet", at(props(endpoint), "subnet", "id"), resources);
      const owner = subnet ? owners.get(subnet.key) : undefined;
      if (!subnet || !owner) continue;
      report(
        `Private endpoint ${labelOf(endpoint)} must not be placed in ${subnet.label}, the infrastructure subnet of managed environment ${labelOf(owner)}: ` +
          "that subnet is dedicated to the environment; put the endpoint in a subnet of its own.",
        endpoint.urn,
      );
    }
  },
});

export const environmentSubnetDelegation = stackRule({
  name: "arm-environment-subnet-delegation",
  description: "An environment's infrastructure subnet is delegated to Container Apps when it has workload profiles, and not delegated when it is consumption-only.",
  enforcementLevel: "mandatory",
  source: subnetPage,
  resourceTypes: [types.managedEnvironment, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const profiles = at(props(environment), "workloadProfiles");
      if (profiles === UNKNOWN) continue;
      const subnet = environmentSubnet(environment, resources);
      if (!subnet || subnet.declared === undefined) continue;
      const delegations = list(at(subnet.declared, "delegations"));
      if (delegations === UNKNOWN) continue;
      const services = delegations.map((delegation) => at(delegation, "serviceName"));
      if (services.includes(UNKNOWN)) continue;
      const workloadProfiles = Array.isArray(profiles) && profiles.length > 0;
      if (workloadProfiles && !services.some((service) => sameText(service, appDelegation))) {
        report(
          `Managed environment ${labelOf(environment)} has workload profiles, so its infrastructure subnet ${subnet.label} must be delegated to ${appDelegation}.`,
          environment.urn,
        );
      } else if (!workloadProfiles && services.length > 0) {
        report(
          `Managed environment ${labelOf(environment)} is consumption-only, so its infrastructure subnet ${subnet.label} must not be delegated ` +
            `(is delegated to ${services.map((s) => str(s) ?? "?").join(", ")}).`,
          environment.urn,
        );
      }
    }
  },
});

export const armEnvironmentPolicies: AcaPolicy[] = [environmentSubnetDedicated, environmentSubnetDelegation];
