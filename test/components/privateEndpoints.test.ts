import * as pulumi from "@pulumi/pulumi";
import { FAKE_AZURE } from "../harness/azureMocks";
import { promiseOf, record, type Recording } from "../harness/recorder";
import type { PrivateLinkService } from "../../components/privateEndpoints";

const VNET_ID = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-demo`;
const SUBNET_ID = `${VNET_ID}/subnets/private-endpoints`;
const TARGET_ID = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-net/providers/Microsoft.KeyVault/vaults/kv-demo`;

class Box extends pulumi.ComponentResource {
  constructor() {
    super("test:index:Box", "box");
  }
}

async function recordLink(service: PrivateLinkService, privateDnsZoneId?: string, preview = false) {
  const { createPrivateLink } = await import("../../components/privateEndpoints");
  let zoneId: Promise<string | undefined> | undefined;
  const recording = await record(
    () => {
      const link = createPrivateLink(
        service,
        {
          service,
          resourceGroupName: "rg-net",
          location: "westeurope",
          tags: { team: "platform" },
          targetResourceId: TARGET_ID,
          subnetId: SUBNET_ID,
          virtualNetworkId: VNET_ID,
          privateDnsZoneId,
        },
        { parent: new Box() },
      );
      zoneId = promiseOf(link.privateDnsZoneId);
    },
    { preview },
  );
  return { recording, zoneId: await zoneId };
}

/** Follows the recorded property dependencies from the endpoint to the VNet link. */
function dnsChain(recording: Recording) {
  const endpoint = recording.one("azure-native:network:PrivateEndpoint");
  const zoneGroup = recording.ofType("azure-native:network:PrivateDnsZoneGroup").find((group) =>
    group.propertyDependencies.privateEndpointName?.includes(endpoint.urn),
  );
  const zoneUrns = zoneGroup?.propertyDependencies.privateDnsZoneConfigs ?? [];
  const zone = recording.ofType("azure-native:privatedns:PrivateZone").find((z) => zoneUrns.includes(z.urn));
  const link = recording
    .ofType("azure-native:privatedns:VirtualNetworkLink")
    .find((l) => zone !== undefined && l.propertyDependencies.privateZoneName?.includes(zone.urn));
  return { endpoint, zoneGroup, zone, link };
}

describe("a private link", () => {
  it.each([
    ["registry", "privatelink.azurecr.io"],
    ["vault", "privatelink.vaultcore.azure.net"],
    ["blob", "privatelink.blob.core.windows.net"],
  ] as const)("for the %s puts an endpoint in the subnet and wires it to %s linked to the VNet", async (service, zoneName) => {
    const { recording, zoneId } = await recordLink(service);
    expect(recording.typeCounts()).toEqual({
      "azure-native:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateDnsZoneGroup": 1,
      "azure-native:privatedns:PrivateZone": 1,
      "azure-native:privatedns:VirtualNetworkLink": 1,
    });
    const { endpoint, zoneGroup, zone, link } = dnsChain(recording);
    expect(endpoint.inputs.subnet.id).toBe(SUBNET_ID);
    expect(endpoint.inputs.privateLinkServiceConnections).toEqual([
      { name: `${service}-${service}`, privateLinkServiceId: TARGET_ID, groupIds: [service] },
    ]);
    expect(zoneGroup?.inputs.privateEndpointName).toBe(endpoint.inputs.privateEndpointName ?? endpoint.name);
    expect(zoneGroup?.inputs.privateDnsZoneConfigs).toEqual([{ name: zoneName.replace(/\./g, "-"), privateDnsZoneId: zone?.id }]);
    expect(zone?.inputs).toMatchObject({ privateZoneName: zoneName, location: "global", resourceGroupName: "rg-net" });
    expect(link?.inputs).toMatchObject({ virtualNetwork: { id: VNET_ID }, registrationEnabled: false, location: "global" });
    expect(zoneId).toBe(zone?.id);
  });

  it("registers records in a given zone and creates no zone or link of its own", async () => {
    const hubZone = "/subscriptions/hub/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io";
    const { recording, zoneId } = await recordLink("registry", hubZone);
    expect(recording.typeCounts()).toEqual({
      "azure-native:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateDnsZoneGroup": 1,
    });
    expect(recording.one("azure-native:network:PrivateDnsZoneGroup").inputs.privateDnsZoneConfigs).toEqual([
      { name: "privatelink-azurecr-io", privateDnsZoneId: hubZone },
    ]);
    expect(zoneId).toBe(hubZone);
  });

  it("tags the endpoint, the zone and the link", async () => {
    const { recording } = await recordLink("blob");
    for (const type of ["azure-native:network:PrivateEndpoint", "azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink"]) {
      expect(recording.one(type).inputs.tags).toEqual({ team: "platform" });
    }
  });

  it("keeps the wiring in preview, when the endpoint's name and the zone's id are not yet known", async () => {
    const { recording, zoneId } = await recordLink("vault", undefined, true);
    const { endpoint, zoneGroup, zone, link } = dnsChain(recording);
    expect(zoneGroup?.propertyDependencies.privateEndpointName).toEqual([endpoint.urn]);
    expect(zone).toBeDefined();
    expect(link).toBeDefined();
    expect(zoneId).toBeUndefined();
  });
});

describe("the DNS of an internal environment", () => {
  it("is a zone named after the default domain, linked to the VNet, with * pointing at the static IP", async () => {
    const { createEnvironmentDns } = await import("../../components/privateEndpoints");
    const recording = await record(() => {
      createEnvironmentDns(
        "env",
        {
          resourceGroupName: "rg-net",
          defaultDomain: "happy-sky-1234.westeurope.azurecontainerapps.io",
          staticIp: "10.0.0.62",
          virtualNetworkId: VNET_ID,
        },
        { parent: new Box() },
      );
    });
    const zone = recording.one("azure-native:privatedns:PrivateZone");
    const link = recording.one("azure-native:privatedns:VirtualNetworkLink");
    const record_ = recording.one("azure-native:privatedns:PrivateRecordSet");
    expect(zone.inputs.privateZoneName).toBe("happy-sky-1234.westeurope.azurecontainerapps.io");
    expect(link.inputs.virtualNetwork).toEqual({ id: VNET_ID });
    expect(link.propertyDependencies.privateZoneName).toEqual([zone.urn]);
    expect(record_.inputs).toMatchObject({ recordType: "A", relativeRecordSetName: "*", aRecords: [{ ipv4Address: "10.0.0.62" }] });
    expect(record_.propertyDependencies.privateZoneName).toEqual([zone.urn]);
  });
});
