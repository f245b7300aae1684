/**
 * Connecting resources in a stack when their ids are not known yet.
 *
 * At preview an ARM id is unknown, so `scope: registry.id` cannot be compared with anything. The
 * engine still says which resources each property came from (`propertyDependencies`), which
 * resources a resource waits for (`dependencies`) and who its parent is. These helpers combine
 * those with the names that are known, so stack rules can follow a reference either way.
 */
import type { PolicyResource } from "@pulumi/policy";
import { types, unaliasedType } from "./resourceTypes";
import { armName, at, knownList, parseArmId, propsOf, sameName, str, type JsonObject } from "./util";

export { types };

/** The property holding each resource type's Azure name, when the program sets it. */
const nameProperty: Record<string, string> = {
  [types.containerApp]: "containerAppName",
  [types.managedEnvironment]: "environmentName",
  [types.registry]: "registryName",
  [types.vault]: "vaultName",
  [types.storageAccount]: "accountName",
  [types.subnet]: "subnetName",
  [types.virtualNetwork]: "virtualNetworkName",
  [types.privateEndpoint]: "privateEndpointName",
  [types.privateZone]: "privateZoneName",
  [types.userAssignedIdentity]: "resourceName",
};

/** True when `resource` is of the azure-native `type`, under its own token or a versioned alias of it. */
export function isOfType(resource: PolicyResource, type: string): boolean {
  return resource.type === type || unaliasedType(resource.type) === type;
}

/** The resources of the azure-native `type`, under any of its tokens. */
export function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => isOfType(r, type));
}

export function props(resource: PolicyResource): JsonObject {
  return propsOf(resource.props);
}

/** The Azure name of a resource when it is known (set explicitly by the program). */
export function azureName(resource: PolicyResource): string | undefined {
  const key = nameProperty[unaliasedType(resource.type)];
  const p = props(resource);
  const explicit = key ? str(at(p, key)) : undefined;
  if (explicit) return explicit;
  return isOfType(resource, types.subnet) ? str(at(p, "name")) : undefined;
}

/** How messages name a resource: its Azure name when the program sets one, else its Pulumi name. */
export function labelOf(resource: PolicyResource): string {
  return azureName(resource) ?? resource.name;
}

/**
 * The resources a property's value came from. When the engine sent no property dependencies at
 * all for the resource, every dependency is taken instead.
 */
export function sourcesOf(resource: PolicyResource, property: string): PolicyResource[] {
  const byProperty = resource.propertyDependencies ?? {};
  if (Object.keys(byProperty).length === 0) return resource.dependencies ?? [];
  return byProperty[property] ?? [];
}

/** True when `property` of `resource` was computed from `source`. */
export function dependsThrough(resource: PolicyResource, property: string, source: PolicyResource): boolean {
  return sourcesOf(resource, property).some((r) => r.urn === source.urn);
}

/** True when `ancestor` is the parent (at any depth) of `resource`. */
export function isDescendantOf(resource: PolicyResource, ancestor: PolicyResource): boolean {
  const parentUrn = resource.opts?.parent;
  let current: PolicyResource | undefined = resource.parent;
  if (!current && parentUrn === ancestor.urn) return true;
  const seen = new Set<string>();
  while (current && !seen.has(current.urn)) {
    if (current.urn === ancestor.urn) return true;
    seen.add(current.urn);
    current = current.parent;
  }
  return false;
}

/**
 * Three-valued answer to "does this reference point at that resource?": `true` / `false` when
 * it can be decided, `undefined` when it cannot (unknown id and no dependency information).
 */
export type Match = boolean | undefined;

/**
 * Does the value of `property` on `from` (an ARM id, possibly unknown, found at `value`) refer to
 * `target`? Decided by the property's dependencies first, then by the names in a known id.
 */
export function refersTo(from: PolicyResource, property: string, value: unknown, target: PolicyResource, armType: string): Match {
  if (dependsThrough(from, property, target)) return true;
  const id = parseArmId(value);
  if (id) {
    const name = armName(id, armType);
    const targetName = azureName(target);
    if (name !== undefined && targetName !== undefined) return sameName(name, targetName);
    if (name !== undefined) return undefined;
    return false;
  }
  // A known value that is not an ARM id does not refer to it; an unknown one may.
  return str(value) !== undefined ? false : sourcesOf(from, property).length > 0 ? false : undefined;
}

/**
 * Does the name or GUID in `property` of `from` (`value`, undefined while unknown) name `target`, whose own
 * name or GUID is `targetValue`? Decided by the property's dependencies first, then by the two values once
 * both are known; a value computed from other resources does not name this one.
 */
export function names(from: PolicyResource, property: string, value: string | undefined, target: PolicyResource, targetValue: string | undefined): Match {
  if (dependsThrough(from, property, target)) return true;
  if (value !== undefined && targetValue !== undefined) return sameName(value, targetValue);
  return sourcesOf(from, property).length > 0 ? false : undefined;
}

