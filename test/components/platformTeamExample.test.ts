import * as path from "node:path";
import { Recording, record } from "../harness/recorder";
import { RUN_MODES, runPlan } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "platform-team");
const T = {
  environment: "azure-native:app:ManagedEnvironment",
  registry: "azure-native:containerregistry:Registry",
  app: "azure-native:app:ContainerApp",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  image: "docker-build:index:Image",
};

function runExample(preview: boolean): Promise<Recording> {
  return record(
    async () => {
      jest.resetModules();
      return import(EXAMPLE);
    },
    { preview, project: "aca-platform-team" },
  );
}

describe.each(RUN_MODES)("the platform-team example in %s", (_mode, preview) => {
  let recording: Recording;
  let fetchSpy: jest.SpyInstance;

  beforeAll(async () => {
    // The build's push asks the registry for a refresh token; here it answers in-process.
    fetchSpy = jest
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => new Response(JSON.stringify({ refresh_token: "token" }), { status: 200, headers: { "content-type": "application/json" } }));
    recording = await runExample(preview);
  });

  afterAll(() => fetchSpy.mockRestore());

  it("is one platform with one environment and one registry, and three services", () => {
    expect(recording.ofType("pulumi-aca:index:ContainerAppsPlatform").map((r) => r.name)).toEqual(["team"]);
    expect(recording.ofType("pulumi-aca:index:ContainerAppService").map((r) => r.name).sort()).toEqual(["api", "orders", "worker"]);
    expect(recording.ofType(T.environment)).toHaveLength(1);
    expect(recording.ofType(T.registry)).toHaveLength(1);
    expect(recording.ofType(T.app)).toHaveLength(3);
    expect(recording.ofType(T.image)).toHaveLength(1);
  });

  it("runs every app in the one environment, each with its own identity granted AcrPull on the one registry before it exists", () => {
    const environment = recording.one(T.environment);
    const registry = recording.one(T.registry);
    for (const service of ["api", "orders", "worker"]) {
      const app = recording.named(`${service}-app`);
      expect(app.propertyDependencies.managedEnvironmentId).toEqual([environment.urn]);
      const identity = recording.named(`${service}-id`);
      const grant = recording.named(`${service}-acrpull`);
      expect(grant.propertyDependencies.scope).toEqual([registry.urn]);
      expect(grant.propertyDependencies.principalId).toEqual([identity.urn]);
      expect(app.dependencies).toContain(grant.urn);
    }
  });

  // A preview leaves the app's configuration unknown (azure-native fills its defaults in through an apply).
  const whenKnown = preview ? it.skip : it;

  whenKnown("exposes the API, keeps orders inside the environment and gives the worker no ingress", () => {
    const api = recording.named("api-app");
    const orders = recording.named("orders-app");
    const worker = recording.named("worker-app");
    expect(api.inputs.configuration.ingress).toMatchObject({ external: true, allowInsecure: false });
    expect(orders.inputs.configuration.ingress).toMatchObject({ external: false });
    expect(worker.inputs.configuration.ingress).toBeUndefined();
    expect(worker.inputs.template.scale.rules).toBeUndefined();
    expect(worker.inputs.workloadProfileName).toBe("batch");
    expect(api.inputs.configuration.dapr).toMatchObject({ enabled: true, appId: "api" });
    expect(orders.inputs.configuration.dapr).toMatchObject({ enabled: true, appId: "orders" });
    expect(api.inputs.template.containers[0].env).toContainEqual({ name: "ORDERS_APP_ID", value: "orders" });
  });

  whenKnown("pulls the image the orders service built, by digest, from the platform's registry with each app's identity", () => {
    const loginServer = `${String(recording.one(T.registry).inputs.registryName).toLowerCase()}.azurecr.io`;
    const images = ["api", "orders", "worker"].map((service) => recording.named(`${service}-app`).inputs.template.containers[0].image);
    expect(new Set(images).size).toBe(1);
    expect(images[0]).toMatch(new RegExp(`^${loginServer.replace(/\./g, "\\.")}/orders@sha256:[0-9a-f]{64}$`));
    for (const service of ["api", "orders", "worker"]) {
      const app = recording.named(`${service}-app`);
      expect(app.inputs.configuration.registries).toEqual([{ server: loginServer, identity: recording.named(`${service}-id`).id }]);
    }
  });

  it("gives the environment a Dedicated profile next to Consumption", () => {
    expect(recording.one(T.environment).inputs.workloadProfiles).toEqual([
      { name: "Consumption", workloadProfileType: "Consumption" },
      { name: "batch", workloadProfileType: "D4", minimumCount: 0, maximumCount: 2 },
    ]);
  });
});

describe("the platform-team example under the policy pack", () => {
  it("passes every mandatory rule of the public baseline in the offline plan", async () => {
    const run = await runPlan("examples/platform-team");
    expect(run.stderr).toBe("");
    const { lines } = run;
    expect(lines[0]).toContain("baseline public");
    expect(lines).not.toContainEqual(expect.stringMatching(/FAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^20 resources, 0 mandatory violations/));
    expect(lines).toContain("Policies passed.");
    expect(run.code).toBe(0);
  }, 300_000);
});
