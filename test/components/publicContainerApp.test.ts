import * as path from "node:path";
import { FAKE_AZURE } from "../harness/azureMocks";
import { RecordedResource, Recording, isSecretOutput, promiseOf } from "../harness/recorder";
import type { PublicContainerApp, PublicContainerAppArgs } from "../../components/publicContainerApp";
import { DIGEST_REF, Deployed as DeployedComponent, KNOWN_LATER, RUN_MODES, TOPOLOGY_TYPES as T, componentDeployer } from "./support";

/** Resource types that carry no Azure tags. */
const UNTAGGABLE = new Set<string>([T.grant, T.image]);

type Deployed = DeployedComponent<PublicContainerApp>;

const { deploy, failureOf } = componentDeployer<PublicContainerAppArgs, PublicContainerApp>(
  async () => (await import("../../components/publicContainerApp")).PublicContainerApp,
);

function appOf(recording: Recording): RecordedResource {
  return recording.one(T.app);
}

describe.each(RUN_MODES)("PublicContainerApp with no args, in %s,", (_mode, preview) => {
  let deployed: Deployed;
  beforeAll(async () => {
    deployed = await deploy({}, { preview });
  });

  it("creates the whole public topology: one of each resource, nothing more", () => {
    expect(deployed.recording.typeCounts()).toEqual({
      [T.group]: 1,
      [T.workspace]: 1,
      [T.insights]: 1,
      [T.registry]: 1,
      [T.identity]: 1,
      [T.grant]: 1,
      [T.image]: 1,
      [T.environment]: 1,
      [T.app]: 1,
    });
  });

  it("is one platform and one service under the component, typed pulumi-aca:index:PublicContainerApp", () => {
    const component = deployed.recording.one("pulumi-aca:index:PublicContainerApp");
    const platform = deployed.recording.one("pulumi-aca:index:ContainerAppsPlatform");
    const service = deployed.recording.one("pulumi-aca:index:ContainerAppService");
    expect([platform.parent, service.parent]).toEqual([component.urn, component.urn]);
    const shared = new Set<string>([T.group, T.workspace, T.insights, T.registry, T.environment]);
    for (const resource of deployed.recording.cloudResources) {
      expect([resource.name, resource.parent]).toEqual([resource.name, shared.has(resource.type) ? platform.urn : service.urn]);
    }
  });

  it("turns the admin user and anonymous pull off on the registry, Basic SKU", () => {
    expect(deployed.recording.one(T.registry).inputs).toMatchObject({ adminUserEnabled: false, anonymousPullEnabled: false, sku: { name: "Basic" } });
    for (const resource of deployed.recording.cloudResources) expect(resource.inputs.adminUserEnabled).not.toBe(true);
  });

  it("grants AcrPull to the user-assigned identity on the registry, before the app exists", () => {
    const { recording } = deployed;
    const grant = recording.one(T.grant);
    const registry = recording.one(T.registry);
    const identity = recording.one(T.identity);
    expect(grant.propertyDependencies.scope).toEqual([registry.urn]);
    expect(grant.propertyDependencies.principalId).toEqual([identity.urn]);
    expect(grant.inputs.principalType).toBe("ServicePrincipal");
    expect(grant.inputs.roleDefinitionId).toMatch(/\/roleDefinitions\/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    expect(recording.waitsFor(appOf(recording), grant)).toBe(true);
    expect(appOf(recording).dependencies).toContain(grant.urn);
  });

  it("gives the app the user-assigned identity for pulls and a system-assigned one of its own", () => {
    const app = appOf(deployed.recording);
    expect(app.inputs.identity.type).toBe("SystemAssigned,UserAssigned");
    expect(app.propertyDependencies.identity).toContain(deployed.recording.one(T.identity).urn);
    expect(app.propertyDependencies.configuration).toContain(deployed.recording.one(T.identity).urn);
  });

  it("builds the bundled app/ for linux/amd64 and waits for the build to run its digest", () => {
    const image = deployed.recording.one(T.image);
    expect(image.inputs.context.location).toBe(path.resolve(__dirname, "..", "..", "app"));
    expect(image.inputs.platforms).toEqual(["linux/amd64"]);
    expect(image.inputs.push).toBe(true);
    expect(image.inputs.registries[0].username).toBe("00000000-0000-0000-0000-000000000000");
    expect(appOf(deployed.recording).propertyDependencies.template).toContain(image.urn);
  });

  it("sends logs to the workspace and OTel traces and logs to App Insights", () => {
    const environment = deployed.recording.one(T.environment);
    expect(environment.inputs.workloadProfiles).toEqual([{ name: "Consumption", workloadProfileType: "Consumption" }]);
    expect(environment.inputs.appLogsConfiguration.destination).toBe("log-analytics");
    expect(environment.inputs.openTelemetryConfiguration).toMatchObject({
      tracesConfiguration: { destinations: ["appInsights"] },
      logsConfiguration: { destinations: ["appInsights"] },
    });
    expect(environment.propertyDependencies.appInsightsConfiguration).toEqual([deployed.recording.one(T.insights).urn]);
    expect(appOf(deployed.recording).propertyDependencies.managedEnvironmentId).toEqual([environment.urn]);
  });

  it("tags every taggable resource", () => {
    const taggable = deployed.recording.cloudResources.filter((resource) => !UNTAGGABLE.has(resource.type));
    expect(taggable).toHaveLength(7);
    for (const resource of taggable) expect([resource.type, resource.inputs.tags]).toEqual([resource.type, { "managed-by": "pulumi-aca" }]);
  });

  it("has the app's own settings known in an update only: azure-native resolves nested defaults, so preview sees them unknown", () => {
    const app = appOf(deployed.recording);
    if (preview) {
      expect(app.inputs.configuration).toBeUndefined();
      expect(app.inputs.template).toBeUndefined();
      expect(app.inputs.containerAppName).toBe("ca-web-test");
    } else {
      expect(app.inputs.configuration.ingress.allowInsecure).toBe(false);
      expect(app.inputs.template.containers).toHaveLength(1);
    }
  });
});

describe("PublicContainerApp with no args, in an update,", () => {
  let deployed: Deployed;
  beforeAll(async () => {
    deployed = await deploy();
  });

  it("serves external HTTPS-only ingress on 8000 with probes on /health and /ready", () => {
    const app = appOf(deployed.recording);
    expect(app.inputs.configuration.ingress).toMatchObject({ external: true, targetPort: 8000, allowInsecure: false });
    const probes = app.inputs.template.containers[0].probes as Array<{ type: string; httpGet: { path: string } }>;
    expect(probes.map((probe) => `${probe.type} ${probe.httpGet.path}`)).toEqual(["Liveness /health", "Readiness /ready", "Startup /health"]);
  });

  it("sizes 0.5 CPU / 1Gi and scales 0-3 on 100 concurrent requests", () => {
    const app = appOf(deployed.recording);
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 0.5, memory: "1Gi" });
    expect(app.inputs.template.scale).toMatchObject({ minReplicas: 0, maxReplicas: 3, rules: [{ http: { metadata: { concurrentRequests: "100" } } }] });
    expect(app.inputs.template.terminationGracePeriodSeconds).toBe(30);
  });

  it("keeps every credential secret and no secret value inline", () => {
    const { recording } = deployed;
    expect(recording.one(T.environment).secretPaths.sort()).toEqual([
      "appInsightsConfiguration.connectionString",
      "appLogsConfiguration.logAnalyticsConfiguration.sharedKey",
    ]);
    const app = appOf(recording);
    expect(app.inputs.configuration.secrets).toEqual([]);
    for (const variable of app.inputs.template.containers[0].env as Array<{ name: string; value?: string }>) {
      expect(variable.name).not.toMatch(/KEY|PASSWORD|SECRET|TOKEN|CONNECTION/);
      expect(String(variable.value ?? "")).not.toMatch(/InstrumentationKey|mock-primary-key|acr-refresh-token/);
    }
    const everything = JSON.stringify(recording.cloudResources.map((resource) => resource.inputs));
    const secretPaths = recording.cloudResources.flatMap((resource) => resource.secretPaths);
    expect(everything).toContain("acr-refresh-token");
    expect(recording.one(T.image).secretPaths).toEqual(["registries.0.password"]);
    expect(secretPaths).toHaveLength(3);
  });

  it("sets the service name, version and port for the app's telemetry", () => {
    const env = appOf(deployed.recording).inputs.template.containers[0].env as Array<{ name: string; value?: string }>;
    // OTEL_RESOURCE_ATTRIBUTES is left to the managed OpenTelemetry agent, which injects it.
    expect(env.map((variable) => variable.name)).toEqual(["PORT", "OTEL_SERVICE_NAME", "SERVICE_VERSION"]);
    expect(env[0]!.value).toBe("8000");
    expect(env[1]!.value).toBe("ca-web-test");
  });

});

