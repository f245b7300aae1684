import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "./validation";

/** Where an Azure name must be unique. */
export type NameScope =
  /** Across Azure: the name becomes a DNS label (registries, vaults, storage accounts). */
  | "global"
  /** Within one subscription (resource groups). */
  | "subscription"
  /** Within one resource group; the claim carries the group's name. */
  | { readonly resourceGroup: string };

interface Claim {
  readonly claimant: string;
  readonly field: string;
}

/** Claims per program run: each stack resource gets its own table, so separate runs in one process never collide. */
const claimsByStack = new WeakMap<object, Map<string, Claim>>();
const claimsOutsideStack = new Map<string, Claim>();

function claims(): Map<string, Claim> {
  const stack = pulumi.runtime.getStackResource();
  if (!stack) return claimsOutsideStack;
  let table = claimsByStack.get(stack);
  if (!table) {
    table = new Map();
    claimsByStack.set(stack, table);
  }
  return table;
}

function keyOf(kind: string, scope: NameScope, name: string): string {
  const where = typeof scope === "string" ? scope : `resourceGroup:${scope.resourceGroup.toLowerCase()}`;
  return `${kind}|${where}|${name.toLowerCase()}`;
}

/**
 * Records that `claimant` gives a resource of `kind` the Azure name `name` in `scope`, and throws a
 * ValidationError naming `field` when another component of the same program already claimed it: two Pulumi
 * resources would then fight over one Azure resource. Azure names are case-insensitive. A component claiming
 * the same name twice (a composition and the blocks it is made of) is not a clash.
 */
export function claimAzureName(kind: string, scope: NameScope | undefined, name: string | undefined, claimant: string, field: string): void {
  if (scope === undefined || name === undefined) return;
  const table = claims();
  const key = keyOf(kind, scope, name);
  const existing = table.get(key);
  if (existing && existing.claimant !== claimant) {
    throw new ValidationError(field, name, `${existing.claimant} already uses this ${kind} name (its \`${existing.field}\`); Azure allows one ${kind} per name${typeof scope === "string" && scope === "global" ? " across Azure" : typeof scope === "string" ? " per subscription" : " per resource group"}`);
  }
  table.set(key, { claimant, field });
}
