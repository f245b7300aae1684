/**
 * The package as users get it: `npm pack`, the tarball installed offline into a fresh program, and the
 * pack, the components' types and the plan command used from that program's node_modules.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AnalyzableResource, PolicyRunner, judge } from "../harness/policyRunner";
import { registry } from "../policies/fixtures";

const ROOT = path.join(__dirname, "..", "..");
const ROOT_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const NODE_DIR = path.dirname(process.execPath);
const MINUTES = 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command with this Node first on PATH (npm scripts and `#!/usr/bin/env node` bins use it). */
function run(command: string, args: string[], cwd: string, timeout = 10 * MINUTES): Promise<Run> {
  const began = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${NODE_DIR}${path.delimiter}${process.env.PATH ?? ""}`, npm_config_update_notifier: "false" };
  delete env.INIT_CWD;
  delete env.npm_lifecycle_event;
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
  });
}

const npm = (args: string[], cwd: string) => run("npm", [...args, "--no-audit", "--no-fund"], cwd);

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/**
 * The consumer's package.json and package-lock.json, as `npm install <tarball>` would write them, pinned to
 * the versions this repository locks. `npm ci` fills the npm cache with package tarballs but not with the
 * registry's version lists, so an offline install must start from a lockfile; npm then takes every package
 * from the cache, checked against the lockfile's integrity.
 */
function consumerManifests(tarball: string): { manifest: unknown; lock: unknown } {
  const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; bin: unknown };
  const dependency = `file:../${path.basename(tarball)}`;
  const manifest = { name: "consumer", version: "1.0.0", private: true, main: "index.ts", dependencies: { [ROOT_PACKAGE.name]: dependency } };
  const packages: Record<string, unknown> = {
    "": { name: "consumer", version: "1.0.0", dependencies: manifest.dependencies },
    [`node_modules/${ROOT_PACKAGE.name}`]: {
      version: ROOT_PACKAGE.version,
      resolved: dependency,
      dependencies: rootManifest.dependencies,
      bin: rootManifest.bin,
    },
  };
  for (const [key, entry] of Object.entries(rootLock.packages)) {
    if (key.startsWith("node_modules/") && !entry.dev && !entry.devOptional && !entry.link) packages[key] = entry;
  }
  return { manifest, lock: { name: "consumer", version: "1.0.0", lockfileVersion: 3, requires: true, packages } };
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { PublicContainerApp } from "pulumi-aca";

const web = new PublicContainerApp("web", {});

export const url: pulumi.Output<string> = web.url;
`;

const MISTYPED = `import { PublicContainerApp } from "pulumi-aca";

new PublicContainerApp("web", { registrySku: 42 });
`;

const urn = (type: string, name: string) => `urn:pulumi:dev::consumer::${type}::${name}`;
const REGISTRY = "azure-native:containerregistry:Registry";
const goodRegistry: AnalyzableResource = { urn: urn(REGISTRY, "good"), type: REGISTRY, name: "good", custom: true, wireInputs: registry };
const badRegistry: AnalyzableResource = {
  urn: urn(REGISTRY, "bad"),
  type: REGISTRY,
  name: "bad",
  custom: true,
  wireInputs: { ...registry, adminUserEnabled: true },
};

describe("the packed package installed into a fresh program", () => {
  let work: string;
  let program: string;
  let tarball: string;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-aca-installed-"));
    program = path.join(work, "consumer");
    fs.mkdirSync(program);

    // `npm pack` runs `prepack`, which compiles the components, the pack and the plan to dist/.
    const packed = await npm(["pack", "--pack-destination", work], ROOT);
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    figures.packMs = packed.ms;
    tarball = path.join(work, `${ROOT_PACKAGE.name}-${ROOT_PACKAGE.version}.tgz`);

    const { manifest, lock } = consumerManifests(tarball);
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify(manifest, null, 2));
    fs.writeFileSync(path.join(program, "package-lock.json"), JSON.stringify(lock, null, 2));
    fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    fs.writeFileSync(path.join(program, "index.ts"), PROGRAM);
    // Offline, from the tarball and the npm cache. The program has no TypeScript of its own.
    // Install scripts would fetch provider plugins through the Pulumi CLI, which this test does not need.
    const installed = await npm(["ci", "--offline", "--ignore-scripts"], program);
    if (installed.code !== 0) throw new Error(`npm ci --offline failed:\n${installed.stderr}`);
    figures.installMs = installed.ms;
  }, 15 * MINUTES);

  afterAll(() => {
    console.log(`installed-package figures (ms): ${JSON.stringify(figures)}`);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("ships compiled JavaScript for the components, the pack and the plan, and no TypeScript source", async () => {
    const listed = await run("tar", ["-tzf", tarball], work);
    const files = listed.stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(
      expect.arrayContaining([
        "policies/PulumiPolicy.yaml",
        "policies/package.json",
        "policies/index.js",
        "dist/policies/index.js",
        "dist/components/index.js",
        "dist/components/index.d.ts",
        "dist/plan/cli.js",
      ]),
    );
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.startsWith("app/"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("policies/"))).not.toContain("policies/tsconfig.json");
    const installed = path.join(program, "node_modules", "pulumi-aca");
    const packManifest = JSON.parse(fs.readFileSync(path.join(installed, "policies", "package.json"), "utf8")) as { main: string; version: string };
    expect(packManifest.main).toBe("index.js");
    expect(packManifest.version).toBe(ROOT_PACKAGE.version);
  });

  it("ships every file app/Dockerfile copies into its build, so the components can build the bundled service", () => {
    const app = path.join(program, "node_modules", "pulumi-aca", "app");
    const dockerfile = fs.readFileSync(path.join(app, "Dockerfile"), "utf8");
    // `COPY [--flags] <source>... <destination>` from the build context; `COPY --from=<stage>` copies between stages.
    const sources = [...dockerfile.matchAll(/^COPY\s+(.+)$/gm)]
      .map((match) => match[1]!.split(/\s+/))
      .filter((words) => !words.some((word) => word.startsWith("--from=")))
      .flatMap((words) => words.filter((word) => !word.startsWith("--")).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "src"]));
    expect(sources.filter((source) => !fs.existsSync(path.join(app, source)))).toEqual([]);
    expect(fs.existsSync(path.join(app, ".dockerignore"))).toBe(true);
  });

  it("ships every file the bundled service's own npm scripts run, so its package.json promises nothing missing", () => {
    const app = path.join(program, "node_modules", "pulumi-aca", "app");
    const scripts = (JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const files = Object.values(scripts).flatMap((command) => [...command.matchAll(/\bnode\s+(\S+\.m?js)\b/g)].map((match) => match[1]!));
    expect(files).toEqual(expect.arrayContaining(["scripts/start.mjs", "scripts/dev.mjs"]));
    expect(files.filter((file) => !fs.existsSync(path.join(app, file)))).toEqual([]);
  });

  it("starts the pack from node_modules/pulumi-aca/policies as the CLI does, on a program without TypeScript, and judges over gRPC", async () => {
    expect(fs.existsSync(path.join(program, "node_modules", "typescript"))).toBe(false);
    const packDir = path.join(program, "node_modules", "pulumi-aca", "policies");
    const runner = await PolicyRunner.start({ packDir, env: { PULUMI_ACA_BASELINE: "public" } });
    figures.packStartupNoTypeScriptMs = runner.startupMs;
    try {
      const verdict = await judge(runner, [goodRegistry, badRegistry], { stack: { project: "consumer", stack: "dev" } });
      expect(verdict.pack).toEqual({ name: "pulumi-aca", version: ROOT_PACKAGE.version });
      const [good, bad] = verdict.resources;
      expect(good!.diagnostics.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
      expect(bad!.diagnostics).toContainEqual(expect.objectContaining({ policyName: "acr-admin-user-disabled", enforcementLevel: "mandatory" }));
      expect(verdict.passed).toBe(false);
    } finally {
      await runner.stop();
    }
  }, 5 * MINUTES);

  it("type-checks a program against the shipped declarations with tsc --strict, and rejects a mistyped one", async () => {
    // This repository's TypeScript, run in the program's directory: imports resolve in its node_modules.
    // One run over both files (loading azure-native's declarations dominates the time): the program must
    // be clean and the mistyped file must fail on the wrong argument type, and on nothing else.
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--strict", "--noEmit", "--module", "commonjs", "--target", "es2022", "--moduleResolution", "node10", "--esModuleInterop", "--types", "node"];
    fs.writeFileSync(path.join(program, "mistyped.ts"), MISTYPED);
    const checked = await run(process.execPath, [tsc, ...flags, "index.ts", "mistyped.ts"], program);
    fs.rmSync(path.join(program, "mistyped.ts"));
    figures.typeCheckMs = checked.ms;
    const errors = checked.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([expect.stringMatching(/^mistyped\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type/)]);
    expect(checked.code).not.toBe(0);
  }, 5 * MINUTES);

  it("starts the same pack on a program that has TypeScript 5", async () => {
    // The CLI's loader takes the program's TypeScript when it has one: link this repository's in.
    const typescript = path.join(program, "node_modules", "typescript");
    fs.symlinkSync(path.join(ROOT, "node_modules", "typescript"), typescript, "dir");
    const runner = await PolicyRunner.start({ packDir: path.join(program, "node_modules", "pulumi-aca", "policies") });
    figures.packStartupTypeScript5Ms = runner.startupMs;
    try {
      const verdict = await judge(runner, [badRegistry]);
      expect(verdict.mandatory.map((d) => d.policyName)).toContain("acr-admin-user-disabled");
    } finally {
      await runner.stop();
      fs.rmSync(typescript);
    }
  }, 5 * MINUTES);

  it("runs the shipped plan command with npx on the program and with a path relative to the caller", async () => {
    const viaNpx = await run("npx", ["--offline", "--no", "pulumi-aca", "plan", ".", "--json"], program);
    expect(viaNpx.stderr).toBe("");
    expect(viaNpx.code).toBe(0);
    figures.planMs = viaNpx.ms;
    const verdict = JSON.parse(viaNpx.stdout);
    expect(verdict).toMatchObject({ project: "consumer", mode: "preview", passed: true, policyPack: { name: "pulumi-aca" } });
    expect(verdict.resources).toContainEqual(expect.objectContaining({ type: "azure-native:app:ContainerApp" }));

    const cli = path.join(program, "node_modules", "pulumi-aca", "dist", "plan", "cli.js");
    const fromParent = await run(process.execPath, [cli, "plan", "consumer", "--mode", "update"], work);
    expect(fromParent.stderr).toBe("");
    expect(fromParent.code).toBe(0);
    expect(fromParent.stdout).toContain("Policies passed.");
    expect(fromParent.stdout.split("\n")[0]).toMatch(/^Plan of consumer \(project consumer, stack dev, update, baseline public\) judged by pulumi-aca@/);
  }, 5 * MINUTES);

  it("says what a program without its packages needs, with exit 2 and a JSON error", async () => {
    const bare = path.join(work, "bare");
    fs.mkdirSync(bare);
    fs.writeFileSync(path.join(bare, "Pulumi.yaml"), "name: bare\nruntime: nodejs\n");
    fs.writeFileSync(path.join(bare, "index.ts"), PROGRAM);
    const cli = path.join(program, "node_modules", "pulumi-aca", "dist", "plan", "cli.js");
    const missing = await run(process.execPath, [cli, "plan", "bare", "--json"], work);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`run npm install in ${bare}`);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { kind: "dependencies", message: expect.stringContaining("cannot load @pulumi/pulumi") } });
  }, 5 * MINUTES);
});
