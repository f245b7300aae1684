import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const BOXES = "test/fixtures/programs/boxes";
const FIXTURE_PACK = ["--policy-pack", "test/fixtures/policy-pack"];
const LABELS = ["--config", `${BOXES}/labels.policy-config.json`];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

function plan(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/plan.mjs", ...args],
      { cwd: ROOT, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, lines: stdout.split("\n") });
      },
    );
  });
}

/** The lines under a resource's line, up to the next resource line at the same or a lower depth. */
function block(lines: string[], resourceLine: RegExp): string[] {
  const start = lines.findIndex((line) => resourceLine.test(line));
  if (start < 0) throw new Error(`No line matches ${resourceLine}:\n${lines.join("\n")}`);
  const depth = lines[start]!.search(/\S/);
  const end = lines.findIndex((line, i) => i > start && (line.trim() === "" || (line.search(/\S/) <= depth + 2 && !/^\s+(mandatory|advisory|remediated) /.test(line))));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe("npm run plan", () => {
  it("prints the resource tree under each parent with the verdict per resource and exits 1 on a mandatory violation", async () => {
    const run = await plan(BOXES, ...FIXTURE_PACK, ...LABELS);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(`Plan of ${BOXES} (project boxes, stack dev, preview, baseline public) judged by fixture-pack@1.2.3`);
    expect(run.lines).toContainEqual(expect.stringMatching(/^pulumi:pulumi:Stack boxes-dev +ok$/));
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}fixture:index:Shelf kitchen +ok$/));
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {4}fixture:index:Box kitchen-box +ok$/));
    expect(block(run.lines, /^ {4}fixture:index:Box garage-box +FAIL$/)).toEqual([
      expect.stringMatching(/garage-box +FAIL$/),
      "        mandatory box-private: Set publicAccess to false.",
    ]);
    expect(block(run.lines, /^ {2}fixture:index:Box loose +FAIL$/)).toEqual([
      expect.stringMatching(/loose +FAIL$/),
      "      advisory box-size-limit: Size 20 exceeds 10.",
      '      mandatory box-label-matches: Label "Loose Box" must match ^[a-z]+$.',
      "      mandatory boxes-have-owners: Box loose needs an owner.",
    ]);
    expect(run.lines).toContain("8 resources, 3 mandatory violations on 2 resources, 1 advisory.");
    expect(run.lines).toContain("Policies failed: a mandatory policy is violated.");
  }, 200_000);

  it("exits 0 when a config file turns every rule advisory, and reads the stack's config", async () => {
    const lenient = await plan(BOXES, ...FIXTURE_PACK, "--config", `${BOXES}/lenient.policy-config.json`);
    expect(lenient.code).toBe(0);
    expect(lenient.lines).toContain("        advisory box-private: Set publicAccess to false.");
    expect(lenient.lines).toContain("Policies passed.");

    // Pulumi.dev.yaml opens the garage shelf; another stack leaves it closed.
    const other = await plan(BOXES, ...FIXTURE_PACK, ...LABELS, "--stack", "prod");
    expect(other.code).toBe(1);
    expect(other.lines).toContainEqual(expect.stringMatching(/^ {4}fixture:index:Box garage-box +ok$/));
    expect(other.lines[0]).toContain("stack prod");
  }, 200_000);

  it("prints the same verdict as JSON with --json", async () => {
    const run = await plan(BOXES, ...FIXTURE_PACK, ...LABELS, "--json");
    expect(run.code).toBe(1);
    const verdict = JSON.parse(run.stdout);
    expect(verdict).toMatchObject({ project: "boxes", stack: "dev", baseline: "public", passed: false, mandatoryViolations: 3 });
    expect(verdict.policyPack).toEqual({ name: "fixture-pack", version: "1.2.3" });
    const garage = verdict.resources.find((r: { name: string }) => r.name === "garage-box");
    expect(garage).toMatchObject({
      type: "fixture:index:Box",
      status: "FAIL",
      diagnostics: [{ policyName: "box-private", enforcementLevel: "mandatory", message: "Set publicAccess to false." }],
    });
    expect(garage.parent).toBe(verdict.resources.find((r: { name: string }) => r.name === "garage").urn);
    expect(verdict.timings.startupMs).toBeGreaterThan(0);
  }, 200_000);

  it("exits 2 with the reason when the config breaks the pack's schema, the directory is no program, or the arguments are wrong", async () => {
    const noConfig = await plan(BOXES, ...FIXTURE_PACK);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain("box-label-matches: pattern is required");

    const notAProgram = await plan("test/fixtures", ...FIXTURE_PACK);
    expect(notAProgram.code).toBe(2);
    expect(notAProgram.stderr).toContain("is not a Pulumi program: it has no Pulumi.yaml.");

    const badBaseline = await plan(BOXES, "--baseline", "internal");
    expect(badBaseline.code).toBe(2);
    expect(badBaseline.stderr).toContain('--baseline must be public or private, not "internal".');
    expect(badBaseline.stderr).toContain("Usage: pulumi-aca plan <program dir>");
  }, 200_000);
});

