import { allPolicies } from "../../policies/catalog";
import { judgeOf, type AcaResourcePolicy } from "../../policies/rule";
import { classicNativeType, tokensOf, types } from "../../policies/resourceTypes";
import { typeAliases } from "../../policies/typeAliases";
import { registryPullRole } from "../../policies/containerApps";
import { containerApp, registry, registryId, roleAssignment, roleDefinition, storageAccount, vault } from "./fixtures";
import { analyze, analyzeWithReasons, named } from "./server";
import { Stack, mutate, validateStack } from "./support";

const resourceRules = allPolicies.filter((p) => !p.metadata.stack && p.metadata.resourceTypes.length > 0) as AcaResourcePolicy[];

describe("every token of a judged type reaches the type's rules", () => {
  it("declares, for every rule, every alias the SDK lists for each azure-native type it judges", () => {
    for (const policy of resourceRules) {
      const judge = judgeOf(policy)!;
      for (const type of policy.metadata.resourceTypes.filter((t) => classicNativeType[t] === undefined)) {
        for (const token of tokensOf(type)) expect([policy.name, token, judge.judges(token)]).toEqual([policy.name, token, true]);
      }
    }
  });

  const insecureApp = mutate(containerApp, (p) => (p.configuration.ingress.allowInsecure = true));
  const versionedApps = typeAliases[types.containerApp]!;

  it.each(versionedApps)("fails an insecure container app registered as %s, as the unversioned one", async (token) => {
    const diagnostics = await analyze(token, insecureApp);
    expect(named(diagnostics, "mandatory")).toEqual(["aca-ingress-https-only"]);
  });

  it("judges the unversioned token the same way, and passes the secure app under every token", async () => {
    expect(named(await analyze(types.containerApp, insecureApp), "mandatory")).toEqual(["aca-ingress-https-only"]);
    for (const token of tokensOf(types.containerApp)) expect(named(await analyze(token, containerApp), "mandatory")).toEqual([]);
  });

  it.each([
    [types.registry, mutate(registry, (p) => (p.adminUserEnabled = true)), "acr-admin-user-disabled"],
    [types.vault, mutate(vault, (p) => (p.properties.enablePurgeProtection = false)), "kv-purge-protection"],
    [types.storageAccount, mutate(storageAccount, (p) => (p.allowSharedKeyAccess = true)), "storage-shared-key-disabled"],
    [types.roleAssignment, { ...roleAssignment, scope: "/subscriptions/sub" }, "role-assignment-resource-scope"],
  ])("fails a bad %s under each of its versioned tokens", async (type, props, rule) => {
    const tokens = tokensOf(type);
    expect(tokens.length).toBeGreaterThan(1);
    for (const token of tokens) expect([token, named(await analyze(token, props), "mandatory")]).toEqual([token, [rule]]);
  });

  it("routes a virtual network and a subnet to the NSG rule, which judges both", async () => {
    const vnet = { virtualNetworkName: "vnet", subnets: [{ name: "apps", addressPrefix: "10.0.0.0/23" }] };
    expect(named(await analyze(types.virtualNetwork, vnet), "mandatory")).toEqual(["network-subnet-nsg"]);
    expect(named(await analyze(types.subnet, { subnetName: "apps", addressPrefix: "10.0.0.0/23" }), "mandatory")).toEqual(["network-subnet-nsg"]);
  });

  it("routes a network security group and a standalone security rule to the security-rule rules, which judge both", async () => {
    const tagInPlural = { securityRuleName: "allow-vnet", priority: 50, sourceAddressPrefixes: ["VirtualNetwork"] };
    const nsg = { networkSecurityGroupName: "nsg", securityRules: [{ ...tagInPlural, name: "allow-vnet" }] };
    const expected = ["arm-nsg-priority-range", "arm-nsg-service-tags-singular"];
    expect(named(await analyze(types.networkSecurityGroup, nsg), "mandatory")).toEqual(expected);
    expect(named(await analyze(types.securityRule, tagInPlural), "mandatory")).toEqual(expected);
    for (const token of [typeAliases[types.securityRule]![0]!, typeAliases[types.networkSecurityGroup]![0]!]) {
      expect([token, named(await analyze(token, token.endsWith("SecurityRule") ? tagInPlural : nsg), "mandatory")]).toEqual([token, expected]);
    }
  });

  it("leaves other types to @pulumi/policy's type filter, which skips the rules before calling them", async () => {
    const { diagnostics, notApplicable } = await analyzeWithReasons("azure-native:resources:ResourceGroup", { resourceGroupName: "rg" });
    expect(diagnostics).toEqual([]);
    expect(notApplicable.get("aca-ingress-https-only")).toBe(`Policy only applies to resources of type '${types.containerApp}'`);
    expect(notApplicable.get("acr-admin-user-disabled")).toBe(`Policy only applies to resources of type '${types.registry}'`);
    // Skipped by the filter, not called to find out for itself: a rule called on every resource costs every resource a deserialization.
    expect(notApplicable.get("arm-nsg-priority-range")).toBe(`Policy only applies to resources of type '${types.networkSecurityGroup}'`);
    expect(notApplicable.get("arm-nsg-service-tags-singular")).toBe(`Policy only applies to resources of type '${types.networkSecurityGroup}'`);
  });

  it("follows stack relations between resources registered under versioned tokens", async () => {
    const versionedRegistry = typeAliases[types.registry]![0]!;
    const versionedApp = typeAliases[types.containerApp]![0]!;
    const versionedAssignment = typeAliases[types.roleAssignment]![0]!;
    const stack = new Stack()
      .add(versionedRegistry, "webacr", registry)
      .add(versionedApp, "web", containerApp)
      .add(versionedAssignment, "pull", { ...roleAssignment, scope: registryId, principalId: "principal", roleDefinitionId: roleDefinition("acdd72a7-3385-48ef-bd42-f606fba81ae7") });
    const outcome = await validateStack(registryPullRole, stack);
    expect(outcome.violations).toEqual([expect.stringContaining("holds no AcrPull role assignment")]);
  });
});
