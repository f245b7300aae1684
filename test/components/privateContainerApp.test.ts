import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FAKE_AZURE } from "../harness/azureMocks";
import { ProgramError, RecordedResource, Recording, isSecretOutput, promiseOf, record } from "../harness/recorder";
import type { ExistingNetwork } from "../../components/platform";
import type { PrivateContainerApp, PrivateContainerAppArgs } from "../../components/privateContainerApp";
import { DIGEST_REF, KNOWN_LATER, KNOWN_NOW, RUN_MODES, TOPOLOGY_TYPES, componentDeployer, expectFailsOnceKnown, refusedBeforeRegistering } from "./support";

const T = {
  ...TOPOLOGY_TYPES,
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  endpoint: "azure-native:network:PrivateEndpoint",
  zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  zone: "azure-native:privatedns:PrivateZone",
  link: "azure-native:privatedns:VirtualNetworkLink",
  record: "azure-native:privatedns:PrivateRecordSet",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  account: "azure-native:storage:StorageAccount",
  container: "azure-native:storage:BlobContainer",
};
const ROLE = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  blobContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
};
/** Resource types that carry no Azure tags. */
const UNTAGGABLE = new Set<string>([T.grant, T.image, T.subnet, T.zoneGroup, T.record, T.container]);
const HUB = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-hub/providers/Microsoft.Network`;
const SPOKE = `${HUB}/virtualNetworks/vnet-spoke`;

/** A landing zone's spoke VNet by id, with the given ranges and delegation declared. */
function spokeNetwork(declared: Omit<ExistingNetwork, "virtualNetworkId" | "infrastructureSubnetId" | "privateEndpointsSubnetId">): ExistingNetwork {
  return {
    virtualNetworkId: SPOKE,
    infrastructureSubnetId: `${SPOKE}/subnets/aca`,
    privateEndpointsSubnetId: `${SPOKE}/subnets/pe`,
    addressSpace: ["10.40.0.0/16"],
    ...declared,
  };
}

const { deploy, failureOf } = componentDeployer<PrivateContainerAppArgs, PrivateContainerApp>(
  async () => (await import("../../components/privateContainerApp")).PrivateContainerApp,
);

function grantFor(recording: Recording, roleId: string): RecordedResource {
  const found = recording.ofType(T.grant).filter((grant) => String(grant.inputs.roleDefinitionId).endsWith(roleId));
  if (found.length !== 1) throw new Error(`expected one grant of ${roleId}, found ${found.length}`);
  return found[0]!;
}

function endpointFor(recording: Recording, target: RecordedResource): RecordedResource {
  const found = recording
    .ofType(T.endpoint)
    .filter((endpoint) => endpoint.propertyDependencies.privateLinkServiceConnections?.includes(target.urn));
  if (found.length !== 1) throw new Error(`expected one endpoint for ${target.name}, found ${found.length}`);
  return found[0]!;
}

describe.each(RUN_MODES)("the private topology in %s", (_mode, preview) => {
  it("registers every resource, with its type and count", async () => {
    const { recording } = await deploy({}, { preview });
    expect(recording.typeCounts()).toEqual({
      [T.group]: 1,
      [T.vnet]: 1,
      [T.nsg]: 2,
      [T.subnet]: 2,
      [T.workspace]: 1,
      [T.insights]: 1,
      [T.registry]: 1,
      [T.identity]: 1,
      [T.vault]: 1,
      [T.account]: 1,
      [T.container]: 1,
      [T.grant]: 3,
      [T.endpoint]: 3,
      [T.zoneGroup]: 3,
      [T.zone]: 4,
      [T.link]: 4,
      [T.image]: 1,
      [T.environment]: 1,
      [T.record]: 1,
      [T.app]: 1,
    });
    const component = recording.one("pulumi-aca:index:PrivateContainerApp");
    const platform = recording.one("pulumi-aca:index:ContainerAppsPlatform");
    const service = recording.one("pulumi-aca:index:ContainerAppService");
    const parents = new Set(recording.cloudResources.map((resource) => resource.parent));
    expect([...parents].sort()).toEqual([component.urn, platform.urn, service.urn].sort());
    for (const type of [T.identity, T.grant, T.image, T.app]) {
      for (const resource of recording.ofType(type)) expect([resource.name, resource.parent]).toEqual([resource.name, service.urn]);
    }
    for (const type of [T.vault, T.account, T.container, T.secret]) {
      for (const resource of recording.ofType(type)) expect([resource.name, resource.parent]).toEqual([resource.name, component.urn]);
    }
  });

  it("grants the identity each role on its own resource before the app exists", async () => {
    const { recording } = await deploy({}, { preview });
    const identity = recording.one(T.identity);
    const app = recording.one(T.app);
    const scopes: Array<[string, RecordedResource]> = [
      [ROLE.acrPull, recording.one(T.registry)],
      [ROLE.secretsUser, recording.one(T.vault)],
      [ROLE.blobContributor, recording.one(T.account)],
    ];
    for (const [role, target] of scopes) {
      const grant = grantFor(recording, role);
      expect(grant.propertyDependencies.scope).toEqual([target.urn]);
      expect(grant.propertyDependencies.principalId).toEqual([identity.urn]);
      expect(grant.inputs.principalType).toBe("ServicePrincipal");
      expect(app.dependencies).toContain(grant.urn);
      if (!preview) expect(grant.inputs.scope).toBe(target.id);
    }
  });

  it("makes the app wait for the private endpoints and their DNS", async () => {
    const { recording } = await deploy({}, { preview });
    const app = recording.one(T.app);
    for (const type of [T.endpoint, T.zoneGroup]) {
      for (const resource of recording.ofType(type)) expect(app.dependencies).toContain(resource.urn);
    }
    for (const zone of recording.ofType(T.zone).filter((z) => String(z.inputs.privateZoneName ?? "").startsWith("privatelink."))) {
      expect(app.dependencies).toContain(zone.urn);
    }
  });
});

describe("the private topology", () => {
  it("walks from each private endpoint through its zone group to a zone linked to the VNet", async () => {
    const { recording } = await deploy();
    const vnet = recording.one(T.vnet);
    const subnet = recording.named("web-pe-snet");
    const targets: Array<[RecordedResource, string, string]> = [
      [recording.one(T.registry), "registry", "privatelink.azurecr.io"],
      [recording.one(T.vault), "vault", "privatelink.vaultcore.azure.net"],
      [recording.one(T.account), "blob", "privatelink.blob.core.windows.net"],
    ];
    for (const [target, groupId, zoneName] of targets) {
      const endpoint = endpointFor(recording, target);
      expect(endpoint.propertyDependencies.subnet).toEqual([subnet.urn]);
      expect(endpoint.inputs.privateLinkServiceConnections[0].groupIds).toEqual([groupId]);
      const zoneGroup = recording.ofType(T.zoneGroup).find((group) => group.propertyDependencies.privateEndpointName?.includes(endpoint.urn));
      expect(zoneGroup).toBeDefined();
      const zone = recording.ofType(T.zone).find((z) => zoneGroup!.propertyDependencies.privateDnsZoneConfigs?.includes(z.urn));
      expect(zone?.inputs.privateZoneName).toBe(zoneName);
      const link = recording.ofType(T.link).find((l) => l.propertyDependencies.privateZoneName?.includes(zone!.urn));
      expect(link?.propertyDependencies.virtualNetwork).toEqual([vnet.urn]);
      expect(link?.inputs.virtualNetwork).toEqual({ id: vnet.id });
    }
  });

  it("gives the internal environment a zone for its default domain with * at its static IP, linked to the VNet", async () => {
    const { recording } = await deploy();
    const environment = recording.one(T.environment);
    const wildcard = recording.one(T.record);
    const zone = recording.ofType(T.zone).find((z) => wildcard.propertyDependencies.privateZoneName?.includes(z.urn))!;
    expect(zone.inputs.privateZoneName).toMatch(/\.westeurope\.azurecontainerapps\.io$/);
    expect(zone.propertyDependencies.privateZoneName).toEqual([environment.urn]);
    expect(wildcard.inputs).toMatchObject({ relativeRecordSetName: "*", recordType: "A", aRecords: [{ ipv4Address: "10.0.0.62" }] });
    expect(wildcard.propertyDependencies.aRecords).toEqual([environment.urn]);
    const link = recording.ofType(T.link).find((l) => l.propertyDependencies.privateZoneName?.includes(zone.urn));
    expect(link?.propertyDependencies.virtualNetwork).toEqual([recording.one(T.vnet).urn]);
  });

  it("puts the environment in the delegated subnet, internal, with public access off, peer encryption on, logs and OTel", async () => {
    const { recording } = await deploy();
    const environment = recording.one(T.environment);
    const subnet = recording.named("web-infra-snet");
    expect(environment.inputs.vnetConfiguration).toEqual({ infrastructureSubnetId: subnet.id, internal: true });
    expect(environment.propertyDependencies.vnetConfiguration).toEqual([subnet.urn]);
    expect(environment.inputs.publicNetworkAccess).toBe("Disabled");
    expect(environment.inputs.peerTrafficConfiguration).toEqual({ encryption: { enabled: true } });
    expect(environment.inputs.zoneRedundant).toBe(true);
    expect(environment.inputs.appLogsConfiguration.destination).toBe("log-analytics");
    expect(environment.inputs.openTelemetryConfiguration.tracesConfiguration.destinations).toEqual(["appInsights"]);
    expect(subnet.inputs.delegations).toEqual([{ name: "container-apps", serviceName: "Microsoft.App/environments" }]);
    expect(subnet.inputs.addressPrefix).toBe("10.0.0.0/23");
    expect(recording.named("web-pe-snet").inputs.addressPrefix).toBe("10.0.2.0/24");
    expect(recording.one(T.vnet).inputs.addressSpace).toEqual({ addressPrefixes: ["10.0.0.0/16"] });
  });

  it("attaches an NSG to both subnets", async () => {
    const { recording } = await deploy();
    for (const [subnetName, nsgName] of [
      ["web-infra-snet", "web-infra-nsg"],
      ["web-pe-snet", "web-pe-nsg"],
    ]) {
      expect(recording.named(subnetName!).propertyDependencies.networkSecurityGroup).toEqual([recording.named(nsgName!).urn]);
    }
  });

  it("closes the registry, the vault and the storage account to public networks", async () => {
    const { recording } = await deploy();
    expect(recording.one(T.registry).inputs).toMatchObject({
      sku: { name: "Premium" },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Disabled",
    });
    expect(recording.one(T.registry).inputs.networkRuleSet).toBeUndefined();
    expect(recording.one(T.vault).inputs.properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny" },
    });
    expect(recording.one(T.account).inputs).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: "Disabled",
    });
  });

  it("exposes nothing publicly by default", async () => {
    const { recording } = await deploy();
    for (const resource of recording.cloudResources) {
      const inputs = resource.inputs;
      const publicAccess = inputs.publicNetworkAccess ?? inputs.properties?.publicNetworkAccess;
      if (publicAccess !== undefined) expect([resource.name, publicAccess]).toEqual([resource.name, "Disabled"]);
    }
    expect(recording.one(T.app).inputs.configuration.ingress.external).toBe(false);
    expect(recording.one(T.environment).inputs.vnetConfiguration.internal).toBe(true);
    expect(recording.one(T.container).inputs.publicAccess).toBe("None");
  });

  it("opens only what the args ask for: an external environment, external ingress and the deployer's address", async () => {
    const { recording } = await deploy({ internal: false, externalIngress: true, imagePush: "allow-listed-ip", deployerIpAddress: "203.0.113.7" });
    const open = recording.cloudResources
      .filter((resource) => (resource.inputs.publicNetworkAccess ?? resource.inputs.properties?.publicNetworkAccess) === "Enabled")
      .map((resource) => resource.type)
      .sort();
    expect(open).toEqual([T.environment, T.registry].sort());
    expect(recording.one(T.registry).inputs.networkRuleSet).toEqual({
      defaultAction: "Deny",
      ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.7" }],
    });
    expect(recording.one(T.app).inputs.configuration.ingress.external).toBe(true);
    expect(recording.one(T.environment).inputs.vnetConfiguration.internal).toBe(false);
    expect(recording.ofType(T.record)).toHaveLength(0);
    expect(recording.one(T.vault).inputs.properties.publicNetworkAccess).toBe("Disabled");
    expect(recording.one(T.account).inputs.publicNetworkAccess).toBe("Disabled");
  });

  it("pushes inside the network only once the registry's endpoint and DNS exist", async () => {
    const { recording, exchanges } = await deploy();
    const image = recording.one(T.image);
    const registry = recording.one(T.registry);
    const endpoint = endpointFor(recording, registry);
    const zoneGroup = recording.ofType(T.zoneGroup).find((group) => group.propertyDependencies.privateEndpointName?.includes(endpoint.urn))!;
    expect(recording.waitsFor(image, endpoint)).toBe(true);
    expect(recording.waitsFor(image, zoneGroup)).toBe(true);
    expect(image.inputs.registries[0].username).toBe("00000000-0000-0000-0000-000000000000");
    expect(exchanges).toEqual([{ loginServer: registry.inputs.registryName.toLowerCase() + ".azurecr.io", tenantId: FAKE_AZURE.tenantId, accessToken: "mock-entra-access-token" }]);
  });

  it("builds and pushes nothing when given a ready image, and runs that image", async () => {
    const { recording, exchanges } = await deploy({ image: DIGEST_REF });
    expect(recording.ofType(T.image)).toHaveLength(0);
    expect(exchanges).toEqual([]);
    expect(recording.one(T.app).inputs.template.containers[0].image).toBe(DIGEST_REF);
    expect(recording.one(T.registry).inputs.publicNetworkAccess).toBe("Disabled");
  });

  it("never turns on the registry admin user, whatever the push choice", async () => {
    for (const args of [{}, { imagePush: "allow-listed-ip" as const, deployerIpAddress: "198.51.100.0/29" }]) {
      const { recording } = await deploy(args);
      expect(recording.one(T.registry).inputs.adminUserEnabled).toBe(false);
      expect(JSON.stringify(recording.one(T.app).inputs.configuration.registries)).not.toMatch(/passwordSecretRef|username/);
    }
  });

  it("pulls the image by digest from the registry with the user-assigned identity", async () => {
    const { recording } = await deploy();
    const app = recording.one(T.app);
    const identity = recording.one(T.identity);
    expect(app.inputs.template.containers[0].image).toMatch(/\.azurecr\.io\/[a-z0-9-]+@sha256:[0-9a-f]{64}$/);
    expect(app.inputs.configuration.registries).toEqual([{ server: recording.one(T.registry).inputs.registryName.toLowerCase() + ".azurecr.io", identity: identity.id }]);
  });

  it("reads declared secrets as Key Vault references through the identity and writes given values into the vault", async () => {
    const { recording } = await deploy({
      secrets: [
        { name: "db-password", env: "DB_PASSWORD", value: "hunter2" },
        { name: "api-key", env: "API_KEY", vaultSecretName: "partner-api-key" },
      ],
    });
    const app = recording.one(T.app);
    const identity = recording.one(T.identity);
    const vault = recording.one(T.vault);
    const vaultUri = `https://${vault.inputs.vaultName}.vault.azure.net/`;
    expect(app.inputs.configuration.secrets).toEqual([
      { name: "db-password", keyVaultUrl: `${vaultUri}secrets/db-password`, identity: identity.id },
      { name: "api-key", keyVaultUrl: `${vaultUri}secrets/partner-api-key`, identity: identity.id },
    ]);
    const env = app.inputs.template.containers[0].env as Array<{ name: string; secretRef?: string; value?: string }>;
    expect(env).toEqual(expect.arrayContaining([{ name: "DB_PASSWORD", secretRef: "db-password" }, { name: "API_KEY", secretRef: "api-key" }]));
    const written = recording.one(T.secret);
    expect(written.inputs).toMatchObject({ secretName: "db-password", properties: { value: "hunter2" } });
    expect(written.secretPaths).toEqual(["properties.value"]);
    expect(app.dependencies).toContain(written.urn);
    expect(JSON.stringify(app.inputs)).not.toContain("hunter2");
  });

  it("hands the app its identity, the vault URI and the blob endpoint as environment variables", async () => {
    const { recording } = await deploy();
    const env = Object.fromEntries(
      (recording.one(T.app).inputs.template.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]),
    );
    const account = recording.one(T.account);
    expect(env.AZURE_KEY_VAULT_URI).toBe(`https://${recording.one(T.vault).inputs.vaultName}.vault.azure.net/`);
    expect(env.AZURE_STORAGE_BLOB_ENDPOINT).toBe(`https://${account.inputs.accountName}.blob.core.windows.net/`);
    expect(env.AZURE_STORAGE_CONTAINER).toBe("data");
    expect(env.AZURE_CLIENT_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.PORT).toBe("8000");
  });

  it("tags every taggable resource", async () => {
    const { recording } = await deploy({ tags: { team: "payments" } });
    for (const resource of recording.cloudResources.filter((r) => !UNTAGGABLE.has(r.type))) {
      expect([resource.type, resource.inputs.tags]).toEqual([resource.type, { "managed-by": "pulumi-aca", team: "payments" }]);
    }
  });

  it("answers every output, the network and private-endpoint ones included", async () => {
    const { component, recording } = await deploy();
    const c = component!;
    expect(await promiseOf(c.virtualNetworkId)).toBe(recording.one(T.vnet).id);
    expect(await promiseOf(c.infrastructureSubnetId)).toBe(recording.named("web-infra-snet").id);
    expect(await promiseOf(c.privateEndpointsSubnetId)).toBe(recording.named("web-pe-snet").id);
    expect(await promiseOf(c.privateEndpointIds)).toEqual({
      registry: endpointFor(recording, recording.one(T.registry)).id,
      vault: endpointFor(recording, recording.one(T.vault)).id,
      blob: endpointFor(recording, recording.one(T.account)).id,
    });
    const zones = await promiseOf(c.privateDnsZoneIds);
    expect(Object.keys(zones!).sort()).toEqual(["blob", "environment", "registry", "vault"]);
    expect(zones!.registry).toMatch(/privateDnsZones\/privatelink\.azurecr\.io$/);
    expect(zones!.environment).toMatch(/privateDnsZones\/[0-9a-f]+\.westeurope\.azurecontainerapps\.io$/);
    expect(await promiseOf(c.environmentStaticIp)).toBe("10.0.0.62");
    expect(await promiseOf(c.vaultUri)).toBe(`https://${recording.one(T.vault).inputs.vaultName}.vault.azure.net/`);
    expect(await promiseOf(c.storageAccountName)).toBe(recording.one(T.account).inputs.accountName);
    expect(await promiseOf(c.url)).toMatch(/^https:\/\/.+\.azurecontainerapps\.io$/);
    expect(await promiseOf(c.imageRef)).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(await isSecretOutput(c.appInsightsConnectionString)).toBe(true);
    expect(await promiseOf(c.resourceGroupName)).toBe(recording.one(T.group).inputs.resourceGroupName);
  });

  it("leaves computed outputs unknown in preview", async () => {
    const { component } = await deploy({}, { preview: true });
    expect(await promiseOf(component!.environmentStaticIp)).toBeUndefined();
    expect(await promiseOf(component!.privateEndpointIds)).toBeUndefined();
  });

  it("uses an existing VNet and subnets by id and creates no network of its own", async () => {
    const { recording, component } = await deploy({
      existingNetwork: spokeNetwork({
        infrastructureSubnetPrefix: "10.40.0.0/27",
        infrastructureSubnetDelegation: "Microsoft.App/environments",
        privateEndpointsSubnetPrefix: "10.40.1.0/28",
      }),
    });
    for (const type of [T.vnet, T.subnet, T.nsg]) expect(recording.ofType(type)).toHaveLength(0);
    expect(recording.one(T.environment).inputs.vnetConfiguration.infrastructureSubnetId).toBe(`${SPOKE}/subnets/aca`);
    for (const endpoint of recording.ofType(T.endpoint)) expect(endpoint.inputs.subnet.id).toBe(`${SPOKE}/subnets/pe`);
    for (const link of recording.ofType(T.link)) expect(link.inputs.virtualNetwork).toEqual({ id: SPOKE });
    expect(await promiseOf(component!.virtualNetworkId)).toBe(SPOKE);
  });

  it("registers endpoints in hub-owned zones and creates none of those zones", async () => {
    const zoneIds = {
      registry: `${HUB}/privateDnsZones/privatelink.azurecr.io`,
      vault: `${HUB}/privateDnsZones/privatelink.vaultcore.azure.net`,
      blob: `${HUB}/privateDnsZones/privatelink.blob.core.windows.net`,
    };
    const { recording, component } = await deploy({ privateDnsZoneIds: zoneIds });
    expect(recording.ofType(T.zone).map((zone) => zone.inputs.privateZoneName)).toEqual([expect.stringMatching(/azurecontainerapps\.io$/)]);
    expect(recording.ofType(T.link)).toHaveLength(1);
    const configured = recording.ofType(T.zoneGroup).map((group) => group.inputs.privateDnsZoneConfigs[0].privateDnsZoneId).sort();
    expect(configured).toEqual(Object.values(zoneIds).sort());
    const outputs = await promiseOf(component!.privateDnsZoneIds);
    expect(outputs).toMatchObject(zoneIds);
  });

  it("stays in one zone when asked, for regions without availability zones", async () => {
    const { recording } = await deploy({ zoneRedundant: false });
    expect(recording.one(T.environment).inputs.zoneRedundant).toBe(false);
  });

  it("puts everything in an existing resource group and creates none", async () => {
    const { recording } = await deploy({ resourceGroupName: "rg-landing-zone" });
    expect(recording.ofType(T.group)).toHaveLength(0);
    for (const resource of recording.cloudResources.filter((r) => r.type !== T.grant && r.type !== T.image)) {
      expect([resource.name, resource.inputs.resourceGroupName]).toEqual([resource.name, "rg-landing-zone"]);
    }
  });

  it("takes custom address ranges", async () => {
    const { recording } = await deploy({
      network: { addressSpace: ["172.20.0.0/22"], infrastructureSubnetPrefix: "172.20.0.0/27", privateEndpointsSubnetPrefix: "172.20.1.0/28" },
    });
    expect(recording.one(T.vnet).inputs.addressSpace).toEqual({ addressPrefixes: ["172.20.0.0/22"] });
    expect(recording.named("web-infra-snet").inputs.addressPrefix).toBe("172.20.0.0/27");
    expect(recording.named("web-pe-snet").inputs.addressPrefix).toBe("172.20.1.0/28");
  });
});