describe("npm run plan, preview and update", () => {
  const PREVIEW_PACK = ["--policy-pack", "test/fixtures/preview-pack"];

  it("shows a resource a rule could not judge at preview as not judged, never ok, and exits 0", async () => {
    const run = await plan(BOXES, ...PREVIEW_PACK);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe(`Plan of ${BOXES} (project boxes, stack dev, preview, baseline public) judged by preview-pack@2.0.0`);
    expect(block(run.lines, /^ {4}fixture:index:Box kitchen-box +not judged$/)).toEqual([
      expect.stringMatching(/kitchen-box +not judged$/),
      "        advisory preview-not-judged: not judged at preview: box-owner-is-owner: `ownerId` is unknown until the owner exists; judged again at `pulumi up` before the box is created.",
    ]);
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}fixture:index:Box loose +ok$/));
    expect(run.lines).toContain(
      "8 resources, 0 mandatory violations, 0 advisories, 2 resources not judged at preview (run with --mode update for the verdict `pulumi up` gives).",
    );
  }, 200_000);

  it("judges with the values Azure computes in --mode update, as pulumi up does before creating each resource", async () => {
    const run = await plan(BOXES, ...PREVIEW_PACK, "--mode", "update", "--json");
    expect(run.code).toBe(0);
    const verdict = JSON.parse(run.stdout);
    expect(verdict).toMatchObject({ mode: "update", passed: true });
    const kitchen = verdict.resources.find((r: { name: string }) => r.name === "kitchen-box");
    expect(kitchen).toMatchObject({ status: "ok", diagnostics: [] });
  }, 200_000);

  it("marks not-judged diagnostics in JSON and refuses an unknown mode", async () => {
    const run = await plan(BOXES, ...PREVIEW_PACK, "--json");
    const kitchen = JSON.parse(run.stdout).resources.find((r: { name: string }) => r.name === "kitchen-box");
    expect(kitchen).toMatchObject({ status: "not judged", diagnostics: [{ policyName: "preview-not-judged", notJudged: true }] });

    const badMode = await plan(BOXES, "--mode", "apply", "--json");
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--mode must be preview or update, not "apply".');
    expect(JSON.parse(badMode.stdout)).toEqual({ error: { kind: "usage", message: '--mode must be preview or update, not "apply".' } });
  }, 200_000);

  it("resolves paths given to npm run plan against the directory it is run from", async () => {
    const run = await new Promise<Run>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };
      delete env.INIT_CWD;
      execFile(
        "npm",
        ["run", "--silent", "plan", "--", "programs/boxes", "--policy-pack", "preview-pack", "--mode", "update"],
        { cwd: path.join(ROOT, "test", "fixtures"), env, timeout: 180_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr, lines: stdout.split("\n") }),
      );
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe("Plan of programs/boxes (project boxes, stack dev, update, baseline public) judged by preview-pack@2.0.0");
  }, 200_000);

  it("exits 2 naming the function when the program calls an invoke the plan cannot answer", async () => {
    const run = await plan("test/fixtures/programs/unanswered", ...PREVIEW_PACK, "--json");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("`azure-native:web:getWebApp`");
    expect(run.stderr).not.toContain("getManagedEnvironment");
    expect(JSON.parse(run.stdout)).toEqual({ error: { kind: "invoke", message: expect.stringContaining("`azure-native:web:getWebApp`") } });
  }, 200_000);
});

const realPack = fs.existsSync(path.join(ROOT, "policies", "index.ts"));
const publicExample = fs.existsSync(path.join(ROOT, "examples", "public", "index.ts"));
const privateExample = fs.existsSync(path.join(ROOT, "examples", "private", "index.ts"));

describe("npm run plan with the policy pack", () => {
  (realPack && publicExample ? it : it.skip)("passes examples/public under the public baseline", async () => {
    const run = await plan("examples/public", "--baseline", "public");
    expect(run.stderr).toBe("");
    expect(run.lines).toContain("Policies passed.");
    expect(run.code).toBe(0);
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}pulumi-aca:index:PublicContainerApp \S+ +(ok|advisory)$/));
    // At preview the app's configuration and template are unknown until the registry and image exist.
    expect(run.lines).toContainEqual(expect.stringMatching(/^ +azure-native:app:ContainerApp \S+ +not judged$/));
  }, 200_000);

  (realPack && publicExample ? it : it.skip)("judges examples/public's container app in update mode, as pulumi up does before creating it", async () => {
    const run = await plan("examples/public", "--baseline", "public", "--mode", "update");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.lines[0]).toContain("update");
    expect(run.lines).toContainEqual(expect.stringMatching(/^ +azure-native:app:ContainerApp \S+ +(ok|advisory)$/));
    expect(run.lines.some((line) => line.includes("not judged"))).toBe(false);
  }, 200_000);

  (realPack && privateExample ? it : it.skip)("passes examples/private under the private baseline", async () => {
    const run = await plan("examples/private", "--baseline", "private");
    expect(run.stderr).toBe("");
    expect(run.lines).toContain("Policies passed.");
    expect(run.code).toBe(0);
    expect(run.lines[0]).toContain("baseline private");
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}pulumi-aca:index:PrivateContainerApp \S+ +(ok|advisory)$/));
    expect(run.lines).toContainEqual(expect.stringMatching(/^ +azure-native:network:PrivateEndpoint \S+ +(ok|advisory)$/));
  }, 200_000);

  (realPack ? it : it.skip)("fails the insecure program with exit 1 and names the broken rules", async () => {
    const run = await plan("test/fixtures/programs/insecure", "--baseline", "public");
    expect(run.code).toBe(1);
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}azure-native:containerregistry:Registry registry +FAIL$/));
    expect(run.lines).toContainEqual(expect.stringMatching(/^ {2}azure-native:app:ContainerApp app +FAIL$/));
    expect(run.lines).toContain("Policies failed: a mandatory policy is violated.");
  }, 200_000);
});