describe("PublicContainerApp in an update", () => {
  it("runs the image by digest and exchanges the deployer's token exactly once", async () => {
    const { recording, exchanges } = await deploy();
    const registry = recording.one(T.registry);
    const image = appOf(recording).inputs.template.containers[0].image as string;
    expect(image).toMatch(new RegExp(`^${registry.inputs.registryName}\\.azurecr\\.io/web@sha256:[0-9a-f]{64}$`));
    expect(exchanges).toEqual([{ loginServer: `${registry.inputs.registryName}.azurecr.io`, tenantId: FAKE_AZURE.tenantId, accessToken: "mock-entra-access-token" }]);
  });

  it("exposes every listed output, the connection string as a secret", async () => {
    const { component } = await deploy();
    const c = component!;
    const values = await Promise.all([
      promiseOf(c.url),
      promiseOf(c.fqdn),
      promiseOf(c.containerAppName),
      promiseOf(c.containerAppId),
      promiseOf(c.latestRevisionName),
      promiseOf(c.imageRef),
      promiseOf(c.registryLoginServer),
      promiseOf(c.identityId),
      promiseOf(c.identityPrincipalId),
      promiseOf(c.identityClientId),
      promiseOf(c.appPrincipalId),
      promiseOf(c.environmentId),
      promiseOf(c.logAnalyticsWorkspaceId),
      promiseOf(c.appInsightsConnectionString),
      promiseOf(c.resourceGroupName),
    ]);
    for (const value of values) expect(typeof value === "string" && value.length > 0).toBe(true);
    const [url, fqdn, appName, , revision, imageRef] = values;
    expect(url).toBe(`https://${fqdn}`);
    expect(appName).toBe("ca-web-test");
    expect(revision).toMatch(/^ca-web-test--/);
    expect(imageRef).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(values[14]).toBe("rg-web-test");
    expect(await isSecretOutput(c.appInsightsConnectionString)).toBe(true);
    expect(await isSecretOutput(c.url)).toBe(false);
  });
});

