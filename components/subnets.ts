import { ValidationError } from "./validation";

/**
 * Pure IPv4 CIDR arithmetic and the subnet rules Azure Container Apps imposes, checked before any
 * resource is registered so a bad plan fails in `pulumi preview` rather than twenty minutes into `up`.
 */

/** The resource provider an ACA workload-profiles infrastructure subnet is delegated to. */
export const CONTAINER_APPS_DELEGATION = "Microsoft.App/environments";

/**
 * Workload-profiles (the default, with a Consumption profile) or the legacy consumption-only environment. An
 * `as const` object rather than a bare union, so Pulumi's component analyzer can turn it into a schema enum.
 */
export const EnvironmentKind = {
  /** A Consumption profile, plus any Dedicated ones; infrastructure subnet /27 or larger, delegated. */
  WorkloadProfiles: "workload-profiles",
  /** Legacy: no workload profiles; infrastructure subnet /23 or larger, not delegated. */
  ConsumptionOnly: "consumption-only",
} as const;

export type EnvironmentKind = (typeof EnvironmentKind)[keyof typeof EnvironmentKind];

export const ENVIRONMENT_KINDS: readonly EnvironmentKind[] = ["workload-profiles", "consumption-only"];

/** The largest prefix length (smallest subnet) each environment kind accepts for its infrastructure subnet. */
export const INFRASTRUCTURE_SUBNET_MAX_PREFIX: Record<EnvironmentKind, number> = {
  "workload-profiles": 27,
  "consumption-only": 23,
};

/**
 * The private endpoints need four addresses (the registry takes two: its endpoint and its regional data
 * endpoint; the vault and the blob service one each) on top of the five Azure reserves in every subnet.
 */
export const PRIVATE_ENDPOINTS_SUBNET_MAX_PREFIX = 28;

/** Ranges Azure Container Apps reserves for its own infrastructure; a subnet overlapping them fails to deploy. */
export const CONTAINER_APPS_RESERVED_RANGES: readonly string[] = [
  "169.254.0.0/16",
  "172.30.0.0/16",
  "172.31.0.0/16",
  "192.0.2.0/24",
];

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  /** The text as given. */
  readonly text: string;
  /** The network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefixLength: number;
}

const CIDR_SYNTAX = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function ipToText(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

/** The mask of a prefix length as an unsigned 32-bit integer (`/0` → 0). */
function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/**
 * Parses `a.b.c.d/n`. Throws a ValidationError naming the field, the value and the rule when the text is not a
 * well-formed IPv4 CIDR or has host bits set (Azure rejects `10.0.0.1/24`; it means `10.0.0.0/24`).
 */
export function parseCidr(field: string, value: string): Cidr {
  const match = CIDR_SYNTAX.exec(value);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefixLength = match ? Number(match[5]) : NaN;
  const canonical = match ? match.slice(1, 6).every((part) => String(Number(part)) === part) : false;
  if (!match || !canonical || octets.some((octet) => octet > 255) || prefixLength > 32) {
    throw new ValidationError(
      field,
      value,
      "an address range must be an IPv4 CIDR, four octets 0–255 (no leading zeros) and a prefix length 0–32, as in 10.0.0.0/16",
    );
  }
  const address = octets.reduce((total, octet) => total * 256 + octet, 0) >>> 0;
  const network = (address & maskOf(prefixLength)) >>> 0;
  if (network !== address) {
    throw new ValidationError(
      field,
      value,
      `an address range must start at its network address, here ${ipToText(network)}/${prefixLength}`,
    );
  }
  return { text: value, network, prefixLength };
}