describe.each(RUN_MODES)("the private topology in a consumption-only environment, in %s", (_mode, preview) => {
  let recording: Recording;
  beforeAll(async () => {
    ({ recording } = await deploy({ environmentKind: "consumption-only" }, { preview }));
  });

  it("registers the same resources as the workload-profiles topology", () => {
    expect(recording.typeCounts()).toMatchObject({ [T.vnet]: 1, [T.subnet]: 2, [T.nsg]: 2, [T.endpoint]: 3, [T.zone]: 4, [T.grant]: 3, [T.environment]: 1, [T.record]: 1, [T.app]: 1 });
  });

  it("gives the environment no workload profiles and the app no profile name", () => {
    const environment = recording.one(T.environment);
    expect(environment.inputs.workloadProfiles).toBeUndefined();
    expect(environment.inputs.vnetConfiguration).toEqual({ infrastructureSubnetId: recording.named("web-infra-snet").id, internal: true });
    expect(environment.inputs.zoneRedundant).toBe(true);
    expect(recording.one(T.app).inputs.workloadProfileName).toBeUndefined();
  });

  it("puts the environment in an undelegated /23 infrastructure subnet under the consumption-only NSG rules", () => {
    const subnet = recording.named("web-infra-snet");
    expect(subnet.inputs.addressPrefix).toBe("10.0.0.0/23");
    expect(subnet.inputs.delegations).toEqual([]);
    expect(recording.one(T.environment).propertyDependencies.vnetConfiguration).toEqual([subnet.urn]);
    const rules = (recording.named("web-infra-nsg").inputs.securityRules as Array<{ name: string }>).map((rule) => rule.name);
    expect(rules).toEqual(expect.arrayContaining(["allow-clients-web", "allow-control-plane-udp", "allow-control-plane-tcp", "allow-ntp"]));
    expect(rules).not.toContain("allow-clients-https");
  });
});

