import * as network from "@pulumi/azure-native/network";
import { isAddressOrCidr, priorityRange, priorityUnique, serviceTagsSingular } from "../../policies/armNetwork";
import { types } from "../../policies/resourceTypes";
import { typeAliases } from "../../policies/typeAliases";
import { Stack, mutate, unknownArray, unknownNumber, unknownString, validate, validateStack, type Props } from "./support";

/** An NSG as the private topology declares it: tags in the singular fields, CIDRs in the plural ones. */
const nsg: Props = {
  resourceGroupName: "rg",
  networkSecurityGroupName: "web-infra-nsg",
  securityRules: [
    { name: "allow-clients", protocol: "Tcp", access: "Allow", direction: "Inbound", priority: 100, sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "10.0.0.0/23", destinationPortRanges: ["80", "443"] },
    { name: "allow-partners", protocol: "Tcp", access: "Allow", direction: "Inbound", priority: 110, sourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.7", "2001:db8::/48"], sourcePortRange: "*", destinationAddressPrefix: "10.0.0.0/23", destinationPortRange: "443" },
    { name: "allow-azure-monitor", protocol: "Tcp", access: "Allow", direction: "Outbound", priority: 100, sourceAddressPrefix: "10.0.0.0/23", sourcePortRange: "*", destinationAddressPrefix: "AzureMonitor", destinationPortRange: "443" },
    { name: "deny-all-inbound", protocol: "*", access: "Deny", direction: "Inbound", priority: 4096, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
  ],
};

const standalone: Props = {
  resourceGroupName: "rg",
  networkSecurityGroupName: "web-infra-nsg",
  securityRuleName: "allow-bastion",
  protocol: "Tcp",
  access: "Allow",
  direction: "Inbound",
  priority: 200,
  sourceAddressPrefixes: ["10.1.0.0/26"],
  sourcePortRange: "*",
  destinationAddressPrefix: "10.0.0.0/23",
  destinationPortRange: "22",
};

const asGroup = { type: types.networkSecurityGroup };
const asRule = { type: types.securityRule };

describe("the arm-* network type tokens", () => {
  it("are the ones azure-native uses", () => {
    expect((network.NetworkSecurityGroup as unknown as { __pulumiType: string }).__pulumiType).toBe(types.networkSecurityGroup);
    expect((network.SecurityRule as unknown as { __pulumiType: string }).__pulumiType).toBe(types.securityRule);
  });
});

describe("isAddressOrCidr", () => {
  it("accepts IPv4 and IPv6 addresses and CIDR blocks", () => {
    for (const value of ["10.0.0.0/23", "168.63.129.16", "0.0.0.0/0", "2001:db8::/32", "::1"]) expect([value, isAddressOrCidr(value)]).toEqual([value, true]);
  });

  it("refuses service tags, * and malformed prefixes", () => {
    for (const value of ["VirtualNetwork", "AzureCloud.westeurope", "*", "10.0.0.0/33", "10.0.0/24", "10.0.0.0/24/1", "2001:db8::/129"]) {
      expect([value, isAddressOrCidr(value)]).toEqual([value, false]);
    }
  });
});

describe("arm-nsg-service-tags-singular", () => {
  it("passes tags in the singular fields and addresses in the plural ones", async () => {
    expect((await validate(serviceTagsSingular, nsg, asGroup)).violations).toEqual([]);
    expect((await validate(serviceTagsSingular, standalone, asRule)).violations).toEqual([]);
  });

  it("reports a service tag in an inline rule's sourceAddressPrefixes", async () => {
    const tagged = mutate(nsg, (p) => (p.securityRules[1].sourceAddressPrefixes = ["VirtualNetwork"]));
    expect((await validate(serviceTagsSingular, tagged, asGroup)).violations).toEqual([
      'Security rule allow-partners must put "VirtualNetwork" in sourceAddressPrefix, not sourceAddressPrefixes: service tags and * are accepted only in the singular field ' +
        "(ARM answers 400 SecurityRuleParameterContainsUnsupportedValue); sourceAddressPrefixes takes IP addresses and CIDR ranges.",
    ]);
  });

  it("reports a service tag or * in destinationAddressPrefixes", async () => {
    const tagged = mutate(nsg, (p) => {
      delete p.securityRules[2].destinationAddressPrefix;
      p.securityRules[2].destinationAddressPrefixes = ["AzureMonitor", "*"];
    });
    const { violations } = await validate(serviceTagsSingular, tagged, asGroup);
    expect(violations).toEqual([
      expect.stringContaining('Security rule allow-azure-monitor must put "AzureMonitor" in destinationAddressPrefix, not destinationAddressPrefixes'),
      expect.stringContaining('Security rule allow-azure-monitor must put "*" in destinationAddressPrefix'),
    ]);
  });

  it("reports a service tag in a standalone SecurityRule", async () => {
    const tagged = mutate(standalone, (p) => (p.sourceAddressPrefixes = ["10.1.0.0/26", "AzureLoadBalancer"]));
    expect((await validate(serviceTagsSingular, tagged, asRule)).violations).toEqual([expect.stringContaining('Security rule allow-bastion must put "AzureLoadBalancer" in sourceAddressPrefix')]);
  });

  it("does not report prefixes or rules that are unknown at preview", async () => {
    expect((await validate(serviceTagsSingular, { ...nsg, securityRules: unknownArray }, asGroup)).violations).toEqual([]);
    const unknownPrefixes = mutate(nsg, (p) => (p.securityRules[1].sourceAddressPrefixes = unknownArray));
    expect((await validate(serviceTagsSingular, unknownPrefixes, asGroup)).violations).toEqual([]);
    const unknownElement = mutate(standalone, (p) => (p.sourceAddressPrefixes = [unknownString, "10.1.0.0/26"]));
    expect((await validate(serviceTagsSingular, unknownElement, asRule)).violations).toEqual([]);
  });

  it("judges the versioned tokens the SDK lists as aliases", async () => {
    const tagged = mutate(standalone, (p) => (p.sourceAddressPrefixes = ["Internet"]));
    for (const token of ["azure-native:network/v20230201:SecurityRule", "azure-native:network/v20240501:SecurityRule"]) {
      expect(typeAliases[types.securityRule]).toContain(token);
      expect((await validate(serviceTagsSingular, tagged, { type: token })).violations).toHaveLength(1);
    }
    const nsgAlias = typeAliases[types.networkSecurityGroup]!.at(-1)!;
    expect((await validate(serviceTagsSingular, mutate(nsg, (p) => (p.securityRules[1].sourceAddressPrefixes = ["Internet"])), { type: nsgAlias })).violations).toHaveLength(1);
  });

  it("does not apply to other resource types", async () => {
    expect((await validate(serviceTagsSingular, nsg, { type: "azure-native:network:Subnet" })).notApplicable).toContain(types.networkSecurityGroup);
  });
});

describe("arm-nsg-priority-range", () => {
  it("passes priorities from 100 to 4096", async () => {
    expect((await validate(priorityRange, nsg, asGroup)).violations).toEqual([]);
    expect((await validate(priorityRange, standalone, asRule)).violations).toEqual([]);
  });

  it("reports an inline priority below 100 or above 4096", async () => {
    const outOfRange = mutate(nsg, (p) => ((p.securityRules[0].priority = 99), (p.securityRules[3].priority = 4097)));
    expect((await validate(priorityRange, outOfRange, asGroup)).violations).toEqual([
      "Security rule allow-clients must have a priority from 100 to 4096 (is 99).",
      "Security rule deny-all-inbound must have a priority from 100 to 4096 (is 4097).",
    ]);
  });

  it("reports a standalone rule's fractional priority", async () => {
    expect((await validate(priorityRange, mutate(standalone, (p) => (p.priority = 150.5)), asRule)).violations).toEqual([
      "Security rule allow-bastion must have a priority from 100 to 4096 (is 150.5).",
    ]);
  });

  it("does not report a priority unknown at preview", async () => {
    expect((await validate(priorityRange, mutate(standalone, (p) => (p.priority = unknownNumber)), asRule)).violations).toEqual([]);
  });
});

describe("arm-nsg-priority-unique", () => {
  const stack = new Stack()
    .add(types.networkSecurityGroup, "web-infra-nsg", nsg)
    .add(types.securityRule, "allow-bastion", { ...standalone, networkSecurityGroupName: unknownString }, { from: { networkSecurityGroupName: ["web-infra-nsg"] } });

  it("passes one priority per direction, the same number in both directions included", async () => {
    expect((await validateStack(priorityUnique, stack)).violations).toEqual([]);
  });

  it("reports two inline rules with the same priority and direction", async () => {
    const clash = stack.with("web-infra-nsg", { props: (p) => (p.securityRules[1].priority = 100) });
    const outcome = await validateStack(priorityUnique, clash);
    expect(outcome.violations).toEqual([
      "Security rules allow-clients and allow-partners of network security group web-infra-nsg must not share priority 100 in direction Inbound " +
        "(ARM answers SecurityRuleConflict): give each rule its own priority.",
    ]);
    expect(outcome.urns).toEqual([clash.urn("web-infra-nsg")]);
  });

  it("reports a standalone rule that takes an inline rule's priority, connected by dependency", async () => {
    const clash = stack.with("allow-bastion", { props: (p) => (p.priority = 110) });
    const outcome = await validateStack(priorityUnique, clash);
    expect(outcome.violations).toEqual([expect.stringContaining("Security rules allow-partners and allow-bastion of network security group web-infra-nsg must not share priority 110")]);
    expect(outcome.urns).toEqual([clash.urn("allow-bastion")]);
  });

  it("reports two standalone rules of an NSG outside the stack, matched by name", async () => {
    const outside = new Stack()
      .add(types.securityRule, "a", { ...standalone, securityRuleName: "a" })
      .add(types.securityRule, "b", { ...standalone, securityRuleName: "b", direction: "inbound" });
    expect((await validateStack(priorityUnique, outside)).violations).toEqual([expect.stringContaining("Security rules a and b of network security group web-infra-nsg must not share priority 200")]);
  });

  it("does not report priorities or directions unknown at preview", async () => {
    const unknownPriority = stack.with("allow-bastion", { props: (p) => (p.priority = unknownNumber) });
    expect((await validateStack(priorityUnique, unknownPriority)).violations).toEqual([]);
    const unknownRules = stack.with("web-infra-nsg", { props: (p) => (p.securityRules = unknownArray) }).with("allow-bastion", { props: (p) => (p.priority = 100) });
    expect((await validateStack(priorityUnique, unknownRules)).violations).toEqual([]);
  });
});
