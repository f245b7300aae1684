import * as pulumi from "@pulumi/pulumi";
import { record, type RecordedResource } from "../harness/recorder";
import type { EnvironmentKind } from "../../components/subnets";

async function recordNetwork(kind: EnvironmentKind = "workload-profiles", extra: Record<string, unknown> = {}) {
  const { createPrivateNetwork } = await import("../../components/network");
  return record(() => {
    class Box extends pulumi.ComponentResource {
      constructor() {
        super("test:index:Box", "box");
      }
    }
    const parent = new Box();
    createPrivateNetwork(
      "net",
      {
        resourceGroupName: "rg-net",
        location: "westeurope",
        tags: { team: "platform" },
        environmentKind: kind,
        addressSpace: ["10.0.0.0/16"],
        infrastructureSubnetPrefix: "10.0.0.0/23",
        privateEndpointsSubnetPrefix: "10.0.2.0/24",
        ...extra,
      },
      { parent },
    );
  });
}

function rule(nsg: RecordedResource, name: string) {
  const found = (nsg.inputs.securityRules as Array<Record<string, unknown>>).find((r) => r.name === name);
  if (!found) throw new Error(`${nsg.name} has no rule ${name}`);
  return found;
}

describe("the private network", () => {
  it("creates one VNet, two subnets and two NSGs under the parent", async () => {
    const recording = await recordNetwork();
    expect(recording.typeCounts()).toEqual({
      "azure-native:network:VirtualNetwork": 1,
      "azure-native:network:Subnet": 2,
      "azure-native:network:NetworkSecurityGroup": 2,
    });
    const box = recording.one("test:index:Box");
    for (const resource of recording.cloudResources) expect(resource.parent).toBe(box.urn);
  });

  it("gives the VNet its address space and leaves subnets to their own resources", async () => {
    const recording = await recordNetwork();
    const vnet = recording.one("azure-native:network:VirtualNetwork");
    expect(vnet.inputs.addressSpace).toEqual({ addressPrefixes: ["10.0.0.0/16"] });
    expect(vnet.inputs.subnets).toBeUndefined();
    expect(vnet.inputs.tags).toEqual({ team: "platform" });
  });

  it("delegates the workload-profiles infrastructure subnet to Microsoft.App/environments and attaches its NSG", async () => {
    const recording = await recordNetwork();
    const subnet = recording.named("net-infra-snet");
    const nsg = recording.named("net-infra-nsg");
    expect(subnet.inputs.addressPrefix).toBe("10.0.0.0/23");
    expect(subnet.inputs.delegations).toEqual([{ name: "container-apps", serviceName: "Microsoft.App/environments" }]);
    expect(subnet.inputs.networkSecurityGroup).toEqual({ id: nsg.id });
    expect(subnet.propertyDependencies.networkSecurityGroup).toEqual([nsg.urn]);
    expect(subnet.propertyDependencies.virtualNetworkName).toEqual([recording.one("azure-native:network:VirtualNetwork").urn]);
  });

  it("leaves a consumption-only infrastructure subnet undelegated", async () => {
    const recording = await recordNetwork("consumption-only");
    expect(recording.named("net-infra-snet").inputs.delegations).toEqual([]);
  });

  it("puts the endpoints subnet under network policies, without outbound access, after the infrastructure subnet", async () => {
    const recording = await recordNetwork();
    const subnet = recording.named("net-pe-snet");
    expect(subnet.inputs.addressPrefix).toBe("10.0.2.0/24");
    expect(subnet.inputs.privateEndpointNetworkPolicies).toBe("Enabled");
    expect(subnet.inputs.defaultOutboundAccess).toBe(false);
    expect(subnet.inputs.delegations).toBeUndefined();
    expect(subnet.inputs.networkSecurityGroup).toEqual({ id: recording.named("net-pe-nsg").id });
    expect(recording.waitsFor(subnet, recording.named("net-infra-snet"))).toBe(true);
  });

  it("opens the workload-profiles edge ports and load-balancer probes to the infrastructure subnet", async () => {
    const nsg = (await recordNetwork()).named("net-infra-nsg");
    expect(rule(nsg, "allow-clients-https")).toMatchObject({
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "VirtualNetwork",
      destinationAddressPrefix: "10.0.0.0/23",
      destinationPortRanges: ["443", "31443"],
    });
    expect(rule(nsg, "allow-clients-https").sourceAddressPrefixes).toBeUndefined();
    expect(rule(nsg, "allow-clients-http").destinationPortRanges).toEqual(["80", "31080"]);
    expect(rule(nsg, "allow-load-balancer-probes")).toMatchObject({
      sourceAddressPrefix: "AzureLoadBalancer",
      destinationPortRange: "30000-32767",
    });
  });

  it("lets the environment reach the registries, Entra ID, Azure Monitor and Azure DNS", async () => {
    const nsg = (await recordNetwork()).named("net-infra-nsg");
    const outbound = (nsg.inputs.securityRules as Array<Record<string, unknown>>).filter((r) => r.direction === "Outbound");
    const destinations = outbound.map((r) => `${String(r.destinationAddressPrefix)}:${String(r.destinationPortRange)}`);
    expect(destinations).toEqual(
      expect.arrayContaining([
        "MicrosoftContainerRegistry:443",
        "AzureFrontDoor.FirstParty:443",
        "AzureActiveDirectory:443",
        "AzureMonitor:443",
        "168.63.129.16:53",
        "10.0.0.0/23:*",
        "VirtualNetwork:443",
      ]),
    );
    for (const r of outbound) expect(r.access).toBe("Allow");
  });

  it("adds the consumption-only control-plane rules for the region", async () => {
    const nsg = (await recordNetwork("consumption-only")).named("net-infra-nsg");
    expect(rule(nsg, "allow-control-plane-udp")).toMatchObject({ destinationAddressPrefix: "AzureCloud.westeurope", destinationPortRange: "1194" });
    expect(rule(nsg, "allow-control-plane-tcp")).toMatchObject({ destinationAddressPrefix: "AzureCloud.westeurope", destinationPortRange: "9000" });
    expect(rule(nsg, "allow-event-hub")).toMatchObject({
      direction: "Outbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "10.0.0.0/23",
      destinationAddressPrefix: "EventHub",
      destinationPortRanges: ["5671", "5672"],
    });
    expect(rule(nsg, "allow-envoy-within-subnet").direction).toBe("Inbound");
    expect(() => rule(nsg, "allow-clients-https")).toThrow();
  });

  it("gives every rule of an NSG a distinct priority per direction", async () => {
    const recording = await recordNetwork("consumption-only");
    for (const nsg of recording.ofType("azure-native:network:NetworkSecurityGroup")) {
      const rules = nsg.inputs.securityRules as Array<{ direction: string; priority: number }>;
      const keys = rules.map((r) => `${r.direction}:${r.priority}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const r of rules) expect(r.priority).toBeGreaterThanOrEqual(100);
    }
  });

  it("lets only HTTPS from the given sources reach the private endpoints and denies everything else", async () => {
    const nsg = (await recordNetwork("workload-profiles", { privateEndpointClientPrefixes: ["10.0.0.0/23", "10.8.0.0/24"] })).named(
      "net-pe-nsg",
    );
    expect(nsg.inputs.securityRules).toEqual([
      {
        name: "allow-https-to-private-endpoints",
        direction: "Inbound",
        access: "Allow",
        priority: 100,
        protocol: "Tcp",
        sourceAddressPrefixes: ["10.0.0.0/23", "10.8.0.0/24"],
        sourcePortRange: "*",
        destinationAddressPrefix: "10.0.2.0/24",
        destinationPortRange: "443",
      },
      {
        name: "deny-all-other-inbound",
        direction: "Inbound",
        access: "Deny",
        priority: 4096,
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ]);
  });

  it("admits only the given client ranges to the environment's load balancer", async () => {
    const nsg = (await recordNetwork("workload-profiles", { clientAddressPrefixes: ["10.20.0.0/16"] })).named("net-infra-nsg");
    expect(rule(nsg, "allow-clients-https")).toMatchObject({ sourceAddressPrefix: "10.20.0.0/16" });
    expect(rule(nsg, "allow-clients-http")).toMatchObject({ sourceAddressPrefix: "10.20.0.0/16" });
  });

  it("puts each service tag in the singular source field of a rule of its own, and addresses together in the plural one", async () => {
    const nsg = (
      await recordNetwork("workload-profiles", { clientAddressPrefixes: ["VirtualNetwork", "10.20.0.0/16", "AzureFrontDoor.Backend", "192.0.2.7"] })
    ).named("net-infra-nsg");
    const https = (nsg.inputs.securityRules as Array<Record<string, unknown>>).filter((r) => String(r.name).startsWith("allow-clients-https"));
    expect(https.map((r) => [r.name, r.sourceAddressPrefix, r.sourceAddressPrefixes])).toEqual([
      ["allow-clients-https", "VirtualNetwork", undefined],
      ["allow-clients-https-2", "AzureFrontDoor.Backend", undefined],
      ["allow-clients-https-3", undefined, ["10.20.0.0/16", "192.0.2.7"]],
    ]);
  });

  it("never puts a service tag or * in a plural prefix field, in either NSG or kind", async () => {
    const { isAddressPrefix } = await import("../../components/network");
    for (const kind of ["workload-profiles", "consumption-only"] as const) {
      const recording = await recordNetwork(kind, { clientAddressPrefixes: ["VirtualNetwork", "10.1.0.0/16", "10.2.0.0/16"] });
      for (const nsg of recording.ofType("azure-native:network:NetworkSecurityGroup")) {
        for (const r of nsg.inputs.securityRules as Array<Record<string, unknown>>) {
          const plural = [...((r.sourceAddressPrefixes as string[]) ?? []), ...((r.destinationAddressPrefixes as string[]) ?? [])];
          for (const prefix of plural) expect([r.name, prefix, isAddressPrefix(prefix)]).toEqual([r.name, prefix, true]);
        }
      }
    }
  });

  it("rejects an empty or malformed source list, naming the field", async () => {
    const { checkAddressPrefixes } = await import("../../components/network");
    expect(() => checkAddressPrefixes("network.clientAddressPrefixes", [])).toThrow(/`network.clientAddressPrefixes`.*at least one/);
    expect(() => checkAddressPrefixes("network.clientAddressPrefixes", ["10.0.0.0/33"])).toThrow(/`network.clientAddressPrefixes\[0\]`/);
    expect(() => checkAddressPrefixes("network.clientAddressPrefixes", ["10.0.0.0/16", "not a tag"])).toThrow(/`network.clientAddressPrefixes\[1\]`/);
    expect(() => checkAddressPrefixes("x", ["VirtualNetwork", "Storage.WestEurope", "*", "2001:db8::/32", "203.0.113.9"])).not.toThrow();
  });

  it("never allows inbound traffic from the Internet", async () => {
    for (const kind of ["workload-profiles", "consumption-only"] as const) {
      const recording = await recordNetwork(kind);
      for (const nsg of recording.ofType("azure-native:network:NetworkSecurityGroup")) {
        const inboundAllows = (nsg.inputs.securityRules as Array<Record<string, unknown>>).filter(
          (r) => r.direction === "Inbound" && r.access === "Allow",
        );
        for (const r of inboundAllows) {
          const sources = [r.sourceAddressPrefix, ...((r.sourceAddressPrefixes as unknown[]) ?? [])].filter(Boolean);
          expect(sources).not.toContain("*");
          expect(sources).not.toContain("Internet");
          expect(sources).not.toContain("0.0.0.0/0");
        }
      }
    }
  });
});
