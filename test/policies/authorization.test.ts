import { resourceScope, scopeLevel } from "../../policies/authorization";
import { registryId, roleAssignment, roleDefinition } from "./fixtures";
import { mutate, validate } from "./support";

describe("role-assignment-resource-scope", () => {
  it("passes a scope that is unknown at preview (a resource's id)", async () => {
    expect((await validate(resourceScope, roleAssignment)).violations).toEqual([]);
  });

  it("passes a known resource scope", async () => {
    expect((await validate(resourceScope, mutate(roleAssignment, (p) => (p.scope = registryId)))).violations).toEqual([]);
  });

  it("reports a subscription scope", async () => {
    const bad = mutate(roleAssignment, (p) => (p.scope = "/subscriptions/sub"));
    expect((await validate(resourceScope, bad)).violations).toEqual([expect.stringContaining("not the subscription /subscriptions/sub")]);
  });

  it("reports a resource-group scope", async () => {
    const bad = mutate(roleAssignment, (p) => (p.scope = "/subscriptions/sub/resourceGroups/rg"));
    expect((await validate(resourceScope, bad)).violations).toEqual([expect.stringContaining("not the resource group")]);
  });

  it("reports management-group and tenant scopes", async () => {
    for (const scope of ["/providers/Microsoft.Management/managementGroups/corp", "/"]) {
      expect((await validate(resourceScope, mutate(roleAssignment, (p) => (p.scope = scope)))).violations).toHaveLength(1);
    }
  });

  it("allows broad scopes when configured", async () => {
    const subscription = mutate(roleAssignment, (p) => (p.scope = "/subscriptions/sub"));
    expect((await validate(resourceScope, subscription, { config: { allowSubscriptionScope: true } })).violations).toEqual([]);
    const group = mutate(roleAssignment, (p) => (p.scope = "/subscriptions/sub/resourceGroups/rg"));
    expect((await validate(resourceScope, group, { config: { allowResourceGroupScope: true } })).violations).toEqual([]);
    expect((await validate(resourceScope, group, { config: { allowSubscriptionScope: true } })).violations).toHaveLength(1);
  });

  it("exempts configured roles", async () => {
    const reader = mutate(roleAssignment, (p) => ((p.scope = "/subscriptions/sub"), (p.roleDefinitionId = roleDefinition("acdd72a7-3385-48ef-bd42-f606fba81ae7"))));
    expect((await validate(resourceScope, reader, { config: { exemptRoleDefinitionIds: ["ACDD72A7-3385-48EF-BD42-F606FBA81AE7"] } })).violations).toEqual([]);
  });

  it("rejects config of the wrong type with a clear message", async () => {
    await expect(validate(resourceScope, roleAssignment, { config: { allowSubscriptionScope: "yes" } })).rejects.toThrow(
      'Config "allowSubscriptionScope" of policy role-assignment-resource-scope must be a boolean, not string.',
    );
  });
});

describe("scopeLevel", () => {
  it("classifies ARM scopes", () => {
    expect(scopeLevel("/")).toBe("tenant");
    expect(scopeLevel("/providers/Microsoft.Management/managementGroups/corp")).toBe("managementGroup");
    expect(scopeLevel("/subscriptions/sub")).toBe("subscription");
    expect(scopeLevel("/subscriptions/sub/resourceGroups/rg")).toBe("resourceGroup");
    expect(scopeLevel(registryId)).toBe("resource");
    expect(scopeLevel("not-an-id")).toBeUndefined();
  });
});
