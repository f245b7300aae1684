import { environmentSubnetDedicated, environmentSubnetDelegation } from "../../policies/armEnvironments";
import { allPolicies } from "../../policies/catalog";
import { types } from "../../policies/resourceTypes";
import { privateEnvironment, subnet } from "./fixtures";
import { analyze } from "./server";
import { Stack, mutate, unknownArray, unknownString, validateStack, type Props, type Wiring } from "./support";

const delegated = [{ name: "aca", serviceName: "Microsoft.App/environments" }];
const infrastructureSubnet: Props = { ...subnet, subnetName: "infrastructure", addressPrefix: "10.0.0.0/23", delegations: delegated };
const subnetId = (name: string) => `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/web-vnet/subnets/${name}`;

/** The private topology at preview: a workload-profiles environment in its own delegated subnet, an endpoint in another. */
function previewStack(): Stack {
  return new Stack()
  .add(types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet" })
  .add(types.subnet, "infra-subnet", infrastructureSubnet, { from: { virtualNetworkName: ["web-vnet"] } })
  .add(types.subnet, "pe-subnet", subnet, { from: { virtualNetworkName: ["web-vnet"] } })
  .add(types.managedEnvironment, "web-env", privateEnvironment, { from: { vnetConfiguration: ["infra-subnet"] } })
  .add(
    types.privateEndpoint,
    "acr-pe",
    { resourceGroupName: "rg", privateEndpointName: "acr-pe", subnet: { id: unknownString }, privateLinkServiceConnections: [{ name: "r", groupIds: ["registry"], privateLinkServiceId: unknownString }] },
    { from: { subnet: ["pe-subnet"] } },
  );
}

const consumptionOnly = (p: Props) => delete p.workloadProfiles;

describe("arm-environment-subnet-dedicated", () => {
  it("passes an environment alone in its subnet", async () => {
    expect((await validateStack(environmentSubnetDedicated, previewStack())).violations).toEqual([]);
  });

  it("reports a second environment in the same subnet, connected by dependencies", async () => {
    const second = previewStack().add(types.managedEnvironment, "jobs-env", { ...privateEnvironment, environmentName: "jobs-env" }, { from: { vnetConfiguration: ["infra-subnet"] } });
    const outcome = await validateStack(environmentSubnetDedicated, second);
    expect(outcome.violations).toEqual([
      "Managed environments web-env and jobs-env must not share infrastructure subnet infrastructure: each environment needs a subnet dedicated to it alone.",
    ]);
    expect(outcome.urns).toEqual([second.urn("jobs-env")]);
  });

  it("reports two environments whose known ids name the same subnet, whatever the case", async () => {
    const stack = new Stack()
      .add(types.managedEnvironment, "a", { ...privateEnvironment, environmentName: "a", vnetConfiguration: { infrastructureSubnetId: subnetId("apps") } })
      .add(types.managedEnvironment, "b", { ...privateEnvironment, environmentName: "b", vnetConfiguration: { infrastructureSubnetId: subnetId("APPS") } });
    expect((await validateStack(environmentSubnetDedicated, stack)).violations).toEqual([expect.stringContaining("Managed environments a and b must not share infrastructure subnet web-vnet/APPS")]);
  });

  it("reports a private endpoint placed in the environment's subnet, by dependency or by known id", async () => {
    const byDependency = previewStack().with("acr-pe", { wiring: { from: { subnet: ["infra-subnet"] } } });
    expect((await validateStack(environmentSubnetDedicated, byDependency)).violations).toEqual([
      "Private endpoint acr-pe must not be placed in infrastructure, the infrastructure subnet of managed environment web-env: " +
        "that subnet is dedicated to the environment; put the endpoint in a subnet of its own.",
    ]);
    const byId = previewStack().with("acr-pe", { props: (p) => (p.subnet.id = subnetId("infrastructure")), wiring: {} });
    expect((await validateStack(environmentSubnetDedicated, byId)).violations).toEqual([expect.stringContaining("Private endpoint acr-pe must not be placed in infrastructure")]);
  });

  it("does not judge subnets it cannot tell", async () => {
    const unknownNetwork = previewStack().add(types.managedEnvironment, "jobs-env", { ...privateEnvironment, vnetConfiguration: unknownString });
    expect((await validateStack(environmentSubnetDedicated, unknownNetwork)).violations).toEqual([]);
    const untold = previewStack().add(types.managedEnvironment, "jobs-env", { ...privateEnvironment, environmentName: "jobs-env" }, { from: { vnetConfiguration: ["web-vnet"] } });
    expect((await validateStack(environmentSubnetDedicated, untold)).violations).toEqual([]);
  });
});

describe("arm-environment-subnet-delegation", () => {
  it("passes a workload-profiles environment in a delegated subnet and a consumption-only one in an undelegated subnet", async () => {
    expect((await validateStack(environmentSubnetDelegation, previewStack())).violations).toEqual([]);
    const legacy = previewStack().with("web-env", { props: consumptionOnly }).with("infra-subnet", { props: (p) => delete p.delegations });
    expect((await validateStack(environmentSubnetDelegation, legacy)).violations).toEqual([]);
  });

  it("reports a workload-profiles environment in a subnet without the Container Apps delegation", async () => {
    const bare = previewStack().with("infra-subnet", { props: (p) => (p.delegations = [{ name: "web", serviceName: "Microsoft.Web/serverFarms" }]) });
    const outcome = await validateStack(environmentSubnetDelegation, bare);
    expect(outcome.violations).toEqual([
      "Managed environment web-env has workload profiles, so its infrastructure subnet infrastructure must be delegated to Microsoft.App/environments.",
    ]);
    expect(outcome.urns).toEqual([bare.urn("web-env")]);
  });

  it("reports a consumption-only environment in a delegated subnet", async () => {
    const legacy = previewStack().with("web-env", { props: consumptionOnly });
    expect((await validateStack(environmentSubnetDelegation, legacy)).violations).toEqual([
      "Managed environment web-env is consumption-only, so its infrastructure subnet infrastructure must not be delegated (is delegated to Microsoft.App/environments).",
    ]);
  });

  it("judges a VNet's inline subnet named in a known id", async () => {
    const stack = new Stack()
      .add(types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet", subnets: [{ name: "apps", addressPrefix: "10.0.0.0/23" }] })
      .add(types.managedEnvironment, "web-env", { ...privateEnvironment, vnetConfiguration: { infrastructureSubnetId: subnetId("apps") } });
    expect((await validateStack(environmentSubnetDelegation, stack)).violations).toEqual([expect.stringContaining("its infrastructure subnet web-vnet/apps must be delegated to Microsoft.App/environments")]);
  });

  it("reports a consumption-only environment in a delegated subnet reached through an unknown id, as env-infrastructure-subnet used to", async () => {
    const legacy = previewStack().with("web-env", { props: (p) => ((p.vnetConfiguration.infrastructureSubnetId = unknownString), consumptionOnly(p)) });
    expect((await validateStack(environmentSubnetDelegation, legacy)).violations).toEqual([expect.stringContaining("must not be delegated (is delegated to Microsoft.App/environments)")]);
  });

  it("reports an unknown id into a VNet only when every inline subnet is delegated wrongly", async () => {
    const withInlineSubnets = (subnets: object[]) =>
      new Stack()
        .add(types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet", subnets })
        .add(types.managedEnvironment, "web-env", privateEnvironment, { from: { vnetConfiguration: ["web-vnet"] } });
    const oneGood = withInlineSubnets([{ name: "pe", addressPrefix: "10.0.2.0/24" }, { name: "infra", addressPrefix: "10.0.0.0/23", delegations: delegated }]);
    expect((await validateStack(environmentSubnetDelegation, oneGood)).violations).toEqual([]);
    const noneGood = withInlineSubnets([{ name: "pe", addressPrefix: "10.0.2.0/24" }]);
    expect((await validateStack(environmentSubnetDelegation, noneGood)).violations).toEqual([
      "Managed environment web-env has workload profiles, so its infrastructure subnet web-vnet/pe must be delegated to Microsoft.App/environments.",
    ]);
  });

  it("does not judge delegations, profiles or subnets unknown at preview", async () => {
    const unknownDelegations = previewStack().with("infra-subnet", { props: (p) => (p.delegations = unknownArray) });
    expect((await validateStack(environmentSubnetDelegation, unknownDelegations)).violations).toEqual([]);
    const unknownService = previewStack().with("infra-subnet", { props: (p) => (p.delegations = [{ name: "x", serviceName: unknownString }]) });
    expect((await validateStack(environmentSubnetDelegation, unknownService)).violations).toEqual([]);
    const unknownProfiles = previewStack().with("web-env", { props: (p) => (p.workloadProfiles = unknownArray) }).with("infra-subnet", { props: (p) => delete p.delegations });
    expect((await validateStack(environmentSubnetDelegation, unknownProfiles)).violations).toEqual([]);
    const outside = new Stack().add(types.managedEnvironment, "web-env", mutate(privateEnvironment, (p) => (p.vnetConfiguration.infrastructureSubnetId = subnetId("elsewhere"))));
    expect((await validateStack(environmentSubnetDelegation, outside)).violations).toEqual([]);
  });
});

describe("the whole pack over a wrongly delegated infrastructure subnet", () => {
  type Entry = [type: string, name: string, props: Props, wiring?: Wiring];
  const entries: Entry[] = [
    [types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }],
    [types.subnet, "infra-subnet", infrastructureSubnet, { from: { virtualNetworkName: ["web-vnet"] } }],
    [types.managedEnvironment, "web-env", privateEnvironment, { from: { vnetConfiguration: ["infra-subnet"] } }],
  ];

  /** Every violation the pack reports: its stack rules over the stack, its resource rules through the policy server's handler. */
  async function packViolations(stackEntries: Entry[]): Promise<string[]> {
    const stack = new Stack();
    for (const [type, name, props, wiring] of stackEntries) stack.add(type, name, props, wiring);
    const found: string[] = [];
    for (const policy of allPolicies) {
      if (!policy.metadata.stack) continue;
      for (const violation of (await validateStack(policy, stack)).violations) found.push(`${policy.name}: ${violation}`);
    }
    for (const [type, name, props] of stackEntries) {
      for (const diagnostic of await analyze(type, props, name)) found.push(`${diagnostic.policyName}: ${diagnostic.message}`);
    }
    return found.sort();
  }

  const change = (name: string, edit: (props: Props) => void): Entry[] =>
    entries.map(([type, entryName, props, wiring]) => [type, entryName, entryName === name ? mutate(props, edit) : props, wiring]);

  const consumptionOnlyStack = change("web-env", consumptionOnly);
  const undelegatedConsumptionOnlyStack = consumptionOnlyStack.map(([type, name, props, wiring]): Entry => [type, name, name === "infra-subnet" ? mutate(props, (p) => delete p.delegations) : props, wiring]);

  it.each([
    [
      "an undelegated subnet under a workload-profiles environment",
      entries,
      change("infra-subnet", (p) => delete p.delegations),
      "Managed environment web-env has workload profiles, so its infrastructure subnet infrastructure must be delegated to Microsoft.App/environments.",
    ],
    [
      "a delegated subnet under a consumption-only environment",
      undelegatedConsumptionOnlyStack,
      consumptionOnlyStack,
      "Managed environment web-env is consumption-only, so its infrastructure subnet infrastructure must not be delegated (is delegated to Microsoft.App/environments).",
    ],
  ])("adds exactly one violation for %s to the pack's verdict, arm-environment-subnet-delegation's", async (_, right, wrong, message) => {
    expect(await packViolations(wrong)).toEqual([...(await packViolations(right)), `arm-environment-subnet-delegation: ${message}`].sort());
  });
});