describe("PublicContainerApp with args", () => {
  it("uses an existing resource group by name instead of creating one", async () => {
    const { recording } = await deploy({ resourceGroupName: "rg-platform" });
    expect(recording.ofType(T.group)).toEqual([]);
    for (const resource of recording.cloudResources.filter((r) => r.type !== T.grant && r.type !== T.image)) {
      expect([resource.type, resource.inputs.resourceGroupName, resource.inputs.location]).toEqual([resource.type, "rg-platform", FAKE_AZURE.location]);
    }
  });

  it("runs a ready image by digest without building or exchanging tokens", async () => {
    const { recording, exchanges } = await deploy({ image: DIGEST_REF });
    expect(recording.ofType(T.image)).toEqual([]);
    expect(exchanges).toEqual([]);
    expect(appOf(recording).inputs.template.containers[0].image).toBe(DIGEST_REF);
  });

  it("generates names that differ per stack, and uses explicit names as they are", async () => {
    const { resolvePublicContainerAppNames } = await import("../../components/publicContainerApp");
    const dev = resolvePublicContainerAppNames("web", {}, "p/dev/web", "dev");
    const prod = resolvePublicContainerAppNames("web", {}, "p/prod/web", "prod");
    expect(dev).toMatchObject({ resourceGroup: "rg-web-dev", environment: "cae-web-dev", containerApp: "ca-web-dev", identity: "id-web-dev" });
    for (const key of Object.keys(dev) as Array<keyof typeof dev>) {
      if (key !== "imageRepository") expect([key, dev[key]]).not.toEqual([key, prod[key]]);
    }
    const explicit = resolvePublicContainerAppNames("web", { names: { resourceGroup: "rg-shared", containerApp: "web" } }, "p/prod/web", "prod");
    expect(explicit).toMatchObject({ resourceGroup: "rg-shared", containerApp: "web", environment: "cae-web-prod" });
  });

  it("applies tags, names, sizes, scale, ingress and env as given", async () => {
    const { recording } = await deploy({
      location: "northeurope",
      namePrefix: "Payments API",
      names: { containerApp: "payments" },
      tags: { team: "payments", "managed-by": "platform" },
      logRetentionInDays: 90,
      registrySku: "Standard",
      cpu: 1,
      memory: "2Gi",
      minReplicas: 1,
      maxReplicas: 10,
      concurrency: 50,
      external: false,
      targetPort: 3000,
      env: { LOG_LEVEL: "debug" },
      serviceVersion: "2.4.1",
    });
    const app = appOf(recording);
    expect(app.inputs).toMatchObject({ containerAppName: "payments", location: "northeurope" });
    expect(recording.one(T.environment).inputs.environmentName).toBe("cae-payments-api-test");
    expect(recording.one(T.workspace).inputs).toMatchObject({ workspaceName: "log-payments-api-test", retentionInDays: 90 });
    expect(recording.one(T.registry).inputs.sku).toEqual({ name: "Standard" });
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 1, memory: "2Gi" });
    expect(app.inputs.template.scale).toMatchObject({ minReplicas: 1, maxReplicas: 10, rules: [{ http: { metadata: { concurrentRequests: "50" } } }] });
    expect(app.inputs.configuration.ingress).toMatchObject({ external: false, targetPort: 3000 });
    expect(app.inputs.template.containers[0].probes[0].httpGet.port).toBe(3000);
    expect(app.inputs.template.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "PORT", value: "3000" },
        { name: "SERVICE_VERSION", value: "2.4.1" },
        { name: "LOG_LEVEL", value: "debug" },
      ]),
    );
    for (const resource of recording.cloudResources.filter((r) => !UNTAGGABLE.has(r.type))) {
      expect([resource.type, resource.inputs.tags]).toEqual([resource.type, { team: "payments", "managed-by": "platform" }]);
    }
  });
});

