import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AnalyzableResource, PolicyRunner, UNKNOWN, analyzerProperties, evaluate, reconcileConfig } from "./policyRunner";
import { record } from "./recorder";

const PACK = path.join(__dirname, "..", "fixtures", "policy-pack");
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const STACK = "urn:pulumi:test::fixture::pulumi:pulumi:Stack::fixture-test";
const LABELS = { "box-label-matches": { pattern: "^[a-z]+$" } };

function box(name: string, wireInputs: Record<string, unknown>, extra: Partial<AnalyzableResource> = {}): AnalyzableResource {
  return { urn: `urn:pulumi:test::fixture::fixture:index:Box::${name}`, type: "fixture:index:Box", name, custom: true, wireInputs, ...extra };
}

function owner(name: string): AnalyzableResource {
  return { urn: `urn:pulumi:test::fixture::fixture:index:Owner::${name}`, type: "fixture:index:Owner", name, custom: true, wireInputs: {} };
}

async function eventually<T>(read: () => T | undefined, timeoutMs = 5_000): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the offline policy runner", () => {
  let runner: PolicyRunner;

  beforeAll(async () => {
    runner = await PolicyRunner.start({ packDir: PACK, startTimeoutMs: 90_000 });
    await runner.configure(LABELS);
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
  });

  it("starts the pack through run-policy-pack and reads its rules, levels and config schema", async () => {
    const info = await runner.analyzerInfo();
    expect(info.name).toBe("fixture-pack");
    expect(info.version).toBe("1.2.3");
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => [p.name, p.kind, p.enforcementLevel])).toEqual([
      ["box-private", "resource", "mandatory"],
      ["box-size-limit", "resource", "advisory"],
      ["box-label-matches", "resource", "mandatory"],
      ["box-echo", "resource", "advisory"],
      ["boxes-have-owners", "stack", "mandatory"],
    ]);
    expect(info.policies[1]?.configSchema?.properties.maxSize).toEqual({ type: "number", default: 10 });
    expect(info.policies[2]?.configSchema?.required).toEqual(["pattern"]);
    expect((await runner.pluginInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("reports a mandatory violation with the policy's description and message", async () => {
    const diagnostics = await runner.analyze(box("open", { publicAccess: true }));
    expect(diagnostics).toEqual([
      expect.objectContaining({
        policyName: "box-private",
        policyPackName: "fixture-pack",
        policyPackVersion: "1.2.3",
        enforcementLevel: "mandatory",
        message: "Boxes are never public.\nSet publicAccess to false.",
        urn: "urn:pulumi:test::fixture::fixture:index:Box::open",
      }),
    ]);
    expect(await runner.analyze(box("closed", { publicAccess: false }))).toEqual([]);
  });

  it("fills tunables with their schema defaults and applies a changed value", async () => {
    expect(await runner.analyze(box("medium", { size: 8 }))).toEqual([]);
    const large = await runner.analyze(box("large", { size: 12 }));
    expect(large.map((d) => [d.policyName, d.enforcementLevel])).toEqual([["box-size-limit", "advisory"]]);
    expect(large[0]?.message).toContain("Size 12 exceeds 10.");

    const sent = await runner.configure({ ...LABELS, "box-size-limit": { maxSize: 5, enforcementLevel: "mandatory" } });
    expect(sent["box-size-limit"]).toEqual({ enforcementLevel: "mandatory", properties: { maxSize: 5 } });
    try {
      const medium = await runner.analyze(box("medium", { size: 8 }));
      expect(medium.map((d) => [d.policyName, d.enforcementLevel])).toEqual([["box-size-limit", "mandatory"]]);
      expect(medium[0]?.message).toContain("Size 8 exceeds 5.");
    } finally {
      await runner.configure(LABELS);
    }
  });

  it("refuses config that misses a required property or has the wrong type, as the engine does", async () => {
    await expect(runner.configure({})).rejects.toThrow("box-label-matches: pattern is required");
    await expect(runner.configure({ ...LABELS, "box-size-limit": { maxSize: "big" } })).rejects.toThrow(
      'box-size-limit: maxSize: expected number, given "big"',
    );
    await expect(runner.configure({ all: "loud" as never })).rejects.toThrow('all: "loud" is not a valid enforcement level');
  });

  it("disables every rule with `all: disabled` and re-enables them with the next Configure", async () => {
    await runner.configure({ ...LABELS, all: "disabled" });
    try {
      expect(await runner.analyze(box("open", { publicAccess: true }))).toEqual([]);
    } finally {
      await runner.configure(LABELS);
    }
    expect(await runner.analyze(box("open", { publicAccess: true }))).toHaveLength(1);
  });

  it("hands secrets to policies as plain values and keeps options and the default provider", async () => {
    const parent = "urn:pulumi:test::fixture::fixture:index:Owner::team";
    const diagnostics = await runner.analyze(
      box("echo", { echo: true, password: { [SIG_KEY]: SECRET_SIG, value: "hunter2" } }, { protect: true, parent }),
    );
    expect(diagnostics.map((d) => d.message)).toEqual([
      `Echoes a box's password and options.\npassword="hunter2" protect=true parent=${parent} provider=default`,
    ]);
  });

  it("turns an unknown value into an advisory 'can't run during preview' instead of a violation", async () => {
    const diagnostics = await runner.analyze(box("pending", { size: UNKNOWN, publicAccess: UNKNOWN }));
    expect(diagnostics.every((d) => d.enforcementLevel === "advisory")).toBe(true);
    expect(diagnostics.map((d) => d.policyName).sort()).toEqual(["box-private", "box-size-limit"]);
    expect(diagnostics[0]?.message).toMatch(/can't run policy '.*' from policy pack 'fixture-pack@v1.2.3' during preview/);
  });

  it("collects what the pack logs through the engine service", async () => {
    await runner.analyze(box("chatty", { echo: true }));
    const message = await eventually(() => runner.logs.find((l) => l.message === "echo chatty"));
    expect(message).toEqual({ severity: "info", message: "echo chatty", urn: undefined });
  });

  it("connects resources for stack policies through dependencies, property dependencies and parents", async () => {
    const team = owner("team");
    const diagnostics = await runner.analyzeStack([
      team,
      box("by-dependency", {}, { dependencies: [team.urn] }),
      box("by-property", {}, { propertyDependencies: { ownerId: [team.urn] } }),
      box("by-parent", {}, { parent: team.urn }),
      box("orphan", {}, { parent: STACK }),
    ]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        policyName: "boxes-have-owners",
        enforcementLevel: "mandatory",
        message: "Every box depends on an owner or sits under one.\nBox orphan needs an owner.",
        urn: "urn:pulumi:test::fixture::fixture:index:Box::orphan",
      }),
    ]);
  });

  it("returns a remediation only when its policy is set to remediate, keeping secrets as secrets", async () => {
    const secret = { [SIG_KEY]: SECRET_SIG, value: "hunter2" };
    const open = box("open", { publicAccess: true, password: secret });
    expect(await runner.remediate(open)).toEqual([]);

    await runner.configure({ ...LABELS, "box-private": "remediate" });
    try {
      const remediations = await runner.remediate(open);
      expect(remediations).toEqual([
        { policyName: "box-private", description: "Boxes are never public.", properties: { publicAccess: false, password: secret }, diagnostic: undefined },
      ]);
    } finally {
      await runner.configure(LABELS);
    }
  });

  it("stops the pack process and refuses further calls", async () => {
    const second = await PolicyRunner.start({ packDir: PACK });
    expect(second.running).toBe(true);
    await second.stop();
    expect(second.running).toBe(false);
    await expect(second.analyzerInfo()).rejects.toThrow("stopped");
  }, 60_000);

  it("reports a pack that fails to start with its error output", async () => {
    const failing = path.join(__dirname, "..", "fixtures", "failing-policy-pack");
    await expect(PolicyRunner.start({ packDir: failing, startTimeoutMs: 30_000 })).rejects.toThrow(
      /did not start: exited with 32\n[^]*error: [^]*this pack refuses to start/,
    );
  }, 60_000);

  it("refuses a directory that is not a policy pack", async () => {
    await expect(PolicyRunner.start({ packDir: __dirname })).rejects.toThrow("it has no PulumiPolicy.yaml");
  });
});