/** The private endpoints whose private-link connections point at `target`. */
export function privateEndpointsFor(resources: PolicyResource[], target: PolicyResource, armType: string): { found: PolicyResource[]; undecided: boolean } {
  const found: PolicyResource[] = [];
  let undecided = false;
  for (const endpoint of ofType(resources, types.privateEndpoint)) {
    const p = props(endpoint);
    let matched = false;
    for (const key of ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]) {
      const connections = at(p, key);
      if (dependsThrough(endpoint, key, target)) {
        matched = true;
        continue;
      }
      if (!Array.isArray(connections)) {
        if (connections !== undefined) undecided = true;
        continue;
      }
      for (const connection of connections) {
        const match = refersTo(endpoint, key, at(connection, "privateLinkServiceId"), target, armType);
        if (match === true) matched = true;
        if (match === undefined) undecided = true;
      }
    }
    if (matched) found.push(endpoint);
  }
  return { found, undecided };
}

/** A subnet a reference may point at. */
export interface SubnetCandidate {
  /** Equal for the same subnet, however it was reached. */
  key: string;
  /** How messages name it. */
  label: string;
  /** The subnet's own properties (a Subnet resource or a VNet's inline subnet); undefined when the stack does not declare it. */
  declared?: unknown;
}

/** The name of the VNet a Subnet resource belongs to, when it can be told. */
function vnetNameOf(subnet: PolicyResource, resources: PolicyResource[]): string | undefined {
  const known = str(at(props(subnet), "virtualNetworkName"));
  if (known !== undefined) return known;
  const vnet = ofType(resources, types.virtualNetwork).find((v) => dependsThrough(subnet, "virtualNetworkName", v) || isDescendantOf(subnet, v));
  return vnet ? azureName(vnet) : undefined;
}

function declaredSubnet(subnet: PolicyResource): SubnetCandidate {
  return { key: subnet.urn, label: labelOf(subnet), declared: props(subnet) };
}

function inlineSubnet(vnet: PolicyResource, inline: unknown, index: number): SubnetCandidate {
  const name = str(at(inline, "name"));
  return { key: `${vnet.urn}/${name?.toLowerCase() ?? `#${index + 1}`}`, label: `${labelOf(vnet)}/${name ?? `#${index + 1}`}`, declared: inline };
}

/**
 * The subnets the subnet id in `property` of `resource` (`value`, known or not) may point at: the one
 * Subnet resource the value came from, when the engine says so; else, for a known id, every subnet of
 * the stack it names (a Subnet resource, or a VNet's inline subnet) or, when the stack declares none,
 * the subnet the id names; else every subnet the value may have come from (Subnet resources and the
 * inline subnets of VNets among its sources). Empty when nothing can be told.
 */
export function subnetCandidates(resource: PolicyResource, property: string, value: unknown, resources: PolicyResource[]): SubnetCandidate[] {
  const sources = sourcesOf(resource, property);
  const subnets = sources.filter((source) => isOfType(source, types.subnet));
  const vnets = sources.filter((source) => isOfType(source, types.virtualNetwork));
  if (subnets.length === 1 && vnets.length === 0) return [declaredSubnet(subnets[0]!)];
  const id = parseArmId(value);
  if (id) {
    const subnetName = armName(id, "subnets");
    const vnetName = armName(id, "virtualNetworks");
    if (subnetName === undefined || vnetName === undefined) return [];
    const candidates = ofType(resources, types.subnet)
      .filter((subnet) => {
        if (!sameName(azureName(subnet), subnetName)) return false;
        const parent = vnetNameOf(subnet, resources);
        return parent === undefined || sameName(parent, vnetName);
      })
      .map(declaredSubnet);
    for (const vnet of ofType(resources, types.virtualNetwork)) {
      if (!sameName(azureName(vnet), vnetName)) continue;
      knownList(at(props(vnet), "subnets")).forEach((inline, index) => {
        if (sameName(str(at(inline, "name")), subnetName)) candidates.push(inlineSubnet(vnet, inline, index));
      });
    }
    return candidates.length > 0 ? candidates : [{ key: str(value)!.toLowerCase(), label: `${vnetName}/${subnetName}` }];
  }
  return [
    ...subnets.map(declaredSubnet),
    ...vnets.flatMap((vnet) => knownList(at(props(vnet), "subnets")).map((inline, index) => inlineSubnet(vnet, inline, index))),
  ];
}

/** The subnets a managed environment's `vnetConfiguration.infrastructureSubnetId` may point at (see `subnetCandidates`). */
export function infrastructureSubnets(environment: PolicyResource, resources: PolicyResource[]): SubnetCandidate[] {
  const subnetId = at(props(environment), "vnetConfiguration", "infrastructureSubnetId");
  if (subnetId === undefined) return [];
  return subnetCandidates(environment, "vnetConfiguration", subnetId, resources);
}

/**
 * What `problemOf` finds wrong with each candidate the stack declares, when it finds something wrong
 * with every one of them; empty otherwise. Several candidates come from a reference that cannot be
 * told exactly (an unknown id into a VNet with inline subnets): only a verdict that holds for all of
 * them is certain. `problemOf` answers undefined when nothing is wrong or when it cannot tell.
 */
export function problemsOfEvery<P>(candidates: SubnetCandidate[], problemOf: (subnet: unknown) => P | undefined): { subnet: SubnetCandidate; problem: P }[] {
  const declared = candidates.filter((candidate) => candidate.declared !== undefined);
  const judged = declared.map((subnet) => ({ subnet, problem: problemOf(subnet.declared) }));
  if (judged.length === 0 || judged.some((j) => j.problem === undefined)) return [];
  return judged as { subnet: SubnetCandidate; problem: P }[];
}
