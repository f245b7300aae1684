import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as redis from "@pulumi/azure-native/redis";
import * as sql from "@pulumi/azure-native/sql";
import { privateDnsZoneMatchesGroup, privateEndpointGroupId } from "../../policies/armPrivateEndpoints";
import { types } from "../../policies/resourceTypes";
import { privateRegistry, registryId, storageAccount, subnet, vault } from "./fixtures";
import { Stack, unknownArray, unknownString, validateStack, type Props } from "./support";

const vaultId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/web-kv";
const zoneId = (zone: string) => `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/${zone}`;

function endpoint(name: string, groupId: string, target: string = unknownString): Props {
  return {
    resourceGroupName: "rg",
    privateEndpointName: name,
    subnet: { id: unknownString },
    privateLinkServiceConnections: [{ name, groupIds: [groupId], privateLinkServiceId: target }],
  };
}

function zoneGroup(zone: string = unknownString): Props {
  return { resourceGroupName: "rg", privateEndpointName: unknownString, privateDnsZoneConfigs: [{ name: "default", privateDnsZoneId: zone }] };
}

/** The private topology at preview: ids unknown, endpoints connected to their targets and zones by dependencies. */
const preview = new Stack()
  .add(types.subnet, "pe-subnet", subnet)
  .add(types.registry, "webacr", privateRegistry)
  .add(types.vault, "web-kv", vault)
  .add(types.storageAccount, "webstore", storageAccount)
  .add(types.privateZone, "acr-zone", { resourceGroupName: "rg", privateZoneName: "privatelink.azurecr.io", location: "global" })
  .add(types.privateZone, "kv-zone", { resourceGroupName: "rg", privateZoneName: "privatelink.vaultcore.azure.net", location: "global" })
  .add(types.privateZone, "blob-zone", { resourceGroupName: "rg", privateZoneName: "privatelink.blob.core.windows.net", location: "global" })
  .add(types.privateEndpoint, "acr-pe", endpoint("acr-pe", "registry"), { from: { subnet: ["pe-subnet"], privateLinkServiceConnections: ["webacr"] } })
  .add(types.privateEndpoint, "kv-pe", endpoint("kv-pe", "vault"), { from: { subnet: ["pe-subnet"], privateLinkServiceConnections: ["web-kv"] } })
  .add(types.privateEndpoint, "blob-pe", endpoint("blob-pe", "blob"), { from: { subnet: ["pe-subnet"], privateLinkServiceConnections: ["webstore"] } })
  .add(types.privateDnsZoneGroup, "acr-pe-dns", zoneGroup(), { parent: "acr-pe", from: { privateEndpointName: ["acr-pe"], privateDnsZoneConfigs: ["acr-zone"] } })
  .add(types.privateDnsZoneGroup, "kv-pe-dns", zoneGroup(), { parent: "kv-pe", from: { privateEndpointName: ["kv-pe"], privateDnsZoneConfigs: ["kv-zone"] } })
  .add(types.privateDnsZoneGroup, "blob-pe-dns", zoneGroup(), { parent: "blob-pe", from: { privateEndpointName: ["blob-pe"], privateDnsZoneConfigs: ["blob-zone"] } });

/** The same after deploy, or in a program that writes ids itself: everything matched by known ids and names. */
const known = new Stack()
  .add(types.privateEndpoint, "acr-pe", endpoint("acr-pe", "registry", registryId))
  .add(types.privateEndpoint, "kv-pe", endpoint("kv-pe", "vault", vaultId))
  .add(types.privateDnsZoneGroup, "acr-pe-dns", { ...zoneGroup(zoneId("privatelink.azurecr.io")), privateEndpointName: "acr-pe" })
  .add(types.privateDnsZoneGroup, "kv-pe-dns", { ...zoneGroup(zoneId("privatelink.vaultcore.azure.net")), privateEndpointName: "kv-pe" });

describe("the arm-* private link target type tokens", () => {
  it("are the ones azure-native uses", () => {
    expect((cosmosdb.DatabaseAccount as unknown as { __pulumiType: string }).__pulumiType).toBe(types.cosmosDatabaseAccount);
    expect((sql.Server as unknown as { __pulumiType: string }).__pulumiType).toBe(types.sqlServer);
    expect((redis.Redis as unknown as { __pulumiType: string }).__pulumiType).toBe(types.redis);
  });
});

