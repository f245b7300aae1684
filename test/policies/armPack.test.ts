/**
 * The arm-* rules through the real pack: a raw azure-native program that makes each mistake ARM would
 * reject is recorded (at preview and as in an update) and judged by the pack over gRPC, as
 * `pulumi preview --policy-pack` does.
 */
import * as path from "node:path";
import { PolicyRunner, judge, type PolicyVerdict } from "../harness/policyRunner";
import { record } from "../harness/recorder";

const PACK = path.join(__dirname, "..", "..", "policies");

/** Registered arm-* rules and the resources each one reports on in the program below. */
const expected: Record<string, string[]> = {
  "arm-nsg-service-tags-singular": ["nsg"],
  "arm-nsg-priority-range": ["bastion-rule"],
  "arm-nsg-priority-unique": ["nsg"],
  "arm-aca-probe-values": ["app"],
  "arm-aca-probe-one-per-type": ["app"],
  "arm-aca-cpu-memory-allocation": ["app"],
  "arm-private-endpoint-group-id": ["registry-pe-wrong-group"],
  "arm-private-dns-zone-matches-group": ["registry-pe-dns"],
  "arm-environment-subnet-dedicated": ["second-environment"],
  "arm-environment-subnet-delegation": ["environment", "second-environment"],
};