describe("evaluating a recorded program", () => {
  it("remediates, analyzes every resource and the stack, and fails on a mandatory violation", async () => {
    const recording = await record(
      async () => {
        class Box extends pulumi.CustomResource {
          constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
            super("fixture:index:Box", name, props, opts);
          }
        }
        class Owner extends pulumi.CustomResource {
          constructor(name: string) {
            super("fixture:index:Owner", name, {});
          }
        }
        const team = new Owner("team");
        new Box("owned", { ownerId: team.id, label: "shelf", publicAccess: true, password: pulumi.secret("hunter2") });
        new Box("orphan", { label: "Shelf-2", size: 40 });
      },
      { preview: true, project: "fixture" },
    );
    const verdict = await evaluate(recording.resources, {
      packDir: PACK,
      config: { ...LABELS, "box-private": "remediate" },
    });

    expect(verdict.pack).toEqual({ name: "fixture-pack", version: "1.2.3" });
    expect(verdict.resources.map((r) => r.type).sort()).toEqual(["fixture:index:Box", "fixture:index:Box", "fixture:index:Owner", "pulumi:pulumi:Stack"]);
    const owned = verdict.resources.find((r) => r.name === "owned");
    const orphan = verdict.resources.find((r) => r.name === "orphan");
    expect(owned?.remediations.map((r) => r.policyName)).toEqual(["box-private"]);
    expect(owned?.diagnostics).toEqual([]);
    expect(orphan?.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["box-size-limit", "advisory"],
      ["box-label-matches", "mandatory"],
      ["boxes-have-owners", "mandatory"],
    ]);
    expect(verdict.mandatory.map((d) => d.policyName).sort()).toEqual(["box-label-matches", "boxes-have-owners"]);
    expect(verdict.logs.some((l) => l.message.startsWith("Running program"))).toBe(true);
    expect(verdict.passed).toBe(false);
    expect(verdict.timings.startupMs).toBeGreaterThan(0);
  }, 120_000);
});

