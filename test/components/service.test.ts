import * as pulumi from "@pulumi/pulumi";
import { Recording, promiseOf, record } from "../harness/recorder";
import type { CheckedServiceArgs, ContainerAppServiceArgs, PlatformReference } from "../../components/service";
import { DIGEST_REF, Given, KNOWN_LATER, KNOWN_NOW, expectFailsOnceKnown, programFailure, refusedBeforeRegistering, roleOf } from "./support";

const SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-000000000001";
const REGISTRY_ID = `${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerRegistry/registries/crplatform`;
const VAULT_ID = `${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-orders`;
const OTHER_REGISTRY_ID = `${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contoso`;
const T = {
  app: "azure-native:app:ContainerApp",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  image: "docker-build:index:Image",
};

/** A platform deployed by another stack, as a stack reference hands it over: every id an Output. */
function platformStack(): PlatformReference {
  return {
    resourceGroupName: pulumi.output("rg-platform"),
    environmentId: pulumi.output(`${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.App/managedEnvironments/cae-platform`),
    registryId: pulumi.output(REGISTRY_ID),
    registryLoginServer: pulumi.output("crplatform.azurecr.io"),
  };
}

const IMAGE = `crplatform.azurecr.io/orders@sha256:${"a".repeat(64)}`;

async function service(args: Omit<ContainerAppServiceArgs, "platform"> & { platform?: PlatformReference }): Promise<Recording> {
  return record(async () => {
    const { ContainerAppService } = await import("../../components/service");
    new ContainerAppService("orders", { platform: platformStack(), ...args });
  });
}

describe("ContainerAppService on a platform of another stack, by ids", () => {
  it("creates its identity, grants and app in the platform's group and environment, and builds nothing for a ready image", async () => {
    const recording = await service({ image: IMAGE });
    expect(recording.typeCounts()).toEqual({ [T.identity]: 1, [T.grant]: 1, [T.app]: 1 });
    const app = recording.one(T.app);
    expect(app.inputs.resourceGroupName).toBe("rg-platform");
    expect(app.inputs.managedEnvironmentId).toMatch(/managedEnvironments\/cae-platform$/);
    expect(app.inputs.configuration.registries).toEqual([{ server: "crplatform.azurecr.io", identity: recording.one(T.identity).id }]);
    expect(app.inputs.configuration.ingress).toMatchObject({ external: false });
    expect(recording.one(T.grant).inputs.scope).toBe(REGISTRY_ID);
  });

  it("grants Key Vault Secrets User on each vault before the app exists, and sets AZURE_CLIENT_ID", async () => {
    const recording = await service({ image: IMAGE, keyVaultIds: [VAULT_ID] });
    const grants = recording.ofType(T.grant);
    expect(grants.map(roleOf).sort()).toEqual(["4633458b-17de-408a-b874-0445c86b69e6", "7f951dda-4ed3-4680-a7ca-43fe172d538d"]);
    const app = recording.one(T.app);
    for (const grant of grants) expect(app.dependencies).toContain(grant.urn);
    expect(app.inputs.template.containers[0].env).toContainEqual({ name: "AZURE_CLIENT_ID", value: recording.one(T.identity).inputs.clientId ?? expect.any(String) });
  });

  it("pulls an image of another declared registry from that registry, with AcrPull granted on it", async () => {
    const image = `contoso.azurecr.io/orders@sha256:${"b".repeat(64)}`;
    const recording = await service({ image, pullRegistries: [{ server: "contoso.azurecr.io", registryId: OTHER_REGISTRY_ID }] });
    expect(recording.one(T.app).inputs.configuration.registries).toEqual([{ server: "contoso.azurecr.io", identity: recording.one(T.identity).id }]);
    expect(recording.ofType(T.grant).map((grant) => grant.inputs.scope).sort()).toEqual([OTHER_REGISTRY_ID, REGISTRY_ID].sort());
  });

  it("pulls a public mcr.microsoft.com image without registry settings", async () => {
    const recording = await service({ image: DIGEST_REF });
    expect(recording.one(T.app).inputs.configuration.registries).toEqual([]);
  });

  it("uses an existing identity, creating none, and runs a worker without ingress", async () => {
    const identityId = `${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders`;
    const recording = await service({ image: IMAGE, ingress: "none", identity: { existingIdentityId: identityId, existingPrincipalId: "principal", systemAssigned: false } });
    expect(recording.ofType(T.identity)).toEqual([]);
    const app = recording.one(T.app);
    expect(app.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identityId] });
    expect(app.inputs.configuration.ingress).toBeUndefined();
    expect(recording.one(T.grant).inputs.principalId).toBe("principal");
  });

  it("refuses, once the platform's login server is known, an image of a registry the app does not pull from, with the same error as a known one", async () => {
    const image = `elsewhere.azurecr.io/orders@sha256:${"c".repeat(64)}`;
    const message = 'Invalid `image`: "elsewhere.azurecr.io/orders@sha256:' + "c".repeat(64) + '"; comes from registry elsewhere.azurecr.io, which the app does not pull from';
    // A value known only later is checked inside `apply`: the Output the service goes on with fails with the error.
    const { checkServiceArgs } = await import("../../components/service");
    const checked = checkServiceArgs("orders", { platform: platformStack(), image: pulumi.output(image) });
    const output = pulumi.output(checked.image!) as pulumi.Output<string> & { isKnown: Promise<boolean>; isSecret: Promise<boolean> };
    // Every promise behind the Output carries the failure; all are awaited so none goes unhandled.
    const [value, isKnown, isSecret] = await Promise.allSettled([promiseOf(output), output.isKnown, output.isSecret]);
    for (const settled of [value, isKnown, isSecret]) expect(settled).toMatchObject({ status: "rejected", reason: expect.objectContaining({ message: expect.stringContaining(message) }) });
    const now = await programFailure(async () => {
      const { ContainerAppService } = await import("../../components/service");
      new ContainerAppService("orders", { platform: { ...platformStack(), registryLoginServer: "crplatform.azurecr.io" }, image });
    });
    expect(now.message).toContain(message);
    expect(now.recording.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });
});