describe("the private topology in a consumption-only environment", () => {
  it("uses an existing subnet declared /23 or larger and not delegated", async () => {
    const { recording } = await deploy({
      environmentKind: "consumption-only",
      existingNetwork: spokeNetwork({
        infrastructureSubnetPrefix: "10.40.0.0/23",
        infrastructureSubnetDelegation: "none",
        privateEndpointsSubnetPrefix: "10.40.2.0/28",
      }),
    });
    for (const type of [T.vnet, T.subnet, T.nsg]) expect(recording.ofType(type)).toHaveLength(0);
    expect(recording.one(T.environment).inputs.vnetConfiguration.infrastructureSubnetId).toBe(`${SPOKE}/subnets/aca`);
    expect(recording.one(T.environment).inputs.workloadProfiles).toBeUndefined();
  });

  it("takes a custom /22 infrastructure subnet", async () => {
    const { recording } = await deploy({
      environmentKind: "consumption-only",
      network: { addressSpace: ["172.20.0.0/20"], infrastructureSubnetPrefix: "172.20.0.0/22", privateEndpointsSubnetPrefix: "172.20.4.0/28" },
    });
    expect(recording.named("web-infra-snet").inputs).toMatchObject({ addressPrefix: "172.20.0.0/22", delegations: [] });
  });
});

