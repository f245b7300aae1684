import * as pulumi from "@pulumi/pulumi";
import { ProgramError, promiseOf, record } from "../harness/recorder";
import type { ContainerAppArgs } from "../../components/containerApp";
import { underHost } from "./host";

const APP = "azure-native:app:ContainerApp";
const IMAGE = `crweb123.azurecr.io/web@sha256:${"c".repeat(64)}`;
const IDENTITY_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-web";
const VAULT_URL = "https://kv-web.vault.azure.net/secrets/db-password";

function baseArgs(): ContainerAppArgs {
  return {
    resourceGroupName: "rg",
    containerAppName: "ca-web",
    environmentId: "/subscriptions/s/environments/cae-web",
    image: IMAGE,
    registryServer: "crweb123.azurecr.io",
    identityId: IDENTITY_ID,
  };
}

async function appWith(args: Partial<ContainerAppArgs>, preview = false) {
  let url: Promise<string | undefined> | undefined;
  const recording = await record(
    async () => {
      const { createContainerApp } = await import("../../components/containerApp");
      url = promiseOf(createContainerApp("web", { ...baseArgs(), ...args }, underHost()).url);
    },
    { preview },
  );
  return { recording, app: recording.one(APP), url: await url };
}

async function failureOf(args: Partial<ContainerAppArgs>): Promise<ProgramError> {
  const failure = await appWith(args).catch((error: unknown) => error);
  if (!(failure instanceof ProgramError)) throw new Error("expected the program to fail");
  expect(failure.recording.cloudResources).toEqual([]);
  return failure;
}

