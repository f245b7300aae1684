import { FAKE_AZURE } from "../harness/azureMocks";
import { Recording, record } from "../harness/recorder";
import type { CheckedPlatformArgs, ContainerAppsPlatformArgs } from "../../components/platform";
import { Given, KNOWN_LATER, KNOWN_NOW, expectFailsOnceKnown, programFailure, refusedBeforeRegistering } from "./support";

const HUB = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-hub/providers/Microsoft.Network`;
const T = {
  group: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  insights: "azure-native:applicationinsights:Component",
  registry: "azure-native:containerregistry:Registry",
  environment: "azure-native:app:ManagedEnvironment",
  zone: "azure-native:privatedns:PrivateZone",
  link: "azure-native:privatedns:VirtualNetworkLink",
  record: "azure-native:privatedns:PrivateRecordSet",
  endpoint: "azure-native:network:PrivateEndpoint",
};

async function platform(args: ContainerAppsPlatformArgs = {}, preview = false): Promise<Recording> {
  return record(
    async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      new ContainerAppsPlatform("shared", args);
    },
    { preview },
  );
}

describe("ContainerAppsPlatform", () => {
  it("creates what apps share and nothing an app owns", async () => {
    const recording = await platform();
    expect(recording.typeCounts()).toEqual({ [T.group]: 1, [T.workspace]: 1, [T.insights]: 1, [T.registry]: 1, [T.environment]: 1 });
    const component = recording.one("pulumi-aca:index:ContainerAppsPlatform");
    for (const resource of recording.cloudResources) expect(resource.parent).toBe(component.urn);
  });

  it("uses an existing group, workspace, App Insights and registry by id, creating only the environment", async () => {
    const recording = await platform({
      resourceGroupName: "rg-platform",
      existingObservability: {
        logAnalyticsWorkspaceId: "/subscriptions/s/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/log-shared",
        logAnalyticsCustomerId: "customer-id",
        logAnalyticsSharedKey: "shared-key",
        appInsightsConnectionString: "InstrumentationKey=abc",
      },
      existingRegistry: { id: "/subscriptions/s/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contoso", loginServer: "contoso.azurecr.io" },
    });
    expect(recording.typeCounts()).toEqual({ [T.environment]: 1 });
    const environment = recording.one(T.environment);
    expect(environment.inputs.resourceGroupName).toBe("rg-platform");
    expect(environment.inputs.appLogsConfiguration.logAnalyticsConfiguration).toEqual({ customerId: "customer-id", sharedKey: "shared-key" });
    expect(environment.secretPaths).toEqual(expect.arrayContaining(["appLogsConfiguration.logAnalyticsConfiguration.sharedKey"]));
  });

  it("adds Dedicated workload profiles next to Consumption", async () => {
    const recording = await platform({ workloadProfiles: [{ name: "big", workloadProfileType: "E8", maximumCount: 4 }] });
    expect(recording.one(T.environment).inputs.workloadProfiles).toEqual([
      { name: "Consumption", workloadProfileType: "Consumption" },
      { name: "big", workloadProfileType: "E8", minimumCount: 0, maximumCount: 4 },
    ]);
  });

  it("writes the environment's * record into a hub-owned zone and links the zones it creates to more VNets", async () => {
    const hubZone = `${HUB}/privateDnsZones/blue-sky-123.westeurope.azurecontainerapps.io`;
    const recording = await platform({ privateNetwork: { privateDnsZoneIds: { environment: hubZone }, additionalVirtualNetworkIds: [`${HUB}/virtualNetworks/vnet-hub`] } });
    const wildcard = recording.one(T.record);
    expect(wildcard.inputs).toMatchObject({ resourceGroupName: "rg-hub", privateZoneName: "blue-sky-123.westeurope.azurecontainerapps.io", relativeRecordSetName: "*" });
    // Only the registry's zone is created here; it is linked to the platform's VNet and to the hub's.
    expect(recording.ofType(T.zone).map((zone) => zone.inputs.privateZoneName)).toEqual(["privatelink.azurecr.io"]);
    expect(recording.ofType(T.link).map((link) => link.inputs.virtualNetwork.id)).toEqual(
      expect.arrayContaining([`${HUB}/virtualNetworks/vnet-hub`, recording.one("azure-native:network:VirtualNetwork").id]),
    );
    expect(recording.one(T.registry).inputs).toMatchObject({ sku: { name: "Premium" }, publicNetworkAccess: "Disabled" });
    expect(recording.one(T.endpoint).propertyDependencies.privateLinkServiceConnections).toEqual([recording.one(T.registry).urn]);
  });

  it.each<[string, ContainerAppsPlatformArgs, string]>([
    ["an unknown Dedicated profile type", { workloadProfiles: [{ name: "big", workloadProfileType: "D3" }] }, "Invalid `workloadProfiles[0].workloadProfileType`: \"D3\"; must be one of D4, D8"],
    ["a profile named Consumption", { workloadProfiles: [{ name: "Consumption", workloadProfileType: "D4" }] }, "Invalid `workloadProfiles[0].name`: \"Consumption\"; must be unique"],
    ["Dedicated profiles in a consumption-only environment", { environmentKind: "consumption-only", workloadProfiles: [{ name: "big", workloadProfileType: "D4" }] }, 'Dedicated profiles need environmentKind "workload-profiles"'],
    ["a private registry below Premium", { registrySku: "Basic", privateNetwork: {} }, "Invalid `registrySku`: \"Basic\"; a registry reached through a private endpoint needs the Premium SKU"],
    ["zone redundancy without a VNet", { zoneRedundant: true }, "Invalid `zoneRedundant`: true; zone redundancy needs `vnet`"],
  ])("refuses %s before registering anything", async (_case, args, message) => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      new ContainerAppsPlatform("shared", args);
    });
    expect(error.message).toContain(message);
    expect(error.recording.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  it("refuses a second platform with the same Azure names in one program, naming the first", async () => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      new ContainerAppsPlatform("blue", { namePrefix: "team" });
      new ContainerAppsPlatform("green", { namePrefix: "team" });
    });
    expect(error.message).toContain('Invalid `names.resourceGroup`: "rg-team-test"; ContainerAppsPlatform blue already uses this resource group name');
    expect(error.recording.resources.filter((resource) => resource.parent?.includes("::green"))).toEqual([]);
  });

  it("refuses two environments on one existing subnet", async () => {
    const subnet = `${HUB}/virtualNetworks/vnet-spoke/subnets/aca`;
    const existingNetwork = { virtualNetworkId: `${HUB}/virtualNetworks/vnet-spoke`, infrastructureSubnetId: subnet, privateEndpointsSubnetId: `${subnet}-pe` };
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      new ContainerAppsPlatform("blue", { privateNetwork: { existingNetwork } });
      new ContainerAppsPlatform("green", { privateNetwork: { existingNetwork } });
    });
    expect(error.message).toContain("Invalid `privateNetwork.existingNetwork.infrastructureSubnetId`");
    expect(error.message).toContain("ContainerAppsPlatform blue already uses this environment infrastructure subnet name");
  });

  it("lets separate programs reuse the same names", async () => {
    await platform({ namePrefix: "team" });
    const again = await platform({ namePrefix: "team" });
    expect(again.one(T.group).inputs.resourceGroupName).toBe("rg-team-test");
  });
});

describe("ContainerAppsPlatform names given as Outputs (another stack's, another resource's)", () => {
  const PRIVATE = { privateNetwork: {} };

  it.each<[keyof NonNullable<ContainerAppsPlatformArgs["names"]>, string, Partial<ContainerAppsPlatformArgs>, string]>([
    ["resourceGroup", "rg.", {}, 'Invalid `names.resourceGroup`: "rg."; a resourceGroup name must be'],
    ["registry", "cr-shared", {}, 'Invalid `registryName`: "cr-shared"; a containerRegistry name must be 5-50 letters and digits only.'],
    ["logAnalyticsWorkspace", "log", {}, 'Invalid `workspaceName`: "log"; a logAnalyticsWorkspace name must be'],
    ["appInsights", "appi.", {}, 'Invalid `appInsightsName`: "appi."; a applicationInsights name must be'],
    ["environment", "-env", {}, 'Invalid `environmentName`: "-env"; a managedEnvironment name must be'],
    ["virtualNetwork", "vnet-", PRIVATE, 'Invalid `names.virtualNetwork`: "vnet-"; a virtualNetwork name must be'],
  ])("refuses a bad names.%s before registering anything when known, and as an Output fails what it names with the same error", async (field, bad, more, message) => {
    const args = (given: Given): ContainerAppsPlatformArgs => ({ ...more, names: { [field]: given(bad) } });
    const known = await refusedBeforeRegistering(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      new ContainerAppsPlatform("shared", args(KNOWN_NOW));
    }, message);
    const { checkPlatformArgs } = await import("../../components/platform");
    const checked: CheckedPlatformArgs = checkPlatformArgs("shared", args(KNOWN_LATER));
    await expectFailsOnceKnown([checked.names[field]], known);
  });

  it("names every resource after Outputs, and the NSGs after the VNet's name once known", async () => {
    const recording = await platform({
      ...PRIVATE,
      names: {
        resourceGroup: KNOWN_LATER("rg-shared"),
        registry: KNOWN_LATER("crshared"),
        logAnalyticsWorkspace: KNOWN_LATER("log-shared"),
        appInsights: KNOWN_LATER("appi-shared"),
        environment: KNOWN_LATER("cae-shared"),
        virtualNetwork: KNOWN_LATER("vnet-shared"),
      },
    });
    expect(recording.one(T.group).inputs.resourceGroupName).toBe("rg-shared");
    expect(recording.one(T.registry).inputs.registryName).toBe("crshared");
    expect(recording.one(T.workspace).inputs.workspaceName).toBe("log-shared");
    expect(recording.one(T.insights).inputs.resourceName).toBe("appi-shared");
    expect(recording.one(T.environment).inputs.environmentName).toBe("cae-shared");
    expect(recording.one("azure-native:network:VirtualNetwork").inputs.virtualNetworkName).toBe("vnet-shared");
    const securityGroups = recording.ofType("azure-native:network:NetworkSecurityGroup").map((group) => group.inputs.networkSecurityGroupName);
    expect(securityGroups.sort()).toEqual(["nsg-vnet-shared-infrastructure", "nsg-vnet-shared-private-endpoints"]);
  });

  it("builds, pushes and pulls a service's image through a registry named by an Output, and checks a ready image against it", async () => {
    const image = `crshared.azurecr.io/orders@sha256:${"e".repeat(64)}`;
    const recording = await record(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppService } = await import("../../components/service");
      const shared = new ContainerAppsPlatform("shared", { names: { registry: KNOWN_LATER("crshared") } });
      new ContainerAppService("api", { platform: shared }, { exchangeToken: async () => "acr-refresh-token" });
      new ContainerAppService("orders", { platform: shared, image });
    });
    const [api, orders] = recording.ofType("azure-native:app:ContainerApp");
    expect(recording.one("docker-build:index:Image").inputs.tags).toEqual([expect.stringMatching(/^crshared\.azurecr\.io\/api:build-/), "crshared.azurecr.io/api:latest"]);
    expect(api!.inputs.template.containers[0].image).toMatch(/^crshared\.azurecr\.io\/api@sha256:/);
    expect(api!.inputs.configuration.registries).toEqual([{ server: "crshared.azurecr.io", identity: expect.any(String) }]);
    expect(orders!.inputs.configuration.registries).toEqual([{ server: "crshared.azurecr.io", identity: expect.any(String) }]);
    expect(orders!.inputs.template.containers[0].image).toBe(image);
  });
});