describe("the private topology's argument checks", () => {
  it.each<[string, PrivateContainerAppArgs, string]>([
    [
      "an infrastructure subnet smaller than /27",
      { network: { infrastructureSubnetPrefix: "10.0.0.0/28" } },
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.0.0/28"; a workload-profiles environment needs an infrastructure subnet of /27 or larger',
    ],
    [
      "a subnet outside the VNet",
      { network: { privateEndpointsSubnetPrefix: "10.1.0.0/24" } },
      'Invalid `network.privateEndpointsSubnetPrefix`: "10.1.0.0/24"; a subnet must lie inside the virtual network\'s address space (10.0.0.0/16)',
    ],
    [
      "overlapping subnets",
      { network: { privateEndpointsSubnetPrefix: "10.0.1.0/24" } },
      'Invalid `network.privateEndpointsSubnetPrefix`: "10.0.1.0/24"; subnets of one virtual network must not overlap',
    ],
    [
      "a malformed address space",
      { network: { addressSpace: ["10.0.0.0/33"] } },
      'Invalid `network.addressSpace[0]`: "10.0.0.0/33"; an address range must be an IPv4 CIDR',
    ],
    [
      "a private endpoints subnet smaller than /28",
      { network: { privateEndpointsSubnetPrefix: "10.0.2.0/29" } },
      'Invalid `network.privateEndpointsSubnetPrefix`: "10.0.2.0/29"; the private endpoints subnet needs /28 or larger',
    ],
    [
      "an existing infrastructure subnet declared undelegated",
      {
        existingNetwork: {
          virtualNetworkId: "vnet",
          infrastructureSubnetId: "aca",
          privateEndpointsSubnetId: "pe",
          infrastructureSubnetPrefix: "10.0.0.0/23",
          infrastructureSubnetDelegation: "none",
        },
      },
      "Invalid `existingNetwork.infrastructureSubnetDelegation`: null; a workload-profiles environment needs its infrastructure subnet delegated to Microsoft.App/environments",
    ],
    [
      "an existing endpoints subnet declared too small",
      { existingNetwork: { virtualNetworkId: "vnet", infrastructureSubnetId: "aca", privateEndpointsSubnetId: "pe", privateEndpointsSubnetPrefix: "10.0.2.0/30" } },
      'Invalid `existingNetwork.privateEndpointsSubnetPrefix`: "10.0.2.0/30"; the private endpoints subnet needs /28 or larger',
    ],
    [
      "both a network to create and an existing one",
      { network: {}, existingNetwork: { virtualNetworkId: "v", infrastructureSubnetId: "a", privateEndpointsSubnetId: "p" } },
      "only one of `network` or `existingNetwork` may be set",
    ],
    [
      "an empty client source list",
      { network: { clientAddressPrefixes: [] } },
      "Invalid `network.clientAddressPrefixes`: []; must list at least one IP address, CIDR range or service tag",
    ],
    [
      "a malformed private-endpoint client source",
      { network: { privateEndpointClientPrefixes: ["VirtualNetwork", "10.0.0.0/40"] } },
      'Invalid `network.privateEndpointClientPrefixes[1]`: "10.0.0.0/40"; must be an IP address',
    ],
    ["an unknown push choice", { imagePush: "admin-user" as never }, 'Invalid `imagePush`: "admin-user"; must be one of inside-network, allow-listed-ip'],
    [
      "an allow-listed push without the deployer's address",
      { imagePush: "allow-listed-ip" },
      'Invalid `deployerIpAddress`: undefined; imagePush "allow-listed-ip" needs the deployer\'s public IPv4 address',
    ],
    [
      "a deployer address with an inside-network push",
      { imagePush: "inside-network", deployerIpAddress: "203.0.113.7" },
      'Invalid `deployerIpAddress`: "203.0.113.7"; is used only with imagePush "allow-listed-ip"',
    ],
    [
      "a malformed deployer address",
      { imagePush: "allow-listed-ip", deployerIpAddress: "203.0.113" },
      'Invalid `deployerIpAddress`: "203.0.113"; must be an IPv4 address (203.0.113.7) or CIDR range (203.0.113.0/29).',
    ],
    [
      "a private deployer address",
      { imagePush: "allow-listed-ip", deployerIpAddress: "10.1.2.3" },
      'Invalid `deployerIpAddress`: "10.1.2.3"; overlaps the private range 10.0.0.0/8; the registry firewall sees the deployer\'s public address',
    ],
    ["a vault secret name Key Vault refuses", { secrets: [{ name: "db", vaultSecretName: "db_password" }] }, 'Invalid `secrets[0].vaultSecretName`: "db_password"'],
    ["a secret env clashing with a platform variable", { secrets: [{ name: "db", env: "AZURE_CLIENT_ID" }] }, "environment variable names must be unique"],
    [
      "two values written under one vault secret name",
      { secrets: [{ name: "a", value: "1", vaultSecretName: "shared" }, { name: "b", value: "2", vaultSecretName: "shared" }] },
      'Invalid `secrets[1].vaultSecretName`: "shared"; two values cannot be written under one vault secret name',
    ],
    ["a soft-delete retention out of range", { softDeleteRetentionInDays: 3 }, "Invalid `softDeleteRetentionInDays`: 3"],
    ["an invalid vault name", { names: { keyVault: "kv--bad" } }, 'Invalid `names.keyVault`: "kv--bad"'],
    ["an invalid storage account name", { names: { storageAccount: "St-Bad" } }, 'Invalid `names.storageAccount`: "St-Bad"'],
    ["an invalid blob container name", { blobContainerName: "Data" }, 'Invalid `blobContainerName`: "Data"'],
    [
      "a consumption-only environment with the workload-profiles minimum subnet",
      { environmentKind: "consumption-only", network: { infrastructureSubnetPrefix: "10.0.0.0/27" } },
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.0.0/27"; a consumption-only environment needs an infrastructure subnet of /23 or larger (512 addresses); /27 holds 32',
    ],
    [
      "a consumption-only environment with a /24 infrastructure subnet",
      { environmentKind: "consumption-only", network: { infrastructureSubnetPrefix: "10.0.0.0/24" } },
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.0.0/24"; a consumption-only environment needs an infrastructure subnet of /23 or larger (512 addresses); /24 holds 256',
    ],
    [
      "a consumption-only environment in an existing subnet declared delegated",
      {
        environmentKind: "consumption-only",
        existingNetwork: {
          virtualNetworkId: "vnet",
          infrastructureSubnetId: "aca",
          privateEndpointsSubnetId: "pe",
          infrastructureSubnetPrefix: "10.0.0.0/23",
          infrastructureSubnetDelegation: "Microsoft.App/environments",
        },
      },
      'Invalid `existingNetwork.infrastructureSubnetDelegation`: "Microsoft.App/environments"; a consumption-only environment needs an infrastructure subnet that is not delegated to any service',
    ],
    [
      "a consumption-only environment in an existing subnet declared too small",
      {
        environmentKind: "consumption-only",
        existingNetwork: { virtualNetworkId: "vnet", infrastructureSubnetId: "aca", privateEndpointsSubnetId: "pe", infrastructureSubnetPrefix: "10.0.0.0/25" },
      },
      'Invalid `existingNetwork.infrastructureSubnetPrefix`: "10.0.0.0/25"; a consumption-only environment needs an infrastructure subnet of /23 or larger',
    ],
    ["an unknown environment kind", { environmentKind: "dedicated" as never }, 'Invalid `environmentKind`: "dedicated"; must be one of workload-profiles, consumption-only'],
  ])("rejects %s before registering any cloud resource", async (_case, args, message) => {
    const failure = await failureOf(args);
    expect(failure.message).toContain(message);
  });
});