async function recordMistakes(preview: boolean) {
  return record(
    async () => {
      const app = await import("@pulumi/azure-native/app");
      const containerregistry = await import("@pulumi/azure-native/containerregistry");
      const network = await import("@pulumi/azure-native/network");
      const privatedns = await import("@pulumi/azure-native/privatedns");
      const resourceGroupName = "rg-mistakes";
      const nsg = new network.NetworkSecurityGroup("nsg", {
        resourceGroupName,
        networkSecurityGroupName: "nsg-mistakes",
        securityRules: [
          { name: "allow-vnet", protocol: "Tcp", access: "Allow", direction: "Inbound", priority: 100, sourceAddressPrefixes: ["VirtualNetwork"], sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443" },
          { name: "allow-lb", protocol: "Tcp", access: "Allow", direction: "Inbound", priority: 100, sourceAddressPrefix: "AzureLoadBalancer", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
        ],
      });
      new network.SecurityRule("bastion-rule", {
        resourceGroupName,
        networkSecurityGroupName: nsg.name,
        securityRuleName: "allow-bastion",
        protocol: "Tcp",
        access: "Allow",
        direction: "Inbound",
        priority: 5000,
        sourceAddressPrefix: "10.1.0.0/26",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
      });
      const vnet = new network.VirtualNetwork("vnet", { resourceGroupName, virtualNetworkName: "vnet-mistakes", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } });
      const subnet = new network.Subnet("subnet", {
        resourceGroupName,
        virtualNetworkName: vnet.name,
        subnetName: "apps",
        addressPrefix: "10.0.0.0/23",
        networkSecurityGroup: { id: nsg.id },
        delegations: [{ name: "web", serviceName: "Microsoft.Web/serverFarms" }],
      });
      const environment = new app.ManagedEnvironment("environment", {
        resourceGroupName,
        environmentName: "cae-mistakes",
        workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
        vnetConfiguration: { infrastructureSubnetId: subnet.id, internal: true },
      });
      new app.ManagedEnvironment("second-environment", {
        resourceGroupName,
        environmentName: "cae-mistakes-2",
        workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
        vnetConfiguration: { infrastructureSubnetId: subnet.id, internal: true },
      });
      new app.ContainerApp("app", {
        resourceGroupName,
        containerAppName: "ca-mistakes",
        managedEnvironmentId: environment.id,
        template: {
          containers: [
            {
              name: "web",
              image: "mcr.microsoft.com/k8se/quickstart:latest",
              resources: { cpu: 0.5, memory: "2Gi" },
              probes: [
                { type: "Liveness", httpGet: { path: "/health", port: 80 } },
                { type: "Liveness", tcpSocket: { port: 80 }, initialDelaySeconds: 0 },
              ],
            },
          ],
        },
      });
      const registry = new containerregistry.Registry("registry", { resourceGroupName, registryName: "crmistakes", sku: { name: "Premium" }, adminUserEnabled: false });
      const endpointsSubnet = new network.Subnet("endpoints-subnet", { resourceGroupName, virtualNetworkName: vnet.name, subnetName: "endpoints", addressPrefix: "10.0.2.0/24", networkSecurityGroup: { id: nsg.id } });
      const endpoint = new network.PrivateEndpoint("registry-pe", {
        resourceGroupName,
        privateEndpointName: "pe-registry",
        subnet: { id: endpointsSubnet.id },
        privateLinkServiceConnections: [{ name: "registry", groupIds: ["registry"], privateLinkServiceId: registry.id }],
      });
      new network.PrivateEndpoint("registry-pe-wrong-group", {
        resourceGroupName,
        privateEndpointName: "pe-registry-wrong-group",
        subnet: { id: endpointsSubnet.id },
        privateLinkServiceConnections: [{ name: "registry", groupIds: ["vault"], privateLinkServiceId: registry.id }],
      });
      const vaultZone = new privatedns.PrivateZone("vault-zone", { resourceGroupName, privateZoneName: "privatelink.vaultcore.azure.net", location: "global" });
      new network.PrivateDnsZoneGroup(
        "registry-pe-dns",
        { resourceGroupName, privateEndpointName: endpoint.name, privateDnsZoneConfigs: [{ name: "registry", privateDnsZoneId: vaultZone.id }] },
        { parent: endpoint },
      );
    },
    { preview, config: { "azure-native:location": "westeurope" } },
  );
}

/** The arm-* rules each resource failed, by resource name. */
function armViolations(verdict: PolicyVerdict): Record<string, string[]> {
  const byResource: Record<string, string[]> = {};
  for (const resource of verdict.resources) {
    for (const diagnostic of resource.diagnostics) {
      if (!diagnostic.policyName.startsWith("arm-") || diagnostic.enforcementLevel !== "mandatory") continue;
      (byResource[diagnostic.policyName] ??= []).push(resource.name);
    }
  }
  return Object.fromEntries(Object.entries(byResource).map(([name, resources]) => [name, [...new Set(resources)].sort()]));
}

describe("the arm-* rules in the running pack", () => {
  let runner: PolicyRunner;

  beforeAll(async () => {
    runner = await PolicyRunner.start({ packDir: PACK, env: { PULUMI_ACA_BASELINE: "public" }, startTimeoutMs: 170_000 });
  }, 180_000);

  afterAll(async () => {
    await runner?.stop();
  });

  it.each([
    ["at preview, with ids unknown", true],
    ["in an update, with every value known", false],
  ])("fail a program that makes each mistake ARM rejects, %s, on the resource at fault", async (_, preview) => {
    const recording = await recordMistakes(preview);
    const verdict = await judge(runner, recording.resources);
    expect(verdict.passed).toBe(false);
    const found = armViolations(verdict);
    expect(Object.fromEntries(Object.keys(expected).map((name) => [name, found[name]]))).toEqual(
expected);
  }, 180_000);
});

describe("the components under the arm-* rules", () => {
  let runner: PolicyRunner;

  beforeAll(async () => {
    runner = await PolicyRunner.start({ packDir: PACK, env: { PULUMI_ACA_BASELINE: "private" }, startTimeoutMs: 170_000 });
  }, 180_000);

  afterAll(async () => {
    await runner?.stop();
  });

  /** The arm-* diagnostics of a verdict, as "rule on resource: message". */
  function armDiagnostics(verdict: PolicyVerdict): string[] {
    return verdict.resources.flatMap((resource) =>
      resource.diagnostics.filter((d) => d.policyName.startsWith("arm-")).map((d) => `${d.policyName} on ${resource.name}: ${d.message}`),
    );
  }

  // The refresh-token exchange runs only in an update; answer it here instead of the registry.
  const exchangeToken = async () => "refresh-token";
  const components: [string, () => Promise<unknown>][] = [
    ["PublicContainerApp", async () => new (await import("../../components/publicContainerApp")).PublicContainerApp("web", {}, { exchangeToken })],
    ["PrivateContainerApp", async () => new (await import("../../components/privateContainerApp")).PrivateContainerApp("web", {}, { exchangeToken })],
    [
      "PrivateContainerApp in a consumption-only environment",
      async () => new (await import("../../components/privateContainerApp")).PrivateContainerApp("web", { environmentKind: "consumption-only" }, { exchangeToken }),
    ],
  ];

  it.each(components)("pass %s, at preview and as in an update where every value is known", async (_, create) => {
    for (const preview of [true, false]) {
      const recording = await record(
        create,
        { preview, config: { "azure-native:location": "westeurope" } },
      );
      expect(recording.ofType("azure-native:app:ContainerApp")).toHaveLength(1);
      expect([preview, armDiagnostics(await judge(runner, recording.resources))]).toEqual([preview, []]);
    }
  }, 180_000);
});