describe("arm-private-endpoint-group-id", () => {
  it("passes the group ids each target offers, told by dependency or by a known id", async () => {
    expect((await validateStack(privateEndpointGroupId, preview)).violations).toEqual([]);
    expect((await validateStack(privateEndpointGroupId, known)).violations).toEqual([]);
  });

  it("reports a registry endpoint asking for a vault's sub-resource", async () => {
    const wrong = preview.with("acr-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = ["vault"]) });
    const outcome = await validateStack(privateEndpointGroupId, wrong);
    expect(outcome.violations).toEqual(['Private endpoint acr-pe must use a group id that microsoft.containerregistry/registries offers (registry), not "vault".']);
    expect(outcome.urns).toEqual([wrong.urn("acr-pe")]);
  });

  it("reports a Key Vault endpoint with a misspelt group id in a known id, and accepts any case", async () => {
    const wrong = known.with("kv-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = ["vaults"]) });
    expect((await validateStack(privateEndpointGroupId, wrong)).violations).toEqual([expect.stringContaining('offers (vault), not "vaults"')]);
    const upper = known.with("kv-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = ["Vault"]) });
    expect((await validateStack(privateEndpointGroupId, upper)).violations).toEqual([]);
  });

  it("reports storage group ids the account does not offer and judges manual connections too", async () => {
    const wrong = preview.with("blob-pe", {
      props: (p) => {
        p.manualPrivateLinkServiceConnections = p.privateLinkServiceConnections;
        delete p.privateLinkServiceConnections;
        p.manualPrivateLinkServiceConnections[0].groupIds = ["blobs"];
      },
      wiring: { from: { subnet: ["pe-subnet"], manualPrivateLinkServiceConnections: ["webstore"] } },
    });
    expect((await validateStack(privateEndpointGroupId, wrong)).violations).toEqual([expect.stringContaining('must use a group id that microsoft.storage/storageaccounts offers (blob, blob_secondary, table')]);
  });

  it("does not judge targets it cannot tell or does not know, nor group ids unknown at preview", async () => {
    const untold = preview.with("acr-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = ["anything"]), wiring: { from: { subnet: ["pe-subnet"] } } });
    expect((await validateStack(privateEndpointGroupId, untold)).violations).toEqual([]);
    const webApp = known.with("acr-pe", { props: (p) => (p.privateLinkServiceConnections[0] = { name: "site", groupIds: ["sites"], privateLinkServiceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/web" }) });
    expect((await validateStack(privateEndpointGroupId, webApp)).violations).toEqual([]);
    const unknownGroups = preview.with("acr-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = unknownArray) });
    expect((await validateStack(privateEndpointGroupId, unknownGroups)).violations).toEqual([]);
  });
});

describe("arm-private-dns-zone-matches-group", () => {
  it("passes zone groups that register each endpoint in its group id's zone", async () => {
    expect((await validateStack(privateDnsZoneMatchesGroup, preview)).violations).toEqual([]);
    expect((await validateStack(privateDnsZoneMatchesGroup, known)).violations).toEqual([]);
  });

  it("reports a registry endpoint registered in the Key Vault zone, connected by dependencies", async () => {
    const wrong = preview.with("acr-pe-dns", { wiring: { parent: "acr-pe", from: { privateEndpointName: ["acr-pe"], privateDnsZoneConfigs: ["kv-zone"] } } });
    const outcome = await validateStack(privateDnsZoneMatchesGroup, wrong);
    expect(outcome.violations).toEqual([
      "Private DNS zone group acr-pe-dns must register private endpoint acr-pe (group id registry) in privatelink.azurecr.io or {region}.data.privatelink.azurecr.io, " +
        "not privatelink.vaultcore.azure.net: names in any other zone do not resolve to the endpoint.",
    ]);
    expect(outcome.urns).toEqual([wrong.urn("acr-pe-dns")]);
  });

  it("reports a known zone id that does not match, and accepts the registry's regional data zone", async () => {
    const wrong = known.with("kv-pe-dns", { props: (p) => (p.privateDnsZoneConfigs[0].privateDnsZoneId = zoneId("vaultcore.azure.net")) });
    expect((await validateStack(privateDnsZoneMatchesGroup, wrong)).violations).toEqual([expect.stringContaining("in privatelink.vaultcore.azure.net, not vaultcore.azure.net")]);
    const regional = known.with("acr-pe-dns", {
      props: (p) => p.privateDnsZoneConfigs.push({ name: "data", privateDnsZoneId: zoneId("westeurope.data.privatelink.azurecr.io") }),
    });
    expect((await validateStack(privateDnsZoneMatchesGroup, regional)).violations).toEqual([]);
  });

  it("matches the Container Apps environment's regional zone", async () => {
    const environmentId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/web-env";
    const stack = new Stack()
      .add(types.privateEndpoint, "env-pe", endpoint("env-pe", "managedEnvironments", environmentId))
      .add(types.privateDnsZoneGroup, "env-pe-dns", { ...zoneGroup(zoneId("privatelink.westeurope.azurecontainerapps.io")), privateEndpointName: "env-pe" });
    expect((await validateStack(privateDnsZoneMatchesGroup, stack)).violations).toEqual([]);
    const wrong = stack.with("env-pe-dns", { props: (p) => (p.privateDnsZoneConfigs[0].privateDnsZoneId = zoneId("privatelink.azurecontainerapps.io")) });
    expect((await validateStack(privateDnsZoneMatchesGroup, wrong)).violations).toHaveLength(1);
  });

  it("does not judge zones, endpoints or group ids it cannot tell", async () => {
    const noZoneSource = preview.with("acr-pe-dns", { wiring: { parent: "acr-pe", from: { privateEndpointName: ["acr-pe"] } } });
    expect((await validateStack(privateDnsZoneMatchesGroup, noZoneSource)).violations).toEqual([]);
    const orphan = preview.with("acr-pe-dns", { wiring: { from: { privateDnsZoneConfigs: ["kv-zone"] } } });
    expect((await validateStack(privateDnsZoneMatchesGroup, orphan)).violations).toEqual([]);
    const unknownGroups = preview
      .with("acr-pe", { props: (p) => (p.privateLinkServiceConnections[0].groupIds = unknownArray) })
      .with("acr-pe-dns", { wiring: { parent: "acr-pe", from: { privateEndpointName: ["acr-pe"], privateDnsZoneConfigs: ["kv-zone"] } } });
    expect((await validateStack(privateDnsZoneMatchesGroup, unknownGroups)).violations).toEqual([]);
  });
});
