import {
  environmentInternal,
  infrastructureSubnet,
  logsDestination,
  peerTrafficEncryption,
  publicNetworkDisabled,
  vnetInjected,
  zoneRedundant,
} from "../../policies/environments";
import { types } from "../../policies/resourceTypes";
import { environment, privateEnvironment } from "./fixtures";
import { Stack, mutate, privateBaseline, remediate, unknownArray, unknownBoolean, unknownObject, unknownString, validate, validateStack } from "./support";

describe("env-logs-destination", () => {
  it("passes logs sent to a Log Analytics workspace whose id is unknown at preview", async () => {
    expect((await validate(logsDestination, environment)).violations).toEqual([]);
  });

  it("passes logs sent to Azure Monitor or through OpenTelemetry", async () => {
    const monitor = mutate(environment, (p) => (p.appLogsConfiguration = { destination: "azure-monitor" }));
    expect((await validate(logsDestination, monitor)).violations).toEqual([]);
    const otel = mutate(environment, (p) => {
      delete p.appLogsConfiguration;
      p.openTelemetryConfiguration = { logsConfiguration: { destinations: ["appInsights"] } };
    });
    expect((await validate(logsDestination, otel)).violations).toEqual([]);
  });

  it("reports an environment without a logs destination", async () => {
    const bad = mutate(environment, (p) => delete p.appLogsConfiguration);
    expect((await validate(logsDestination, bad)).violations).toEqual([expect.stringContaining('appLogsConfiguration.destination to "log-analytics"')]);
  });

  it("reports Log Analytics without a workspace", async () => {
    const bad = mutate(environment, (p) => delete p.appLogsConfiguration.logAnalyticsConfiguration);
    expect((await validate(logsDestination, bad)).violations).toEqual([expect.stringContaining("customerId")]);
  });

  it("does not report a destination that is unknown at preview", async () => {
    const unknown = mutate(environment, (p) => (p.appLogsConfiguration = unknownObject));
    expect((await validate(logsDestination, unknown)).violations).toEqual([]);
  });
});