describe("the container app block", () => {
  it("serves HTTPS-only ingress on port 8000 and returns its URL", async () => {
    const { app, url } = await appWith({});
    expect(app.inputs.configuration.ingress).toEqual({ external: true, targetPort: 8000, transport: "auto", allowInsecure: false });
    expect(url).toMatch(/^https:\/\/ca-web\..*\.azurecontainerapps\.io$/);
  });

  it("probes liveness on /health, readiness on /ready and startup on /health", async () => {
    const { app } = await appWith({});
    const probes = app.inputs.template.containers[0].probes;
    expect(probes.map((probe: { type: string; httpGet: { path: string; port: number } }) => [probe.type, probe.httpGet.path, probe.httpGet.port])).toEqual([
      ["Liveness", "/health", 8000],
      ["Readiness", "/ready", 8000],
      ["Startup", "/health", 8000],
    ]);
    const startup = probes[2];
    expect(startup.failureThreshold * startup.periodSeconds).toBeGreaterThanOrEqual(30);
  });

  it("keeps every probe value inside the ContainerApps API's ranges, one probe per type", async () => {
    const { app } = await appWith({});
    const probes = app.inputs.template.containers[0].probes as Array<Record<string, number | string>>;
    expect(new Set(probes.map((probe) => probe.type)).size).toBe(probes.length);
    const ranges: Record<string, [number, number]> = {
      initialDelaySeconds: [1, 60],
      periodSeconds: [1, 240],
      timeoutSeconds: [1, 240],
      failureThreshold: [1, 10],
      successThreshold: [1, 10],
    };
    const outside = probes.flatMap((probe) =>
      Object.entries(ranges)
        .filter(([field, [min, max]]) => !(Number(probe[field]) >= min && Number(probe[field]) <= max))
        .map(([field]) => `${String(probe.type)}.${field}=${String(probe[field])}`),
    );
    expect(outside).toEqual([]);
  });

  it("runs 0.5 CPU / 1Gi, scales 0-3 on 100 concurrent requests, and waits 30 s after SIGTERM", async () => {
    const { app } = await appWith({});
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 0.5, memory: "1Gi" });
    expect(app.inputs.template.scale).toEqual({
      minReplicas: 0,
      maxReplicas: 3,
      rules: [{ name: "http-concurrency", http: { metadata: { concurrentRequests: "100" } } }],
    });
    expect(app.inputs.template.terminationGracePeriodSeconds).toBe(30);
    expect(app.inputs.workloadProfileName).toBe("Consumption");
    expect(app.inputs.configuration.activeRevisionsMode).toBe("Single");
  });

  it("names no workload profile in a consumption-only environment, which has none", async () => {
    const { app } = await appWith({ environmentKind: "consumption-only" });
    expect(app.inputs.workloadProfileName).toBeUndefined();
    expect(app.inputs.managedEnvironmentId).toBe("/subscriptions/s/environments/cae-web");
    expect(app.inputs.template.containers[0].resources).toEqual({ cpu: 0.5, memory: "1Gi" });
  });

  it("pulls with the user-assigned identity and also gets a system-assigned identity", async () => {
    const { app } = await appWith({});
    expect(app.inputs.configuration.registries).toEqual([{ server: "crweb123.azurecr.io", identity: IDENTITY_ID }]);
    expect(app.inputs.identity).toEqual({ type: "SystemAssigned,UserAssigned", userAssignedIdentities: [IDENTITY_ID] });
    expect(JSON.stringify(app.inputs.configuration.registries)).not.toMatch(/password/i);
  });

  it("declares secrets as Key Vault references read by the identity and passes them by secretRef", async () => {
    const { app } = await appWith({ secrets: [{ name: "db-password", keyVaultUrl: VAULT_URL, env: "DB_PASSWORD" }], env: { LOG_LEVEL: "info" } });
    expect(app.inputs.configuration.secrets).toEqual([{ name: "db-password", keyVaultUrl: VAULT_URL, identity: IDENTITY_ID }]);
    expect(app.inputs.template.containers[0].env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", secretRef: "db-password" },
    ]);
    expect(app.secretPaths).toEqual([]);
  });

  it("accepts a Key Vault URL known only at deploy time", async () => {
    const { app } = await appWith({ secrets: [{ name: "db", keyVaultUrl: pulumi.output(VAULT_URL) }] });
    expect(app.inputs.configuration.secrets[0].keyVaultUrl).toBe(VAULT_URL);
  });

  it("waits for the resources named in dependsOn", async () => {
    const recording = await record(async () => {
      const authorization = await import("@pulumi/azure-native/authorization");
      const { createContainerApp } = await import("../../components/containerApp");
      const opts = underHost();
      const grant = new authorization.RoleAssignment("grant", { principalId: "p", roleDefinitionId: "r", scope: "s" }, opts);
      createContainerApp("web", { ...baseArgs(), dependsOn: [grant] }, opts);
    });
    const app = recording.one(APP);
    expect(recording.waitsFor(app, recording.one("azure-native:authorization:RoleAssignment"))).toBe(true);
  });

  it("splits traffic between revisions in multiple-revision mode", async () => {
    const { app } = await appWith({
      revisionSuffix: "v2",
      traffic: [
        { revisionName: "ca-web--v1", weight: 90 },
        { latestRevision: true, weight: 10, label: "canary" },
      ],
    });
    expect(app.inputs.configuration.activeRevisionsMode).toBe("Multiple");
    expect(app.inputs.template.revisionSuffix).toBe("v2");
    expect(app.inputs.configuration.ingress.traffic).toEqual([
      { revisionName: "ca-web--v1", weight: 90 },
      { latestRevision: true, weight: 10, label: "canary" },
    ]);
  });

  it("turns on Dapr with the app's name and port, and internal ingress when asked", async () => {
    const { app } = await appWith({ dapr: {}, external: false, targetPort: 3000 });
    expect(app.inputs.configuration.dapr).toEqual({ enabled: true, appId: "ca-web", appPort: 3000, appProtocol: "http", enableApiLogging: false });
    expect(app.inputs.configuration.ingress).toMatchObject({ external: false, targetPort: 3000, allowInsecure: false });
  });

  it("overrides probes field by field", async () => {
    const { app } = await appWith({ probes: { readiness: { path: "/readyz", periodSeconds: 2 } } });
    const readiness = app.inputs.template.containers[0].probes[1];
    expect(readiness).toMatchObject({ type: "Readiness", httpGet: { path: "/readyz" }, periodSeconds: 2, failureThreshold: 3 });
  });

  it("is registered with the same shape in preview", async () => {
    const { app } = await appWith({}, true);
    expect(app.inputs.configuration.ingress.allowInsecure).toBe(false);
    expect(app.inputs.template.containers[0].image).toBe(IMAGE);
  });

  it.each([
    [{ containerAppName: "Web_App" }, 'Invalid `containerAppName`: "Web_App"'],
    [{ targetPort: 70000 }, "Invalid `targetPort`: 70000; must be an integer from 1 to 65535."],
    [{ cpu: 1, memory: "1Gi" }, 'Invalid `memory`: "1Gi"; ACA\'s Consumption profile pairs 1 cores with 2Gi'],
    [{ minReplicas: 4, maxReplicas: 2 }, "Invalid `minReplicas`: 4; must not exceed maxReplicas (2)."],
    [{ concurrency: 0 }, "Invalid `concurrency`: 0; must be an integer from 1 to 10000."],
    [{ terminationGracePeriodSeconds: -1 }, "Invalid `terminationGracePeriodSeconds`: -1"],
    [{ probes: { liveness: { path: "health" } } }, 'Invalid `probes.liveness.path`: "health"'],
    [{ probes: { readiness: { initialDelaySeconds: 0 } } }, "Invalid `probes.readiness.initialDelaySeconds`: 0; must be an integer from 1 to 60."],
    [{ probes: { liveness: { initialDelaySeconds: 61 } } }, "Invalid `probes.liveness.initialDelaySeconds`: 61; must be an integer from 1 to 60."],
    [{ probes: { liveness: { periodSeconds: 241 } } }, "Invalid `probes.liveness.periodSeconds`: 241; must be an integer from 1 to 240."],
    [{ probes: { startup: { successThreshold: 2 } } }, "Invalid `probes.startup.successThreshold`: 2; must be an integer from 1 to 1."],
    [{ probes: { readiness: { failureThreshold: 11 } } }, "Invalid `probes.readiness.failureThreshold`: 11"],
    [{ env: { "BAD-NAME": "x" } }, "Invalid `env.BAD-NAME`"],
    [{ secrets: [{ name: "Db", keyVaultUrl: VAULT_URL }] }, 'Invalid `secrets[0].name`: "Db"'],
    [{ secrets: [{ name: "db", keyVaultUrl: "https://example.com/db" }] }, "Invalid `secrets[0].keyVaultUrl`"],
    [{ secrets: [{ name: "db", keyVaultUrl: VAULT_URL, value: "hunter2" } as never] }, "inline secret values are not accepted"],
    [
      {
        secrets: [
          { name: "db", keyVaultUrl: VAULT_URL },
          { name: "db", keyVaultUrl: VAULT_URL },
        ],
      },
      "secret names must be unique",
    ],
    [{ env: { DB: "x" }, secrets: [{ name: "db", keyVaultUrl: VAULT_URL, env: "DB" }] }, "environment variable names must be unique"],
    [{ traffic: [{ latestRevision: true, weight: 50 }] }, "weights must sum to 100, not 50"],
    [{ dapr: { appPort: 0 } }, "Invalid `dapr.appPort`: 0"],
    [{ revisionSuffix: "V2" }, 'Invalid `revisionSuffix`: "V2"'],
    [{ environmentKind: "consumption" as never }, 'Invalid `environmentKind`: "consumption"; must be one of workload-profiles, consumption-only'],
  ] as Array<[Partial<ContainerAppArgs>, string]>)("refuses %j before registering anything", async (args, message) => {
    const failure = await failureOf(args);
    expect(failure.message).toContain(message);
    expect(failure.message).not.toContain("hunter2");
  });
});

describe("the replica defaults", () => {
  it("scale to zero, up to 3, outside zone redundancy", async () => {
    const { resolveContainerAppSettings } = await import("../../components/containerApp");
    expect(resolveContainerAppSettings({})).toMatchObject({ minReplicas: 0, maxReplicas: 3 });
  });

  it("keep one replica per zone in a zone-redundant environment, within a lower maxReplicas, and yield to explicit values", async () => {
    const { resolveContainerAppSettings } = await import("../../components/containerApp");
    expect(resolveContainerAppSettings({}, { zoneRedundant: true })).toMatchObject({ minReplicas: 3, maxReplicas: 3 });
    expect(resolveContainerAppSettings({ maxReplicas: 10 }, { zoneRedundant: true })).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(resolveContainerAppSettings({ maxReplicas: 2 }, { zoneRedundant: true })).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
    expect(resolveContainerAppSettings({ minReplicas: 0 }, { zoneRedundant: true })).toMatchObject({ minReplicas: 0, maxReplicas: 3 });
    expect(resolveContainerAppSettings({ minReplicas: 5 }, { zoneRedundant: true })).toMatchObject({ minReplicas: 5, maxReplicas: 5 });
  });
});