describe("PublicContainerApp in a consumption-only environment", () => {
  it.each(RUN_MODES)("creates the environment without workload profiles and the app without a profile name, in %s", async (_mode, preview) => {
    const { recording } = await deploy({ environmentKind: "consumption-only" }, { preview });
    expect(recording.typeCounts()).toMatchObject({ [T.environment]: 1, [T.app]: 1, [T.grant]: 1 });
    const environment = recording.one(T.environment);
    expect(environment.inputs.workloadProfiles).toBeUndefined();
    expect(environment.inputs.vnetConfiguration).toBeUndefined();
    expect(appOf(recording).inputs.workloadProfileName).toBeUndefined();
    expect(appOf(recording).propertyDependencies.managedEnvironmentId).toEqual([environment.urn]);
  });
});

describe("PublicContainerApp validation", () => {
  it.each([
    [{ names: { registry: "cr-web" } }, 'Invalid `registryName`: "cr-web"; a containerRegistry name must be 5-50 letters and digits only.'],
    [{ names: { containerApp: "Web" } }, 'Invalid `containerAppName`: "Web"; a containerApp name must be 2-32 lowercase letters'],
    [{ names: { logAnalyticsWorkspace: "log" } }, 'Invalid `workspaceName`: "log"'],
    [{ names: { environment: "-env" } }, 'Invalid `environmentName`: "-env"'],
    [{ names: { identity: "id" } }, 'Invalid `names.identity`: "id"'],
    [{ names: { resourceGroup: "rg." } }, 'Invalid `names.resourceGroup`: "rg."'],
    [{ names: { imageRepository: "Web" } }, 'Invalid `imageRepository`: "Web"'],
    [{ minReplicas: 5, maxReplicas: 3 }, "Invalid `minReplicas`: 5; must not exceed maxReplicas (3)."],
    [{ concurrency: 0 }, "Invalid `concurrency`: 0; must be an integer from 1 to 10000."],
    [{ concurrency: -10 }, "Invalid `concurrency`: -10"],
    [{ cpu: 0.5, memory: "2Gi" }, 'Invalid `memory`: "2Gi"; ACA\'s Consumption profile pairs 0.5 cores with 1Gi (2 GiB per core).'],
    [{ cpu: 3.1, memory: "6.2Gi" }, "Invalid `cpu`: 3.1"],
    [{ targetPort: 0 }, "Invalid `targetPort`: 0; must be an integer from 1 to 65535."],
    [{ image: DIGEST_REF, appPath: "." }, "only one of `image` or `appPath` may be set"],
    [{ image: "nginx:latest" }, "must be pinned by digest"],
    [{ appPath: "/definitely/not/here" }, 'Invalid `appPath`: "/definitely/not/here"; must be an existing directory'],
    [{ logRetentionInDays: 1000 }, "Invalid `logRetentionInDays`: 1000"],
    [{ tags: { "a/b": "c" } }, "a tag name must be 1-512 characters"],
    [{ registrySku: "Gold" as never }, "must be one of Basic, Standard, Premium"],
    [{ traffic: [{ latestRevision: true, weight: 90 }] }, "weights must sum to 100, not 90"],
    [{ terminationGracePeriodSeconds: 900 }, "Invalid `terminationGracePeriodSeconds`: 900"],
    [{ probes: { readiness: { path: "ready" } } }, 'Invalid `probes.readiness.path`: "ready"'],
    [{ environmentKind: "v1" as never }, 'Invalid `environmentKind`: "v1"; must be one of workload-profiles, consumption-only'],
  ] as Array<[PublicContainerAppArgs, string]>)("refuses %j before any resource is registered", async (args, message) => {
    const failure = await failureOf(args);
    expect(failure.message).toContain(message);
    expect(failure.recording.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

describe("PublicContainerApp args given as Outputs", () => {
  it.each(RUN_MODES)("names, sizes and labels its resources from Outputs, in %s", async (_mode, preview) => {
    const { recording } = await deploy(
      {
        names: { resourceGroup: KNOWN_LATER("rg-orders"), environment: KNOWN_LATER("cae-orders"), containerApp: KNOWN_LATER("ca-orders"), identity: KNOWN_LATER("id-orders") },
        // A ready image: a built one's digest is unknown in a preview, and with it the whole template.
        image: DIGEST_REF,
        cpu: KNOWN_LATER(1),
        memory: KNOWN_LATER("2Gi"),
        serviceName: KNOWN_LATER("orders-api"),
      },
      { preview },
    );
    expect(recording.one(T.group).inputs.resourceGroupName).toBe("rg-orders");
    expect(recording.one(T.environment).inputs.environmentName).toBe("cae-orders");
    expect(recording.one(T.identity).inputs.resourceName).toBe("id-orders");
    const app = appOf(recording);
    expect(app.inputs.containerAppName).toBe("ca-orders");
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 1, memory: "2Gi" });
    expect(app.inputs.template.containers[0].env).toContainEqual({ name: "OTEL_SERVICE_NAME", value: "orders-api" });
  });

  it("runs a ready image from its own registry named by an Output, pulled with its identity", async () => {
    const image = `crorders.azurecr.io/orders@sha256:${"f".repeat(64)}`;
    const { recording } = await deploy({ names: { registry: KNOWN_LATER("crorders") }, image });
    expect(recording.one(T.registry).inputs.registryName).toBe("crorders");
    const app = appOf(recording);
    expect(app.inputs.template.containers[0].image).toBe(image);
    expect(app.inputs.configuration.registries).toEqual([{ server: "crorders.azurecr.io", identity: recording.one(T.identity).id }]);
  });

  it("builds and pushes to a repository named by an Output in a registry named by an Output", async () => {
    const { recording, exchanges } = await deploy({ names: { registry: KNOWN_LATER("crorders"), imageRepository: KNOWN_LATER("shop/orders") } });
    expect(recording.one(T.image).inputs.tags).toEqual([expect.stringMatching(/^crorders\.azurecr\.io\/shop\/orders:build-/), "crorders.azurecr.io/shop/orders:latest"]);
    expect(exchanges.map((request) => request.loginServer)).toEqual(["crorders.azurecr.io"]);
    expect(appOf(recording).inputs.template.containers[0].image).toMatch(/^crorders\.azurecr\.io\/shop\/orders@sha256:/);
  });
});