describe("ContainerAppService on a platform of the same program", () => {
  it.each<[string, Partial<ContainerAppServiceArgs>, string]>([
    ["an image from a registry it does not pull from", { image: `elsewhere.azurecr.io/web@sha256:${"d".repeat(64)}` }, "comes from registry elsewhere.azurecr.io, which the app does not pull from"],
    ["an image not pinned by digest", { image: "crplatform.azurecr.io/web:latest" }, "must be pinned by digest"],
    ["a workload profile the environment lacks", { image: DIGEST_REF, workloadProfileName: "gpu" }, 'Invalid `workloadProfileName`: "gpu"; the platform\'s environment has the profiles Consumption'],
    ["an existing identity without its principal id", { image: DIGEST_REF, identity: { existingIdentityId: "id" } }, "Invalid `identity.existingPrincipalId`"],
    ["traffic splitting without ingress", { image: DIGEST_REF, ingress: "none", traffic: [{ latestRevision: true, weight: 100 }] }, 'needs `ingress` "external" or "internal", not "none"'],
  ])("refuses %s before registering anything of the service", async (_case, args, message) => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppService } = await import("../../components/service");
      const platform = new ContainerAppsPlatform("team", {});
      new ContainerAppService("web", { platform, ...args });
    });
    expect(error.message).toContain(message);
    expect(error.recording.resources.filter((resource) => resource.type.startsWith("pulumi-aca:index:ContainerAppService"))).toEqual([]);
  });

  it("refuses two services with one container app name in one group", async () => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppService } = await import("../../components/service");
      const platform = new ContainerAppsPlatform("team", {});
      new ContainerAppService("web", { platform, image: DIGEST_REF, names: { containerApp: "ca-shop" } });
      new ContainerAppService("shop", { platform, image: DIGEST_REF, names: { containerApp: "ca-shop" } });
    });
    expect(error.message).toContain('Invalid `names.containerApp`: "ca-shop"; ContainerAppService web already uses this container app name');
  });
});

