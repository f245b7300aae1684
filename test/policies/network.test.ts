import { endpointDnsZoneGroup, privateDnsZoneLinked, subnetNsg } from "../../policies/network";
import { types } from "../../policies/resourceTypes";
import { privateRegistry, subnet } from "./fixtures";
import { Stack, mutate, unknownArray, unknownString, validate, validateStack } from "./support";

describe("network-subnet-nsg", () => {
  it("passes a subnet whose NSG id is unknown at preview", async () => {
    expect((await validate(subnetNsg, subnet, { type: types.subnet })).violations).toEqual([]);
  });

  it("reports a subnet without NSG", async () => {
    const bare = mutate(subnet, (p) => delete p.networkSecurityGroup);
    expect((await validate(subnetNsg, bare, { type: types.subnet })).violations).toEqual([
      "Subnet private-endpoints must be associated with a network security group (networkSecurityGroup.id).",
    ]);
  });

  it("reports inline subnets of a virtual network without NSG", async () => {
    const vnet = { resourceGroupName: "rg", virtualNetworkName: "web-vnet", subnets: [{ name: "apps", addressPrefix: "10.0.0.0/27" }, { name: "pe", addressPrefix: "10.0.1.0/27", networkSecurityGroup: { id: unknownString } }] };
    expect((await validate(subnetNsg, vnet, { type: types.virtualNetwork })).violations).toEqual([expect.stringContaining("Subnet apps must be associated")]);
  });

  it("exempts the subnets Azure forbids an NSG on", async () => {
    const gateway = mutate(subnet, (p) => ((p.subnetName = "GatewaySubnet"), delete p.networkSecurityGroup));
    expect((await validate(subnetNsg, gateway, { type: types.subnet })).violations).toEqual([]);
    const netApp = mutate(subnet, (p) => ((p.delegations = [{ name: "anf", serviceName: "Microsoft.Netapp/volumes" }]), delete p.networkSecurityGroup));
    expect((await validate(subnetNsg, netApp, { type: types.subnet })).violations).toEqual([]);
  });

  it("applies configured exemptions", async () => {
    const custom = mutate(subnet, (p) => ((p.subnetName = "appliance"), delete p.networkSecurityGroup));
    expect((await validate(subnetNsg, custom, { type: types.subnet })).violations).toHaveLength(1);
    expect((await validate(subnetNsg, custom, { type: types.subnet, config: { exemptSubnetNames: ["appliance"] } })).violations).toEqual([]);
    const gateway = mutate(subnet, (p) => ((p.subnetName = "GatewaySubnet"), delete p.networkSecurityGroup));
    expect((await validate(subnetNsg, gateway, { type: types.subnet, config: { exemptSubnetNames: [] } })).violations).toHaveLength(1);
  });

  it("does not report subnets or delegations that are unknown at preview", async () => {
    expect((await validate(subnetNsg, { resourceGroupName: "rg", subnets: unknownArray }, { type: types.virtualNetwork })).violations).toEqual([]);
    const delegations = mutate(subnet, (p) => ((p.delegations = unknownArray), delete p.networkSecurityGroup));
    expect((await validate(subnetNsg, delegations, { type: types.subnet })).violations).toEqual([]);
  });

  it("does not apply to other resource types", async () => {
    expect((await validate(subnetNsg, subnet, { type: types.registry })).notApplicable).toContain("azure-native:network:Subnet");
  });
});

