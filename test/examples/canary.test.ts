import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError, RecordedResource, Recording, record } from "../harness/recorder";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const CANARY = path.join(EXAMPLES, "canary");
const PUBLIC = path.join(EXAMPLES, "public");
const PROJECT = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(CANARY, "Pulumi.yaml"), "utf8"))![1]!;
// A public image: the app pulls it anonymously, so no registry has to be declared for it.
const DIGEST_REF = `mcr.microsoft.com/k8se/quickstart@sha256:${"ab".repeat(32)}`;
const CONTAINER_APP = "azure-native:app:ContainerApp";

/** Stack config as `pulumi config set <key> <value>` stores it for this project. */
function stackConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${PROJECT}:${key}`, value]));
}

function run(example: string, config: Record<string, string>, preview = false): Promise<Recording> {
  return record(
    async () => {
      jest.resetModules();
      return import(example);
    },
    { project: PROJECT, preview, config: stackConfig(config) },
  );
}

async function failureOf(config: Record<string, string>): Promise<ProgramError> {
  const outcome = await run(CANARY, config).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ProgramError)) throw new Error(`Expected the program to fail, got ${String(outcome)}`);
  return outcome;
}

/** The container app's inputs without what the canary changes: revision mode, traffic and revision suffix. */
function withoutRelease(inputs: RecordedResource["inputs"]): Record<string, unknown> {
  const { activeRevisionsMode: _mode, ingress, ...configuration } = inputs.configuration;
  const { traffic: _traffic, ...ingressRest } = ingress;
  const { revisionSuffix: _suffix, ...template } = inputs.template;
  return { ...inputs, configuration: { ...configuration, ingress: ingressRest }, template };
}

describe("the canary example", () => {
  let fetchSpy: jest.SpyInstance;

  beforeEach(() => {
    // The program builds the bundled service and exchanges the deployer's token; the registry answers in-process.
    fetchSpy = jest
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => new Response(JSON.stringify({ refresh_token: "example-refresh-token" }), { status: 200, headers: { "content-type": "application/json" } }));
  });

  afterEach(() => fetchSpy.mockRestore());

  it("is the project whose config keys the tests set", () => {
    expect(PROJECT).toBe("aca-canary");
  });

  it("sends 10% to the new revision and 90% to the stable one, each under its own label", async () => {
    const recording = await run(CANARY, { canaryWeight: "10", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" });
    const app = recording.one(CONTAINER_APP);
    expect(app.inputs.configuration.activeRevisionsMode).toBe("Multiple");
    expect(app.inputs.configuration.ingress.traffic).toEqual([
      { revisionName: "ca-web-test--v1", weight: 90, label: "stable" },
      { revisionName: "ca-web-test--v2", weight: 10, label: "canary" },
    ]);
    expect(app.inputs.template.revisionSuffix).toBe("v2");
    expect(app.inputs.containerAppName).toBe("ca-web-test");

    const fqdn = /^https:\/\/(.+)$/.exec(recording.stackOutputs.url as string)![1]!;
    const [host, ...domain] = fqdn.split(".");
    expect(host).toBe("ca-web-test");
    expect(recording.stackOutputs).toMatchObject({
      canaryUrl: `https://ca-web-test---canary.${domain.join(".")}`,
      labelUrls: { canary: `https://ca-web-test---canary.${domain.join(".")}`, stable: `https://ca-web-test---stable.${domain.join(".")}` },
      canaryRevision: "ca-web-test--v2",
      weights: { "ca-web-test--v1": 90, "ca-web-test--v2": 10 },
    });
  });

  it("leaves the rest of the public topology as the public example builds it", async () => {
    const canary = await run(CANARY, { canaryWeight: "25", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" });
    const baseline = await run(PUBLIC, {});
    const shape = (recording: Recording) =>
      recording.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        parent: resource.parent,
        dependencies: [...resource.dependencies].sort(),
        propertyDependencies: resource.propertyDependencies,
        inputs: resource.type === CONTAINER_APP ? withoutRelease(resource.inputs) : resource.inputs,
      }));
    expect(shape(canary)).toEqual(shape(baseline));
    expect(baseline.one(CONTAINER_APP).inputs.configuration.activeRevisionsMode).toBe("Single");
    const canaryApp = canary.one(CONTAINER_APP);
    expect(canary.waitsFor(canaryApp, canary.one("azure-native:authorization:RoleAssignment"))).toBe(true);
  });

  it("registers the same topology in a preview, where the app's configuration and template are not yet known", async () => {
    const config = { canaryWeight: "10", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" };
    const preview = await run(CANARY, config, true);
    const update = await run(CANARY, config);
    expect(preview.typeCounts()).toEqual(update.typeCounts());
    const app = preview.one(CONTAINER_APP);
    expect(app.id).toBeUndefined();
    // They hold the environment id and the image digest, so the whole objects are unknown, as in `pulumi preview`.
    expect(app.wireInputs.configuration).toBe(pulumi.runtime.unknownValue);
    expect(app.wireInputs.template).toBe(pulumi.runtime.unknownValue);
    expect(app.inputs.containerAppName).toBe("ca-web-test");
  });

  it.each([
    [
      "promotes fully while keeping the stable revision active at 0%",
      { canaryWeight: "100", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" },
      [
        { revisionName: "ca-web-test--v1", weight: 0, label: "stable" },
        { revisionName: "ca-web-test--v2", weight: 100, label: "canary" },
      ],
    ],
    ["serves only the new revision once the stable entry is dropped", { canaryWeight: "100", revisionSuffix: "v2" }, [{ revisionName: "ca-web-test--v2", weight: 100, label: "canary" }]],
    [
      "rolls back by sending everything to the stable revision",
      { canaryWeight: "0", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" },
      [
        { revisionName: "ca-web-test--v1", weight: 100, label: "stable" },
        { revisionName: "ca-web-test--v2", weight: 0, label: "canary" },
      ],
    ],
  ])("%s", async (_stage, config, traffic) => {
    const recording = await run(CANARY, config);
    const app = recording.one(CONTAINER_APP);
    expect(app.inputs.configuration.activeRevisionsMode).toBe("Multiple");
    expect(app.inputs.configuration.ingress.traffic).toEqual(traffic);
    expect(recording.stackOutputs.weights).toEqual(Object.fromEntries(traffic.map((entry) => [entry.revisionName, entry.weight])));
    expect(Object.keys(recording.stackOutputs.labelUrls as object).sort()).toEqual(traffic.map((entry) => entry.label).sort());
  });

  it("releases a given image by digest instead of building the bundled service", async () => {
    const recording = await run(CANARY, { canaryWeight: "10", stableRevision: "ca-web-test--v1", revisionSuffix: "v2", image: DIGEST_REF });
    expect(recording.ofType("docker-build:index:Image")).toEqual([]);
    expect(recording.one(CONTAINER_APP).inputs.template.containers[0].image).toBe(DIGEST_REF);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it.each([
    [{ canaryWeight: "150", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" }, 'Invalid stack config `aca-canary:canaryWeight`: "150"; must be an integer from 0 to 100'],
    [{ canaryWeight: "-5", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" }, 'Invalid stack config `aca-canary:canaryWeight`: "-5"'],
    [{ canaryWeight: "10.5", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" }, 'Invalid stack config `aca-canary:canaryWeight`: "10.5"'],
    [{ canaryWeight: "ten", stableRevision: "ca-web-test--v1", revisionSuffix: "v2" }, 'Invalid stack config `aca-canary:canaryWeight`: "ten"'],
    [{ stableRevision: "ca-web-test--v1", revisionSuffix: "v2" }, "Invalid stack config `aca-canary:canaryWeight`: not set; must be an integer from 0 to 100"],
    [
      { canaryWeight: "10", revisionSuffix: "v2" },
      "Invalid stack config `aca-canary:stableRevision`: not set; is required while canaryWeight is below 100: the remaining 90% must go to the revision serving production now.",
    ],
    [{ canaryWeight: "0", revisionSuffix: "v2" }, "Invalid stack config `aca-canary:stableRevision`: not set; is required while canaryWeight is below 100"],
    [{ canaryWeight: "10", stableRevision: "ca-web-test--v1" }, "Invalid stack config `aca-canary:revisionSuffix`: not set; is required"],
    [
      { canaryWeight: "10", stableRevision: "ca-web-test--v1", revisionSuffix: "V2" },
      'Invalid stack config `aca-canary:revisionSuffix`: "V2"; must be 1-32 lowercase letters, digits and hyphens',
    ],
    [
      { canaryWeight: "10", stableRevision: "ca-api--v1", revisionSuffix: "v2" },
      'Invalid stack config `aca-canary:stableRevision`: "ca-api--v1"; must be a revision of this app, `ca-web-test--<suffix>`.',
    ],
    [{ canaryWeight: "10", stableRevision: "ca-web-test--", revisionSuffix: "v2" }, 'Invalid stack config `aca-canary:stableRevision`: "ca-web-test--"'],
    [
      { canaryWeight: "10", stableRevision: "ca-web-test--v2", revisionSuffix: "v2" },
      'Invalid stack config `aca-canary:stableRevision`: "ca-web-test--v2"; must differ from the revision this deployment creates',
    ],
    [
      { canaryWeight: "10", stableRevision: "ca-web-test--v1", revisionSuffix: "v2", image: "myregistry.azurecr.io/web:latest" },
      'Invalid stack config `aca-canary:image`: "myregistry.azurecr.io/web:latest"; must be pinned by digest',
    ],
  ])("refuses %j before any cloud resource is registered", async (config, message) => {
    const failure = await failureOf(config);
    expect(failure.message).toContain(message);
    expect(failure.recording.cloudResources).toEqual([]);
    expect(failure.recording.ofType("pulumi-aca:index:PublicContainerApp")).toEqual([]);
  });
});