describe("ContainerAppService args given as Outputs (another stack's, another resource's)", () => {
  type ServiceArgs = Omit<ContainerAppServiceArgs, "platform"> & { platform?: PlatformReference };

  /** The service by ids, building its image unless `image` is given, with an in-process token exchange. */
  async function serviceProgram(args: ServiceArgs): Promise<void> {
    const { ContainerAppService } = await import("../../components/service");
    new ContainerAppService("orders", { platform: platformStack(), ...args }, { exchangeToken: async () => "acr-refresh-token" });
  }

  async function checked(args: ServiceArgs) {
    const { checkServiceArgs } = await import("../../components/service");
    return checkServiceArgs("orders", { platform: platformStack(), ...args });
  }

  it.each<[string, (given: Given) => ServiceArgs, (result: CheckedServiceArgs) => Array<pulumi.Input<unknown>>, string]>([
    ["names.containerApp", (given) => ({ image: IMAGE, names: { containerApp: given("Orders") } }), (result) => [result.names.containerApp], 'Invalid `containerAppName`: "Orders"; a containerApp name must be'],
    ["names.identity", (given) => ({ image: IMAGE, names: { identity: given("id") } }), (result) => [result.names.identity], 'Invalid `names.identity`: "id"; a userAssignedIdentity name must be'],
    ["names.imageRepository", (given) => ({ names: { imageRepository: given("Orders API") } }), (result) => [result.names.imageRepository], 'Invalid `imageRepository`: "Orders API"; a imageRepository name'],
    ["cpu", (given) => ({ image: IMAGE, cpu: given(0.3), memory: "0.6Gi" }), (result) => [result.resources], "Invalid `cpu`: 0.3; must be one of 0.25, 0.5"],
    ["memory", (given) => ({ image: IMAGE, cpu: 1, memory: given("1Gi") }), (result) => [result.resources], 'Invalid `memory`: "1Gi"; ACA\'s Consumption profile pairs 1 cores with 2Gi (2 GiB per core).'],
    ["cpu and memory both", (given) => ({ image: IMAGE, cpu: given(2), memory: given("2Gi") }), (result) => [result.resources], 'Invalid `memory`: "2Gi"; ACA\'s Consumption profile pairs 2 cores with 4Gi'],
    [
      "workloadProfileName",
      (given) => ({ image: IMAGE, platform: { ...platformStack(), environmentKind: "consumption-only" }, workloadProfileName: given("gpu") }),
      (result) => [result.workloadProfileName, result.resources],
      'Invalid `workloadProfileName`: "gpu"; a consumption-only environment has no workload profiles.',
    ],
    [
      "pullRegistries[].server",
      (given) => ({ image: `contoso.azurecr.io/orders@sha256:${"b".repeat(64)}`, pullRegistries: [{ server: given("https://contoso.azurecr.io"), registryId: OTHER_REGISTRY_ID }] }),
      (result) => [result.image],
      'Invalid `pullRegistries[0].server`: "https://contoso.azurecr.io"; must be a registry login server such as contoso.azurecr.io',
    ],
    [
      "pullRegistries[].registryId",
      (given) => ({ image: IMAGE, pullRegistries: [{ server: "contoso.azurecr.io", registryId: given("contoso.azurecr.io") }] }),
      (result) => result.pullRegistries.map((registry) => registry.registryId),
      'Invalid `pullRegistries[0].registryId`: "contoso.azurecr.io"; must be a container registry\'s resource id',
    ],
  ])("refuses a bad %s before registering anything when known, and as an Output fails what it feeds with the same error", async (_field, args, fed, message) => {
    const known = await refusedBeforeRegistering(() => serviceProgram(args(KNOWN_NOW)), message);
    await expectFailsOnceKnown(fed(await checked(args(KNOWN_LATER))), known);
  });

  it("pulls from a registry another stack names, server and id as Outputs, with AcrPull granted on it before the app exists", async () => {
    const image = `contoso.azurecr.io/orders@sha256:${"b".repeat(64)}`;
    const recording = await record(() => serviceProgram({ image: KNOWN_LATER(image), pullRegistries: [{ server: KNOWN_LATER("contoso.azurecr.io"), registryId: KNOWN_LATER(OTHER_REGISTRY_ID) }] }));
    const app = recording.one(T.app);
    expect(app.inputs.configuration.registries).toEqual([{ server: "contoso.azurecr.io", identity: recording.one(T.identity).id }]);
    const grant = recording.ofType(T.grant).find((candidate) => candidate.inputs.scope === OTHER_REGISTRY_ID);
    expect(grant?.inputs.roleDefinitionId).toMatch(/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    expect(app.dependencies).toContain(grant!.urn);
  });

  it("names the app, its identity and its image repository after Outputs, and sizes, places and labels the app from Outputs", async () => {
    const recording = await record(() =>
      serviceProgram({
        names: { containerApp: KNOWN_LATER("ca-orders"), identity: KNOWN_LATER("id-orders"), imageRepository: KNOWN_LATER("shop/orders") },
        cpu: KNOWN_LATER(1),
        memory: KNOWN_LATER("2Gi"),
        workloadProfileName: KNOWN_LATER("D4-general"),
        serviceName: KNOWN_LATER("orders-api"),
      }),
    );
    const app = recording.one(T.app);
    expect(app.inputs).toMatchObject({ containerAppName: "ca-orders", workloadProfileName: "D4-general" });
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 1, memory: "2Gi" });
    expect(app.inputs.template.containers[0].env).toContainEqual({ name: "OTEL_SERVICE_NAME", value: "orders-api" });
    expect(recording.one(T.identity).inputs.resourceName).toBe("id-orders");
    const tags: string[] = recording.one(T.image).inputs.tags;
    expect(tags).toEqual([expect.stringMatching(/^crplatform\.azurecr\.io\/shop\/orders:build-[0-9a-f]{16}$/), "crplatform.azurecr.io/shop/orders:latest"]);
    expect(app.inputs.template.containers[0].image).toMatch(/^crplatform\.azurecr\.io\/shop\/orders@sha256:/);
  });

  it("leaves a Dedicated profile's size alone, known or not: the pairs are the Consumption profile's", async () => {
    const recording = await record(() => serviceProgram({ image: IMAGE, cpu: KNOWN_LATER(4), memory: KNOWN_LATER("32Gi"), workloadProfileName: KNOWN_LATER("E8-memory") }));
    expect(recording.one(T.app).inputs.template.containers[0].resources).toEqual({ cpu: 4, memory: "32Gi" });
  });

  it("claims only the names it knows: two services given one name as an Output are not compared", async () => {
    const recording = await record(async () => {
      const { ContainerAppService } = await import("../../components/service");
      new ContainerAppService("web", { platform: platformStack(), image: IMAGE, names: { containerApp: KNOWN_LATER("ca-shop") } });
      new ContainerAppService("shop", { platform: { ...platformStack(), resourceGroupName: "rg-platform" }, image: IMAGE, names: { containerApp: "ca-shop" } });
    });
    expect(recording.ofType(T.app).map((app) => app.inputs.containerAppName)).toEqual(["ca-shop", "ca-shop"]);
  });
});