describe("the engine's view of properties and config", () => {
  it("replaces resource references by id, or the unknown sentinel while the id is unknown, and drops internal keys", () => {
    const reference = (id?: string) => ({ [SIG_KEY]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", ...(id === undefined ? {} : { id }) });
    expect(analyzerProperties({ a: reference("id-1"), b: [reference("")], c: reference(), __defaults: [], d: 1 })).toEqual({
      a: "id-1",
      b: [UNKNOWN],
      c: "urn:x",
      d: 1,
    });
  });

  it("lets a policy's own entry win over `all` and keeps schema defaults it does not override", () => {
    const info = {
      name: "p",
      version: "1",
      displayName: "",
      description: "",
      supportsConfig: true,
      initialConfig: {},
      policies: [
        { name: "a", description: "", enforcementLevel: "advisory" as const, kind: "resource" as const, configSchema: { properties: { n: { type: "number", default: 1 }, s: { type: "string", default: "x" } }, required: [] } },
        { name: "b", description: "", enforcementLevel: "mandatory" as const, kind: "resource" as const },
      ],
    };
    const { config, errors } = reconcileConfig(info, { all: "advisory", a: { n: 2, enforcementLevel: "mandatory" } });
    expect(errors).toEqual([]);
    expect(config).toEqual({
      a: { enforcementLevel: "mandatory", properties: { n: 2, s: "x" } },
      b: { enforcementLevel: "advisory", properties: {} },
    });
  });
});