describe("the private topology's vault", () => {
  it("keeps purge protection on by default and leaves it unset for a dev stack that turns it off", async () => {
    const vaultOf = (recording: Recording) => recording.one("azure-native:keyvault:Vault").inputs.properties as Record<string, unknown>;
    expect(vaultOf((await deploy()).recording).enablePurgeProtection).toBe(true);
    expect(vaultOf((await deploy({ purgeProtection: false, softDeleteRetentionInDays: 7 })).recording)).toMatchObject({ softDeleteRetentionInDays: 7 });
    expect(vaultOf((await deploy({ purgeProtection: false })).recording).enablePurgeProtection).toBeUndefined();
  });
});

describe("the private topology's replicas", () => {
  const scaleOf = (recording: Recording) => recording.one(T.app).inputs.template.scale as { minReplicas: number; maxReplicas: number };

  it("keeps three replicas, one per zone, in its zone-redundant environment by default", async () => {
    const { recording } = await deploy();
    expect(recording.one(T.environment).inputs.zoneRedundant).toBe(true);
    expect(scaleOf(recording)).toMatchObject({ minReplicas: 3, maxReplicas: 3 });
  });

  it("scales to zero again when zone redundancy is turned off", async () => {
    const { recording } = await deploy({ zoneRedundant: false });
    expect(scaleOf(recording)).toMatchObject({ minReplicas: 0, maxReplicas: 3 });
  });

  it("takes explicit replica counts as given", async () => {
    const { recording } = await deploy({ minReplicas: 2, maxReplicas: 8 });
    expect(scaleOf(recording)).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
  });
});