/** Number of addresses in a block (`/23` → 512). */
export function addressCount(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

function lastAddress(cidr: Cidr): number {
  return cidr.network + addressCount(cidr) - 1;
}

/** True when every address of `inner` lies inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** The `index`-th address of a block as text (`10.0.0.0/24`, 4 → `10.0.0.4`). */
export function addressAt(cidr: Cidr, index: number): string {
  if (index < 0 || index >= addressCount(cidr)) {
    throw new Error(`Address index ${index} is outside ${cidr.text}, which holds ${addressCount(cidr)} addresses.`);
  }
  return ipToText(cidr.network + index);
}

/** One subnet as planned: where it sits and which service it is delegated to, if any. */
export interface PlannedSubnet {
  /** The argument the range came from, for error messages (`network.infrastructureSubnetPrefix`). */
  readonly field: string;
  readonly addressPrefix: string;
  /** The argument the delegation came from. */
  readonly delegationField?: string;
  /** Service the subnet is delegated to (`Microsoft.App/environments`), or undefined when not delegated. */
  readonly delegation?: string;
  /** True for an existing subnet whose delegation was not declared: the delegation rules are skipped. */
  readonly delegationUnknown?: boolean;
}

/** The whole network plan the private topology checks before it registers anything. */
export interface SubnetPlan {
  readonly environmentKind: EnvironmentKind;
  /** The VNet's address space; undefined for an existing VNet whose space was not declared. */
  readonly addressSpace?: { readonly field: string; readonly prefixes: readonly string[] };
  /** Undefined for an existing infrastructure subnet whose range was not declared. */
  readonly infrastructure?: PlannedSubnet;
  /** Undefined for an existing endpoints subnet whose range was not declared. */
  readonly privateEndpoints?: PlannedSubnet;
}

/** What a valid plan parses to. */
export interface ValidatedSubnetPlan {
  readonly addressSpace: Cidr[];
  readonly infrastructure?: Cidr;
  readonly privateEndpoints?: Cidr;
}

/**
 * Checks the subnet rules of Azure Container Apps and private endpoints, in this order: every CIDR
 * well-formed; the VNet's prefixes not overlapping each other; the infrastructure subnet large enough for
 * the environment kind (workload-profiles ≥ /27, consumption-only ≥ /23) and delegated accordingly (to
 * Microsoft.App/environments, or not at all); the endpoints subnet ≥ /28 and not delegated; each subnet
 * inside the VNet; the subnets not overlapping each other nor the ranges ACA reserves.
 * Throws a ValidationError naming the field, the value and the rule.
 */
export function validateSubnetPlan(plan: SubnetPlan): ValidatedSubnetPlan {
  const addressSpace = (plan.addressSpace?.prefixes ?? []).map((prefix, index) =>
    parseCidr(`${plan.addressSpace!.field}[${index}]`, prefix),
  );
  if (plan.addressSpace && addressSpace.length === 0) {
    throw new ValidationError(plan.addressSpace.field, [], "a virtual network needs at least one address prefix");
  }
  const infrastructure = plan.infrastructure ? parseCidr(plan.infrastructure.field, plan.infrastructure.addressPrefix) : undefined;
  const privateEndpoints = plan.privateEndpoints
    ? parseCidr(plan.privateEndpoints.field, plan.privateEndpoints.addressPrefix)
    : undefined;

  addressSpace.forEach((prefix, index) => {
    const clash = addressSpace.findIndex((other, otherIndex) => otherIndex > index && overlaps(prefix, other));
    if (clash >= 0) {
      throw new ValidationError(
        plan.addressSpace!.field,
        plan.addressSpace!.prefixes,
        `the prefixes of a virtual network's address space must not overlap; ${prefix.text} and ${addressSpace[clash]!.text} do`,
      );
    }
  });

  if (plan.infrastructure && infrastructure) checkInfrastructureSubnet(plan.environmentKind, plan.infrastructure, infrastructure);
  if (plan.privateEndpoints && privateEndpoints) checkPrivateEndpointsSubnet(plan.privateEndpoints, privateEndpoints);

  const subnets: [PlannedSubnet, Cidr][] = [];
  if (plan.infrastructure && infrastructure) subnets.push([plan.infrastructure, infrastructure]);
  if (plan.privateEndpoints && privateEndpoints) subnets.push([plan.privateEndpoints, privateEndpoints]);

  if (plan.addressSpace) {
    for (const [planned, cidr] of subnets) {
      if (!addressSpace.some((prefix) => contains(prefix, cidr))) {
        throw new ValidationError(
          planned.field,
          planned.addressPrefix,
          `a subnet must lie inside the virtual network's address space (${addressSpace.map((p) => p.text).join(", ")})`,
        );
      }
    }
  }
  if (infrastructure && plan.infrastructure && privateEndpoints && plan.privateEndpoints && overlaps(infrastructure, privateEndpoints)) {
    throw new ValidationError(
      plan.privateEndpoints.field,
      plan.privateEndpoints.addressPrefix,
      `subnets of one virtual network must not overlap, and this one overlaps \`${plan.infrastructure.field}\` (${plan.infrastructure.addressPrefix})`,
    );
  }
  for (const [planned, cidr] of subnets) {
    const reserved = CONTAINER_APPS_RESERVED_RANGES.map((range) => parseCidr("reserved", range)).find((range) =>
      overlaps(range, cidr),
    );
    if (reserved) {
      throw new ValidationError(
        planned.field,
        planned.addressPrefix,
        `a subnet must not overlap ${reserved.text}, which Azure Container Apps reserves for its own infrastructure`,
      );
    }
  }
  return { addressSpace, infrastructure, privateEndpoints };
}

function checkInfrastructureSubnet(kind: EnvironmentKind, planned: PlannedSubnet, cidr: Cidr): void {
  const maxPrefix = INFRASTRUCTURE_SUBNET_MAX_PREFIX[kind];
  if (cidr.prefixLength > maxPrefix) {
    throw new ValidationError(
      planned.field,
      planned.addressPrefix,
      `a ${kind} environment needs an infrastructure subnet of /${maxPrefix} or larger (${2 ** (32 - maxPrefix)} addresses); /${cidr.prefixLength} holds ${addressCount(cidr)}`,
    );
  }
  if (planned.delegationUnknown) return;
  const delegationField = planned.delegationField ?? `${planned.field} delegation`;
  if (kind === "workload-profiles" && planned.delegation !== CONTAINER_APPS_DELEGATION) {
    throw new ValidationError(
      delegationField,
      planned.delegation ?? null,
      `a workload-profiles environment needs its infrastructure subnet delegated to ${CONTAINER_APPS_DELEGATION}`,
    );
  }
  if (kind === "consumption-only" && planned.delegation !== undefined) {
    throw new ValidationError(
      delegationField,
      planned.delegation,
      "a consumption-only environment needs an infrastructure subnet that is not delegated to any service",
    );
  }
}

function checkPrivateEndpointsSubnet(planned: PlannedSubnet, cidr: Cidr): void {
  if (cidr.prefixLength > PRIVATE_ENDPOINTS_SUBNET_MAX_PREFIX) {
    throw new ValidationError(
      planned.field,
      planned.addressPrefix,
      `the private endpoints subnet needs /${PRIVATE_ENDPOINTS_SUBNET_MAX_PREFIX} or larger (four endpoint addresses plus the five Azure reserves); /${cidr.prefixLength} holds ${addressCount(cidr)}`,
    );
  }
  if (!planned.delegationUnknown && planned.delegation !== undefined) {
    throw new ValidationError(
      planned.delegationField ?? `${planned.field} delegation`,
      planned.delegation,
      "private endpoints cannot be placed in a delegated subnet",
    );
  }
}
