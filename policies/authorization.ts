/** Rules for `azure-native:authorization:RoleAssignment`: least-privilege scope. */
import { types } from "./resourceTypes";
import { resourceRule, tunables, type AcaPolicy } from "./rule";
import { at, lastSegment, parseArmId, str } from "./util";

/** How broad a role assignment scope is, from a known ARM scope. */
export type ScopeLevel = "tenant" | "managementGroup" | "subscription" | "resourceGroup" | "resource";

export function scopeLevel(scope: string): ScopeLevel | undefined {
  const trimmed = scope.trim();
  if (trimmed === "/") return "tenant";
  const id = parseArmId(trimmed);
  if (!id) return undefined;
  if (id.provider === "microsoft.management" && id.segments[0]?.type === "managementgroups" && id.segments.length === 1) {
    return "managementGroup";
  }
  if (id.provider !== undefined) return "resource";
  if (id.resourceGroup !== undefined) return "resourceGroup";
  if (id.subscription !== undefined) return "subscription";
  return undefined;
}

export const resourceScope = resourceRule(types.roleAssignment, {
  name: "role-assignment-resource-scope",
  description: "Role assignments are scoped to a resource, not a resource group, subscription or wider.",
  enforcementLevel: "mandatory",
  // "Avoid assigning broader roles at broader scopes": https://learn.microsoft.com/azure/role-based-access-control/best-practices
  source: "Learn role-based-access-control/best-practices",
  tunables: tunables(
    { allowResourceGroupScope: false, allowSubscriptionScope: false, exemptRoleDefinitionIds: [] as string[] },
    {
      allowResourceGroupScope: { type: "boolean", description: "Allow assignments scoped to a whole resource group." },
      allowSubscriptionScope: { type: "boolean", description: "Allow assignments scoped to a subscription, management group or tenant." },
      exemptRoleDefinitionIds: { type: "array", items: { type: "string" }, description: "Role definition ids (GUIDs) that may be assigned at any scope." },
    },
  ),
  validate: (p, { report, config }) => {
    const scope = str(at(p, "scope"));
    if (scope === undefined) return;
    const role = lastSegment(at(p, "roleDefinitionId"))?.toLowerCase();
    if (role !== undefined && config.exemptRoleDefinitionIds.some((id) => id.toLowerCase() === role)) return;
    const level = scopeLevel(scope);
    const broad = level === "tenant" || level === "managementGroup" || level === "subscription";
    if ((broad && !config.allowSubscriptionScope) || (level === "resourceGroup" && !config.allowResourceGroupScope)) {
      report(
        `Role assignment must be scoped to the resource it grants access to (e.g. the registry's id), not the ${level === "resourceGroup" ? "resource group" : level} ${scope}.`,
      );
    }
  },
});

export const authorizationPolicies: AcaPolicy[] = [resourceScope];