describe("the private example", () => {
  const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "private");
  let fetchSpy: jest.SpyInstance;
  const exchanges: string[] = [];

  beforeEach(() => {
    exchanges.length = 0;
    // The example uses the real token exchange; here the registry's /oauth2/exchange answers in-process.
    fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      exchanges.push(String(input));
      return new Response(JSON.stringify({ refresh_token: "example-refresh-token" }), { status: 200, headers: { "content-type": "application/json" } });
    });
  });

  afterEach(() => fetchSpy.mockRestore());

  async function runExample(options: { preview?: boolean; config?: Record<string, string> } = {}) {
    return record(
      async () => {
        jest.resetModules();
        return import(EXAMPLE);
      },
      { project: "aca-private", ...options },
    );
  }

  const INSIDE = { "aca-private:imagePush": "inside-network" };
  const FROM_LAPTOP = { "aca-private:deployerIp": "203.0.113.7" };

  it.each(RUN_MODES)("deploys the whole private topology, pushing from inside the network, in %s", async (_mode, preview) => {
    const recording = await runExample({ preview, config: INSIDE });
    expect(recording.one("pulumi-aca:index:PrivateContainerApp").name).toBe("web");
    expect(recording.typeCounts()).toMatchObject({ [T.endpoint]: 3, [T.zoneGroup]: 3, [T.zone]: 4, [T.link]: 4, [T.grant]: 3, [T.image]: 1, [T.app]: 1 });
    expect(recording.one(T.registry).inputs.publicNetworkAccess).toBe("Disabled");
    if (preview) {
      expect(exchanges).toEqual([]);
    } else {
      expect(Object.keys(recording.stackOutputs).sort()).toEqual(["environmentStaticIp", "privateEndpointIds", "registryLoginServer", "url"]);
      expect(exchanges).toEqual([`https://${String(recording.one(T.registry).inputs.registryName).toLowerCase()}.azurecr.io/oauth2/exchange`]);
    }
  });

  it("opens the registry to the configured deployer address alone, and pushes there without waiting for the private endpoint", async () => {
    const recording = await runExample({ config: FROM_LAPTOP });
    expect(recording.one(T.registry).inputs).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.7" }] },
    });
    const image = recording.one(T.image);
    for (const endpoint of recording.ofType(T.endpoint)) expect(recording.waitsFor(image, endpoint)).toBe(false);
    expect(exchanges).toHaveLength(1);
  });

  it("refuses a first deployment that names no push path, before creating anything, yet previews", async () => {
    const failure = await runExample().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramError);
    expect((failure as ProgramError).message).toContain("pulumi config set deployerIp");
    expect((failure as ProgramError).message).toContain("pulumi config set imagePush inside-network");
    expect((failure as ProgramError).recording.cloudResources).toEqual([]);
    expect(exchanges).toEqual([]);
    // The preview (and so the offline plan) shows the closed registry the stack ends up with.
    const preview = await runExample({ preview: true });
    expect(preview.one(T.registry).inputs.publicNetworkAccess).toBe("Disabled");
  });

  it("closes the registry in place when the deployment moves inside the network", async () => {
    const first = await runExample({ config: FROM_LAPTOP });
    const closed = await runExample({ config: INSIDE });
    const [before, after] = [first.one(T.registry), closed.one(T.registry)];
    // Same resource, same Azure name: an update of the registry's network settings, not a new registry.
    expect(after.urn).toBe(before.urn);
    expect(after.inputs.registryName).toBe(before.inputs.registryName);
    expect(before.inputs.publicNetworkAccess).toBe("Enabled");
    expect(after.inputs).toMatchObject({ publicNetworkAccess: "Disabled", policies: { exportPolicy: { status: "disabled" } } });
    expect(after.inputs.networkRuleSet).toBeUndefined();
    // Inside the network the push waits for the private endpoint and its DNS.
    const endpoint = closed.ofType(T.endpoint).find((candidate) => candidate.propertyDependencies.privateLinkServiceConnections?.includes(after.urn))!;
    expect(closed.waitsFor(closed.one(T.image), endpoint)).toBe(true);
    // Everything else keeps its identity across the move.
    expect(closed.cloudResources.map((resource) => resource.urn).sort()).toEqual(first.cloudResources.map((resource) => resource.urn).sort());
  });
});