describe("env-vnet-injected", () => {
  it("is off in the public baseline", async () => {
    expect((await validate(vnetInjected, environment)).notApplicable).toContain("private baseline");
  });

  it("passes an environment in a subnet whose id is unknown at preview", async () => {
    expect((await validate(vnetInjected, privateEnvironment, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports an empty infrastructureSubnetId, as 8b346db6 does", async () => {
    const empty = mutate(privateEnvironment, (p) => (p.vnetConfiguration.infrastructureSubnetId = ""));
    expect((await validate(vnetInjected, empty, { config: privateBaseline })).violations).toEqual([expect.stringContaining("infrastructureSubnetId")]);
  });

  it("reports an environment outside any VNet in the private baseline", async () => {
    expect((await validate(vnetInjected, environment, { config: privateBaseline })).violations).toEqual([
      expect.stringContaining("vnetConfiguration.infrastructureSubnetId"),
    ]);
  });
});

describe("env-internal", () => {
  it("passes an internal environment", async () => {
    expect((await validate(environmentInternal, privateEnvironment, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports an environment with a public endpoint in the private baseline", async () => {
    const external = mutate(privateEnvironment, (p) => (p.vnetConfiguration.internal = false));
    expect((await validate(environmentInternal, external, { config: privateBaseline })).violations).toEqual([
      expect.stringContaining("vnetConfiguration.internal to true"),
    ]);
  });

  it("does not report internal that is unknown at preview", async () => {
    const unknown = mutate(privateEnvironment, (p) => (p.vnetConfiguration.internal = unknownBoolean));
    expect((await validate(environmentInternal, unknown, { config: privateBaseline })).violations).toEqual([]);
  });

  it("is off in the public baseline", async () => {
    expect((await validate(environmentInternal, environment)).violations).toEqual([]);
  });
});

describe("env-zone-redundant", () => {
  it("is advisory", () => {
    expect(zoneRedundant.enforcementLevel).toBe("advisory");
  });

  it("passes a zone-redundant environment", async () => {
    expect((await validate(zoneRedundant, environment)).violations).toEqual([]);
  });

  it("reports an environment in one zone", async () => {
    const single = mutate(environment, (p) => delete p.zoneRedundant);
    expect((await validate(zoneRedundant, single)).violations).toEqual([expect.stringContaining("zoneRedundant to true")]);
  });
});

describe("env-peer-traffic-encryption", () => {
  it("passes encrypted peer traffic", async () => {
    expect((await validate(peerTrafficEncryption, environment)).violations).toEqual([]);
  });

  it("reports unencrypted peer traffic", async () => {
    const plain = mutate(environment, (p) => (p.peerTrafficConfiguration.encryption.enabled = false));
    expect((await validate(peerTrafficEncryption, plain)).violations).toEqual([expect.stringContaining("encryption.enabled to true")]);
    const absent = mutate(environment, (p) => delete p.peerTrafficConfiguration);
    expect((await validate(peerTrafficEncryption, absent)).violations).toHaveLength(1);
  });

  it("remediates by turning encryption on, creating the settings when absent", async () => {
    const absent = mutate(environment, (p) => delete p.peerTrafficConfiguration);
    const fixed = await remediate(peerTrafficEncryption, absent);
    expect(fixed?.["peerTrafficConfiguration"]).toEqual({ encryption: { enabled: true } });
    expect((await validate(peerTrafficEncryption, fixed!)).violations).toEqual([]);
  });

  it("does not remediate settings that are unknown at preview", async () => {
    const unknown = mutate(environment, (p) => (p.peerTrafficConfiguration = unknownObject));
    expect(await remediate(peerTrafficEncryption, unknown)).toBeUndefined();
    expect((await validate(peerTrafficEncryption, unknown)).violations).toEqual([]);
  });
});

describe("env-public-network-disabled", () => {
  it("passes an environment with public network access disabled", async () => {
    expect((await validate(publicNetworkDisabled, privateEnvironment, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports public network access in the private baseline", async () => {
    const open = mutate(privateEnvironment, (p) => (p.publicNetworkAccess = "Enabled"));
    expect((await validate(publicNetworkDisabled, open, { config: privateBaseline })).violations).toEqual([expect.stringContaining('publicNetworkAccess to "Disabled"')]);
  });

  it("is off in the public baseline", async () => {
    expect((await validate(publicNetworkDisabled, environment)).violations).toEqual([]);
  });
});

describe("env-infrastructure-subnet", () => {
  const workloadSubnet = {
    resourceGroupName: "rg",
    virtualNetworkName: "web-vnet",
    subnetName: "infrastructure",
    addressPrefix: "10.0.0.0/27",
    delegations: [{ name: "aca", serviceName: "Microsoft.App/environments" }],
    networkSecurityGroup: { id: unknownString },
  };
  const vnet = { resourceGroupName: "rg", virtualNetworkName: "web-vnet", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } };
  const stack = new Stack()
    .add(types.virtualNetwork, "web-vnet", vnet)
    .add(types.subnet, "web-infra", workloadSubnet, { from: { virtualNetworkName: ["web-vnet"] } })
    .add(types.managedEnvironment, "web-env", privateEnvironment, { from: { vnetConfiguration: ["web-infra"] } });

  it("passes a workload-profiles environment on a delegated /27, connected through dependencies", async () => {
    expect((await validateStack(infrastructureSubnet, stack)).violations).toEqual([]);
  });

  it("reports a workload-profiles subnet smaller than /27", async () => {
    const small = stack.with("web-infra", { props: (p) => (p.addressPrefix = "10.0.0.0/28") });
    const outcome = await validateStack(infrastructureSubnet, small);
    expect(outcome.violations).toEqual([expect.stringContaining("be /27 or larger (is /28)")]);
    expect(outcome.urns).toEqual([stack.urn("web-env")]);
  });

  it("leaves the delegation to arm-environment-subnet-delegation, so an undelegated subnet is reported once", async () => {
    const undelegated = stack.with("web-infra", { props: (p) => delete p.delegations });
    expect((await validateStack(infrastructureSubnet, undelegated)).violations).toEqual([]);
  });

  it("reports a consumption-only environment on a subnet smaller than /23, naming the subnet by its Azure name", async () => {
    const consumption = stack.with("web-env", { props: (p) => delete p.workloadProfiles });
    expect((await validateStack(infrastructureSubnet, consumption)).violations).toEqual([
      "A consumption-only environment needs its infrastructure subnet infrastructure to be /23 or larger (is /27).",
    ]);
  });

  it("passes a consumption-only environment on an undelegated /23", async () => {
    const consumption = stack
      .with("web-env", { props: (p) => delete p.workloadProfiles })
      .with("web-infra", { props: (p) => ((p.addressPrefix = "10.0.0.0/23"), delete p.delegations) });
    expect((await validateStack(infrastructureSubnet, consumption)).violations).toEqual([]);
  });

  it("finds the subnet by a known id, inline in its VNet", async () => {
    const inline = new Stack()
      .add(types.virtualNetwork, "web-vnet", { ...vnet, subnets: [{ name: "pe", addressPrefix: "10.0.2.0/24" }, { name: "infra", addressPrefix: "10.0.0.0/29" }] })
      .add(types.managedEnvironment, "web-env", {
        ...privateEnvironment,
        vnetConfiguration: { internal: true, infrastructureSubnetId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/web-vnet/subnets/infra" },
      });
    expect((await validateStack(infrastructureSubnet, inline)).violations).toEqual([expect.stringContaining("web-vnet/infra to be /27 or larger (is /29)")]);
  });

  it("reports an unknown id into a VNet only when every inline subnet is too small", async () => {
    const withInlineSubnets = (subnets: object[]) =>
      new Stack()
        .add(types.virtualNetwork, "web-vnet", { ...vnet, subnets })
        .add(types.managedEnvironment, "web-env", privateEnvironment, { from: { vnetConfiguration: ["web-vnet"] } });
    const oneGood = withInlineSubnets([{ name: "pe", addressPrefix: "10.0.2.0/29" }, { ...workloadSubnet, name: "infra" }]);
    expect((await validateStack(infrastructureSubnet, oneGood)).violations).toEqual([]);
    const noneGood = withInlineSubnets([{ name: "pe", addressPrefix: "10.0.2.0/29" }]);
    expect((await validateStack(infrastructureSubnet, noneGood)).violations).toEqual([
      "A workload-profiles environment needs its infrastructure subnet web-vnet/pe to be /27 or larger (is /29).",
    ]);
  });

  it("does not report a size that is unknown at preview", async () => {
    const unknown = stack.with("web-infra", { props: (p) => (p.addressPrefix = unknownString) });
    expect((await validateStack(infrastructureSubnet, unknown)).violations).toEqual([]);
    const unknownProfiles = stack.with("web-env", { props: (p) => (p.workloadProfiles = unknownArray) }).with("web-infra", { props: (p) => (p.addressPrefix = "10.0.0.0/24") });
    expect((await validateStack(infrastructureSubnet, unknownProfiles)).violations).toEqual([]);
  });

  it("skips an environment whose subnet cannot be found", async () => {
    const lost = stack.with("web-env", { wiring: {} });
    expect((await validateStack(infrastructureSubnet, lost)).violations).toEqual([]);
  });
});
