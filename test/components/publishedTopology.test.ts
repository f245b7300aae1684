import * as path from "node:path";
import { Recording, record } from "../harness/recorder";
import { runPlan } from "./support";

/**
 * A published multi-service topology nobody here wrote, expressed with one ContainerAppsPlatform and one
 * ContainerAppService per app: Azure-Samples/container-apps-store-api-microservice, deploy/main.bicep
 * (three apps on one environment) and deploy/container-http.bicep (each app: Dapr on with its name as app id
 * and its container port as app port, ingress external or internal).
 * https://github.com/Azure-Samples/container-apps-store-api-microservice/blob/main/deploy/main.bicep
 * https://github.com/Azure-Samples/container-apps-store-api-microservice/blob/main/deploy/container-http.bicep
 * (read at commits 0c0eb29878ee59d62b8a00052b3d95a485a5bb86 and 0a07b4d8c056227d093cf26697222b65dca25f83).
 * The program, and what of the sample it leaves out and why, is test/fixtures/programs/store-microservices.
 */
const PROGRAM = "test/fixtures/programs/store-microservices";

/** The sample's apps: name (= Dapr app id), container port (= ingress target port = Dapr app port), external ingress. */
const SAMPLE_APPS = [
  { name: "node-app", port: 3000, external: true },
  { name: "python-app", port: 5000, external: false },
  { name: "go-app", port: 8050, external: false },
];

const T = {
  environment: "azure-native:app:ManagedEnvironment",
  app: "azure-native:app:ContainerApp",
  registry: "azure-native:containerregistry:Registry",
};

describe("the store microservices sample on one platform", () => {
  let recording: Recording;

  beforeAll(async () => {
    recording = await record(
      async () => {
        jest.resetModules();
        return import(path.resolve(__dirname, "..", "..", PROGRAM));
      },
      { project: "store-microservices" },
    );
  });

  it("has the sample's three apps, all in the one environment, and one registry", () => {
    expect(recording.ofType(T.environment)).toHaveLength(1);
    expect(recording.ofType(T.registry)).toHaveLength(1);
    const apps = recording.ofType(T.app);
    expect(apps.map((app) => app.inputs.containerAppName).sort()).toEqual(SAMPLE_APPS.map((app) => app.name).sort());
    const environment = recording.one(T.environment);
    for (const app of apps) expect(app.propertyDependencies.managedEnvironmentId).toEqual([environment.urn]);
  });

  it.each(SAMPLE_APPS)("exposes $name as the sample does, with its Dapr app id and port", ({ name, port, external }) => {
    const app = recording.ofType(T.app).find((candidate) => candidate.inputs.containerAppName === name)!;
    expect(app.inputs.configuration.ingress).toMatchObject({ external, targetPort: port, allowInsecure: false });
    expect(app.inputs.configuration.dapr).toMatchObject({ enabled: true, appId: name, appPort: port });
    expect(app.inputs.template.scale.minReplicas).toBe(0);
  });

  it("tells the store API the other two apps' Dapr app ids, as the sample does", () => {
    const api = recording.ofType(T.app).find((candidate) => candidate.inputs.containerAppName === "node-app")!;
    expect(api.inputs.template.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "ORDER_SERVICE_NAME", value: "python-app" },
        { name: "INVENTORY_SERVICE_NAME", value: "go-app" },
      ]),
    );
  });

  it("pulls every image from the platform's registry with the app's own identity, where the sample used a registry password", () => {
    const loginServer = `${String(recording.one(T.registry).inputs.registryName).toLowerCase()}.azurecr.io`;
    for (const app of recording.ofType(T.app)) {
      expect(app.inputs.configuration.registries).toEqual([{ server: loginServer, identity: expect.stringContaining("/userAssignedIdentities/") }]);
      expect(app.inputs.configuration.secrets ?? []).toEqual([]);
    }
  });
});

describe("the store microservices sample under the policy pack", () => {
  it.each([
    ["preview", []],
    ["update", ["--mode", "update"]],
  ])("passes every mandatory rule of the public baseline in the offline plan at %s", async (mode, args) => {
    const run = await runPlan(PROGRAM, ...args);
    expect(run.stderr).toBe("");
    expect(run.lines[0]).toContain(`${mode}, baseline public`);
    expect(run.lines).not.toContainEqual(expect.stringMatching(/FAIL$/));
    expect(run.lines).toContainEqual(expect.stringMatching(/^19 resources, 0 mandatory violations/));
    expect(run.lines).toContain("Policies passed.");
    expect(run.code).toBe(0);
  }, 300_000);
});