const ROOT = path.resolve(__dirname, "..", "..");
const policyPack = fs.existsSync(path.join(ROOT, "policies", "index.ts")) && fs.existsSync(path.join(ROOT, "scripts", "plan.mjs"));

describe("the private example under the policy pack", () => {
  (policyPack ? it : it.skip)("passes every mandatory rule of the private baseline", async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["scripts/plan.mjs", "examples/private", "--baseline", "private"],
        { cwd: ROOT, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(run.stderr).toBe("");
    const lines = run.stdout.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}pulumi-aca:index:PrivateContainerApp web +(ok|advisory)$/));
    expect(lines).not.toContainEqual(expect.stringMatching(/FAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\d+ resources, 0 mandatory violations/));
    expect(lines).toContain("Policies passed.");
    expect(run.code).toBe(0);
  }, 200_000);
});

describe("the private topology's names given as Outputs", () => {
  it.each<["keyVault" | "storageAccount", string, string]>([
    ["keyVault", "kv--web", 'Invalid `names.keyVault`: "kv--web"; a keyVault name must be 3-24 letters'],
    ["storageAccount", "st-web", 'Invalid `names.storageAccount`: "st-web"; a storageAccount name must be 3-24 lowercase letters and digits only.'],
  ])("refuses a bad names.%s before registering anything when known, and as an Output fails what it names with the same error", async (field, bad, message) => {
    const known = await refusedBeforeRegistering(async () => {
      const { PrivateContainerApp } = await import("../../components/privateContainerApp");
      new PrivateContainerApp("web", { image: DIGEST_REF, names: { [field]: KNOWN_NOW(bad) } });
    }, message);
    const { resolvePrivateDataNames } = await import("../../components/privateContainerApp");
    await expectFailsOnceKnown([resolvePrivateDataNames("web", { names: { [field]: KNOWN_LATER(bad) } })[field]], known);
  });

  it("names the vault, the account, the VNet and the app after Outputs, and sizes the app from Outputs", async () => {
    const { recording } = await deploy({
      image: DIGEST_REF,
      names: { keyVault: KNOWN_LATER("kv-orders"), storageAccount: KNOWN_LATER("storders"), virtualNetwork: KNOWN_LATER("vnet-orders"), containerApp: KNOWN_LATER("ca-orders") },
      cpu: KNOWN_LATER(1),
      memory: KNOWN_LATER("2Gi"),
    });
    expect(recording.one(T.vault).inputs.vaultName).toBe("kv-orders");
    expect(recording.one(T.account).inputs.accountName).toBe("storders");
    expect(recording.one(T.vnet).inputs.virtualNetworkName).toBe("vnet-orders");
    const app = recording.one(T.app);
    expect(app.inputs.containerAppName).toBe("ca-orders");
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 1, memory: "2Gi" });
  });
});