/** The private topology at preview: every id unknown, connected by property dependencies only. */
const preview = new Stack()
  .add(types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet" })
  .add(types.subnet, "web-pe-subnet", subnet, { from: { virtualNetworkName: ["web-vnet"] } })
  .add(types.registry, "webacr", privateRegistry)
  .add(types.privateZone, "acr-zone", { resourceGroupName: "rg", privateZoneName: "privatelink.azurecr.io", location: "global" })
  .add(types.virtualNetworkLink, "acr-zone-link", { resourceGroupName: "rg", privateZoneName: "privatelink.azurecr.io", virtualNetwork: { id: unknownString }, registrationEnabled: false }, {
    from: { privateZoneName: ["acr-zone"], virtualNetwork: ["web-vnet"] },
  })
  .add(
    types.privateEndpoint,
    "webacr-pe",
    { resourceGroupName: "rg", privateEndpointName: "webacr-pe", subnet: { id: unknownString }, privateLinkServiceConnections: [{ name: "registry", groupIds: ["registry"], privateLinkServiceId: unknownString }] },
    { from: { subnet: ["web-pe-subnet"], privateLinkServiceConnections: ["webacr"] } },
  )
  .add(
    types.privateDnsZoneGroup,
    "webacr-pe-dns",
    { resourceGroupName: "rg", privateEndpointName: unknownString, privateDnsZoneConfigs: [{ name: "registry", privateDnsZoneId: unknownString }] },
    { parent: "webacr-pe", from: { privateEndpointName: ["webacr-pe"], privateDnsZoneConfigs: ["acr-zone"] } },
  );

describe("network-private-endpoint-dns-zone-group", () => {
  it("passes an endpoint whose zone group is connected through dependencies", async () => {
    expect((await validateStack(endpointDnsZoneGroup, preview)).violations).toEqual([]);
  });

  it("passes an endpoint whose zone group names it", async () => {
    const named = preview.with("webacr-pe-dns", { props: (p) => (p.privateEndpointName = "webacr-pe"), wiring: {} });
    expect((await validateStack(endpointDnsZoneGroup, named)).violations).toEqual([]);
  });

  it("reports an endpoint without zone group", async () => {
    const outcome = await validateStack(endpointDnsZoneGroup, preview.without("webacr-pe-dns"));
    expect(outcome.violations).toEqual([expect.stringContaining("Private endpoint webacr-pe must have a PrivateDnsZoneGroup")]);
    expect(outcome.urns).toEqual([preview.urn("webacr-pe")]);
  });

  it("reports an endpoint whose only zone group belongs to another endpoint", async () => {
    const other = preview.with("webacr-pe-dns", { props: (p) => (p.privateEndpointName = "other-pe"), wiring: {} });
    expect((await validateStack(endpointDnsZoneGroup, other)).violations).toHaveLength(1);
  });

  it("does not report when a zone group's endpoint is unknown and unconnected", async () => {
    const unconnected = preview.with("webacr-pe-dns", { wiring: {} });
    expect((await validateStack(endpointDnsZoneGroup, unconnected)).violations).toEqual([]);
  });
});

describe("network-private-dns-zone-vnet-link", () => {
  it("passes a zone linked to the endpoint's VNet, all connected through dependencies", async () => {
    expect((await validateStack(privateDnsZoneLinked, preview)).violations).toEqual([]);
  });

  it("reports a zone with no link to the endpoint's VNet", async () => {
    const outcome = await validateStack(privateDnsZoneLinked, preview.without("acr-zone-link"));
    expect(outcome.violations).toEqual([
      "Private DNS zone privatelink.azurecr.io must be linked to virtual network web-vnet (a privatedns VirtualNetworkLink), or private endpoint webacr-pe will not resolve inside it.",
    ]);
    expect(outcome.urns).toEqual([preview.urn("acr-zone")]);
  });

  it("reports a zone linked only to another VNet", async () => {
    const otherVnet = preview
      .add(types.virtualNetwork, "hub-vnet", { resourceGroupName: "rg", virtualNetworkName: "hub-vnet" })
      .with("acr-zone-link", { wiring: { from: { privateZoneName: ["acr-zone"], virtualNetwork: ["hub-vnet"] } } });
    expect((await validateStack(privateDnsZoneLinked, otherVnet)).violations).toHaveLength(1);
  });

  it("connects known ids and names after deploy", async () => {
    const vnetId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/web-vnet";
    const deployed = new Stack()
      .add(types.virtualNetwork, "web-vnet", { resourceGroupName: "rg", virtualNetworkName: "web-vnet" })
      .add(types.privateZone, "acr-zone", { resourceGroupName: "rg", privateZoneName: "privatelink.azurecr.io" })
      .add(types.virtualNetworkLink, "acr-zone-link", { resourceGroupName: "rg", privateZoneName: "privatelink.azurecr.io", virtualNetwork: { id: vnetId } })
      .add(types.privateEndpoint, "webacr-pe", { resourceGroupName: "rg", privateEndpointName: "webacr-pe", subnet: { id: `${vnetId}/subnets/private-endpoints` } })
      .add(types.privateDnsZoneGroup, "webacr-pe-dns", {
        resourceGroupName: "rg",
        privateEndpointName: "webacr-pe",
        privateDnsZoneConfigs: [{ name: "registry", privateDnsZoneId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io" }],
      });
    expect((await validateStack(privateDnsZoneLinked, deployed)).violations).toEqual([]);
    const elsewhere = deployed.with("acr-zone-link", { props: (p) => (p.virtualNetwork.id = vnetId.replace("web-vnet", "hub-vnet")) });
    expect((await validateStack(privateDnsZoneLinked, elsewhere)).violations).toHaveLength(1);
  });

  it("does not report a link whose VNet is unknown and unconnected", async () => {
    const unknownLink = preview.with("acr-zone-link", { wiring: { from: { privateZoneName: ["acr-zone"] } } });
    expect((await validateStack(privateDnsZoneLinked, unknownLink)).violations).toEqual([]);
  });

  it("skips an endpoint whose VNet cannot be told", async () => {
    const lost = preview.without("acr-zone-link").with("webacr-pe", { wiring: { from: { privateLinkServiceConnections: ["webacr"] } } });
    expect((await validateStack(privateDnsZoneLinked, lost)).violations).toEqual([]);
  });
});
