import * as fs from "node:fs";
import * as path from "node:path";
import {
  PolicyDiagnostic,
  PolicyPackConfig,
  PolicyRunner,
  PolicyVerdict,
  ResourceVerdict,
  judge,
} from "./policyRunner";
import { ProgramError, RecordedResource, UnansweredInvokeError, record } from "./recorder";
import { withAzureDataPlane } from "./azureDataPlane";
import { registerTypeScript } from "./typescript";

/** The root of this package (the repository, or node_modules/pulumi-aca when installed). */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-aca") return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..");
  }
}

const PACKAGE_ROOT = packageRoot();
const BASELINE_VARIABLE = "PULUMI_ACA_BASELINE";

export const USAGE = `Usage: pulumi-aca plan <program dir> [options]    (in this repository: npm run plan -- <program dir>)

Runs a Pulumi program under Azure-like mocks and judges every resource it registers with the policy pack,
as \`pulumi preview --policy-pack node_modules/pulumi-aca/policies\` would. No Azure account or Pulumi CLI
needed. The program runs with its own packages: run npm install in its directory first.

Options:
  --mode preview|update       preview (default): what \`pulumi preview\` judges, values Azure computes unknown;
                              update: what \`pulumi up\` judges before each resource is created, computed
                              values known and Azure-like
  --baseline public|private   judge against this baseline (default: the pack's, i.e. $${BASELINE_VARIABLE} or public)
  --config <file>             policy pack config JSON, as for \`pulumi preview --policy-pack-config\`
  --json                      print the verdict (or the error) as JSON instead of text
  --stack <name>              stack name; reads Pulumi.<name>.yaml config when present (default: dev)
  --policy-pack <dir>         the pack to run (default: this package's policies/)
  -h, --help                  show this help

Paths are relative to the current directory.
Exit status: 0 when no mandatory policy is violated, 1 when one is, 2 when the plan could not run.`;

export type PlanMode = "preview" | "update";

export interface PlanOptions {
  programDir: string;
  mode: PlanMode;
  baseline?: "public" | "private";
  configFile?: string;
  json: boolean;
  stack: string;
  packDir: string;
}

/** Why a plan could not run; `kind` is stable for scripts reading `--json`. */
export class PlanError extends Error {
  constructor(
    readonly kind: "usage" | "program" | "dependencies" | "invoke" | "policy-pack" | "config",
    message: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

class UsageError extends PlanError {
  constructor(message: string) {
    super("usage", message);
  }
}

export function parseArguments(argv: readonly string[]): PlanOptions | "help" {
  const json = argv.includes("--json");
  const options: Partial<PlanOptions> = { json, mode: "preview", stack: "dev", packDir: path.join(PACKAGE_ROOT, "policies") };
  const value = (index: number, flag: string): string => {
    const given = argv[index];
    if (given === undefined || given.startsWith("--")) throw new UsageError(`${flag} needs a value.`);
    return given;
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const [flag, inline] = argument.startsWith("--") && argument.includes("=") ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    const next = (): string => inline ?? value(++i, flag!);
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--json":
        options.json = true;
        break;
      case "--mode": {
        const mode = next();
        if (mode !== "preview" && mode !== "update") throw new UsageError(`--mode must be preview or update, not "${mode}".`);
        options.mode = mode;
        break;
      }
      case "--baseline": {
        const baseline = next();
        if (baseline !== "public" && baseline !== "private") throw new UsageError(`--baseline must be public or private, not "${baseline}".`);
        options.baseline = baseline;
        break;
      }
      case "--config":
        options.configFile = path.resolve(next());
        break;
      case "--stack":
        options.stack = next();
        break;
      case "--policy-pack":
        options.packDir = path.resolve(next());
        break;
      default:
        if (flag!.startsWith("-")) throw new UsageError(`Unknown option ${flag}.`);
        if (options.programDir) throw new UsageError(`One program directory only; given ${options.programDir} and ${flag}.`);
        options.programDir = path.resolve(flag!);
    }
  }
  if (!options.programDir) throw new UsageError("Give the program directory, e.g. pulumi-aca plan infra.");
  return options as PlanOptions;
}

interface Program {
  dir: string;
  project: string;
  entry: string;
  config: Record<string, string>;
  secretConfig: string[];
}

/** Reads Pulumi.yaml (project name, `main`) and the stack's Pulumi.<stack>.yaml config, as the CLI does. */
export function loadProgram(dir: string, stack: string): Program {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist.`);
  if (!projectFile) throw new UsageError(`${dir} is not a Pulumi program: it has no Pulumi.yaml.`);
  const project = readYaml(projectFile) as { name?: unknown; main?: unknown; config?: Record<string, unknown> };
  if (typeof project.name !== "string" || project.name === "") throw new UsageError(`${projectFile} has no project name.`);
  const mainDir = typeof project.main === "string" ? path.resolve(dir, project.main) : dir;
  const entry = resolveEntry(mainDir);
  if (!entry) throw new UsageError(`${dir} has no program entry point (index.ts, index.js or package.json main).`);

  const config: Record<string, string> = {};
  const secretConfig: string[] = [];
  // Project-level values (`config: {key: {value: …}}` or `{default: …}`) first, the stack's over them.
  for (const [rawKey, declared] of Object.entries(project.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    const value = declared && typeof declared === "object" ? ((declared as Record<string, unknown>).value ?? (declared as Record<string, unknown>).default) : declared;
    if (value !== undefined) config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const stackConfig = stackFile ? ((readYaml(stackFile) as { config?: Record<string, unknown> }).config ?? {}) : {};
  for (const [rawKey, rawValue] of Object.entries(stackConfig)) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (rawValue && typeof rawValue === "object" && "secure" in rawValue) {
      // Encrypted values cannot be read offline; the program sees a placeholder, marked secret.
      config[key] = "[secret]";
      secretConfig.push(key);
    } else {
      config[key] = typeof rawValue === "string" ? rawValue : JSON.stringify(rawValue);
    }
  }
  return { dir, project: project.name, entry, config, secretConfig };
}

function resolveEntry(mainDir: string): string | undefined {
  if (fs.existsSync(mainDir) && fs.statSync(mainDir).isFile()) return mainDir;
  const packageFile = path.join(mainDir, "package.json");
  if (fs.existsSync(packageFile)) {
    const main = (JSON.parse(fs.readFileSync(packageFile, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") {
      const candidate = path.resolve(mainDir, main);
      for (const file of [candidate, `${candidate}.ts`, `${candidate}.js`, path.join(candidate, "index.ts")]) {
        if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
      }
    }
  }
  return ["index.ts", "index.js"].map((f) => path.join(mainDir, f)).find((f) => fs.existsSync(f));
}

/** YAML through js-yaml (the parser @pulumi/pulumi uses too). */
function readYaml(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- js-yaml ships no types
  const yaml = require("js-yaml") as { load(text: string): unknown };
  return yaml.load(fs.readFileSync(file, "utf8")) ?? {};
}

function readPolicyConfig(file: string | undefined): PolicyPackConfig {
  if (!file) return {};
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
  } catch (error) {
    throw new PlanError("config", `Cannot read policy config ${file}: ${(error as Error).message}`);
  }
}

/**
 * The `@pulumi/pulumi` the program loads, resolved from its directory as Node resolves the program's
 * imports; the mocks are set on that copy.
 */
export function programPulumiDir(programDir: string): string {
  try {
    return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
  } catch {
    throw new PlanError(
      "dependencies",
      `${programDir} cannot load @pulumi/pulumi: the plan runs the program with its own packages; run npm install in ${programDir}.`,
    );
  }
}

/** A package the program imports but cannot find, from Node's MODULE_NOT_FOUND error; undefined for other errors. */
function missingPackage(error: unknown): string | undefined {
  const cause = error instanceof ProgramError ? error.cause : error;
  if (!(cause instanceof Error) || (cause as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") return undefined;
  const match = /Cannot find module '([^']+)'/.exec(cause.message);
  return match && !match[1]!.startsWith(".") && !path.isAbsolute(match[1]!) ? match[1] : undefined;
}

/** Runs the program the way the Node language host does: module loaded with the program dir as cwd. */
async function recordProgram(program: Program, stack: string, mode: PlanMode): Promise<RecordedResource[]> {
  const pulumiDir = programPulumiDir(program.dir);
  registerTypeScript(program.dir, pulumiDir);
  const cwd = process.cwd();
  process.chdir(program.dir);
  try {
    const recording = await withAzureDataPlane(() =>
      record(
        async () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const exported = require(program.entry);
          const result = typeof exported === "function" ? exported() : typeof exported?.default === "function" ? exported.default() : exported;
          return await result;
        },
        { preview: mode === "preview", pulumiDir, project: program.project, stack, config: program.config, secretConfig: program.secretConfig },
      ),
    );
    return recording.resources;
  } catch (error) {
    if (error instanceof ProgramError && error.cause instanceof UnansweredInvokeError) throw new PlanError("invoke", error.cause.message);
    const missing = missingPackage(error);
    if (missing) throw new PlanError("dependencies", `The program imports ${missing}, which ${program.dir} does not have; run npm install in ${program.dir}.`);
    if (error instanceof ProgramError) throw new PlanError("program", `The program failed under ${mode}: ${error.message}`);
    throw error;
  } finally {
    process.chdir(cwd);
  }
}

export interface PlanResult {
  program: string;
  project: string;
  stack: string;
  mode: PlanMode;
  baseline: string;
  resources: RecordedResource[];
  verdict: PolicyVerdict;
  timings: { recordMs: number; totalMs: number };
}

export async function plan(options: PlanOptions): Promise<PlanResult> {
  const began = process.hrtime.bigint();
  const program = loadProgram(options.programDir, options.stack);
  const config = readPolicyConfig(options.configFile);
  const baseline = options.baseline ?? process.env[BASELINE_VARIABLE] ?? "public";
  // The pack starts while the program runs: neither waits for the other.
  const starting = PolicyRunner.start({ packDir: options.packDir, env: { [BASELINE_VARIABLE]: baseline } }).catch((error: unknown) => {
    throw new PlanError("policy-pack", (error as Error).message);
  });
  starting.catch(() => undefined);
  let resources: RecordedResource[];
  const recordBegan = process.hrtime.bigint();
  try {
    resources = await recordProgram(program, options.stack, options.mode);
  } catch (error) {
    await starting.then((runner) => runner.stop()).catch(() => undefined);
    throw error;
  }
  const recordMs = Number(process.hrtime.bigint() - recordBegan) / 1e6;
  const runner = await starting;
  try {
    const verdict = await judge(runner, resources, {
      config,
      stack: { project: program.project, stack: options.stack, dryRun: options.mode === "preview", config: program.config },
    }).catch((error: unknown) => {
      const message = (error as Error).message;
      throw new PlanError(message.startsWith("Invalid policy pack config") ? "config" : "policy-pack", message);
    });
    const totalMs = Number(process.hrtime.bigint() - began) / 1e6;
    return {
      program: path.relative(process.cwd(), program.dir) || ".",
      project: program.project,
      stack: options.stack,
      mode: options.mode,
      baseline,
      resources,
      verdict,
      timings: { recordMs, totalMs },
    };
  } finally {
    await runner.stop();
  }
}

/** The violation text without the policy description the pack puts in front of it. */
export function violationText(diagnostic: PolicyDiagnostic): string {
  const { description, message } = diagnostic;
  const text = description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * True for a diagnostic saying a rule could not judge the resource because a value it reads is unknown:
 * the pack's `not judged at preview:` advisories, and `@pulumi/policy`'s own "can't run policy … during
 * preview" for a rule that touched an unknown value.
 */
export function isNotJudged(diagnostic: PolicyDiagnostic): boolean {
  const text = violationText(diagnostic);
  return text.startsWith("not judged at preview:") || /^can't run policy .* during preview:/.test(text);
}

export type ResourceStatus = "ok" | "advisory" | "not judged" | "FAIL";

/** FAIL on a mandatory violation; else `not judged` when a rule could not judge it; else advisory or ok. */
export function resourceStatus(verdict: ResourceVerdict): ResourceStatus {
  if (verdict.diagnostics.some((d) => d.enforcementLevel === "mandatory")) return "FAIL";
  if (verdict.diagnostics.some(isNotJudged)) return "not judged";
  return verdict.diagnostics.length > 0 ? "advisory" : "ok";
}

/** The resource tree, each resource indented under its parent, its verdict and diagnostics beneath it. */
export function formatPlan(result: PlanResult): string {
  const { verdict } = result;
  const lines: string[] = [];
  lines.push(
    `Plan of ${result.program} (project ${result.project}, stack ${result.stack}, ${result.mode}, baseline ${result.baseline}) ` +
      `judged by ${verdict.pack.name}@${verdict.pack.version}`,
  );
  lines.push("");
  const byParent = new Map<string | undefined, ResourceVerdict[]>();
  const urns = new Set(verdict.resources.map((r) => r.urn));
  for (const resource of verdict.resources) {
    const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), resource]);
  }
  const rows: { resource: ResourceVerdict; depth: number }[] = [];
  const collect = (resource: ResourceVerdict, depth: number) => {
    rows.push({ resource, depth });
    for (const child of byParent.get(resource.urn) ?? []) collect(child, depth + 1);
  };
  for (const root of byParent.get(undefined) ?? []) collect(root, 0);
  const width = Math.max(0, ...rows.map(({ resource, depth }) => depth * 2 + resource.type.length + resource.name.length + 1));
  for (const { resource, depth } of rows) {
    const indent = "  ".repeat(depth);
    const label = `${indent}${resource.type} ${resource.name}`;
    lines.push(`${label.padEnd(width + 2)}${resourceStatus(resource)}`);
    for (const remediation of resource.remediations) {
      lines.push(`${indent}    remediated ${remediation.policyName}${remediation.diagnostic ? `: ${remediation.diagnostic}` : ""}`);
    }
    for (const diagnostic of resource.diagnostics) {
      lines.push(`${indent}    ${diagnostic.enforcementLevel} ${diagnostic.policyName}: ${violationText(diagnostic)}`);
    }
  }
  if (verdict.stack.length > 0) {
    lines.push("");
    lines.push("Stack policies:");
    for (const diagnostic of verdict.stack) {
      lines.push(`    ${diagnostic.enforcementLevel} ${diagnostic.policyName}: ${violationText(diagnostic)}`);
    }
  }
  const all = [...verdict.resources.flatMap((r) => r.diagnostics), ...verdict.stack];
  const advisories = all.filter((d) => d.enforcementLevel === "advisory" && !isNotJudged(d)).length;
  const failing = verdict.resources.filter((r) => resourceStatus(r) === "FAIL").length;
  const notJudged = verdict.resources.filter((r) => resourceStatus(r) === "not judged").length;
  lines.push("");
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  lines.push(
    `${count(verdict.resources.length, "resource", "resources")}, ` +
      `${count(verdict.mandatory.length, "mandatory violation", "mandatory violations")}` +
      `${failing > 0 ? ` on ${count(failing, "resource", "resources")}` : ""}, ${count(advisories, "advisory", "advisories")}` +
      `${notJudged > 0 ? `, ${count(notJudged, "resource", "resources")} not judged at preview (run with --mode update for the verdict \`pulumi up\` gives)` : ""}.`,
  );
  lines.push(verdict.passed ? "Policies passed." : "Policies failed: a mandatory policy is violated.");
  return lines.join("\n");
}

export function planJson(result: PlanResult): unknown {
  const { verdict } = result;
  return {
    program: result.program,
    project: result.project,
    stack: result.stack,
    mode: result.mode,
    baseline: result.baseline,
    policyPack: verdict.pack,
    passed: verdict.passed,
    resources: verdict.resources.map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent,
      status: resourceStatus(resource),
      diagnostics: resource.diagnostics.map(diagnosticJson),
      remediations: resource.remediations.map((r) => ({ policyName: r.policyName, diagnostic: r.diagnostic })),
    })),
    stackDiagnostics: verdict.stack.map(diagnosticJson),
    mandatoryViolations: verdict.mandatory.length,
    timings: { ...verdict.timings, recordMs: result.timings.recordMs, planMs: result.timings.totalMs },
  };
}

function diagnosticJson(diagnostic: PolicyDiagnostic) {
  return {
    policyName: diagnostic.policyName,
    enforcementLevel: diagnostic.enforcementLevel,
    message: violationText(diagnostic),
    urn: diagnostic.urn,
    notJudged: isNotJudged(diagnostic),
  };
}

/** Reports why the plan could not run: the reason on stderr and, with --json, a JSON error object on stdout. */
function reportError(error: unknown, json: boolean, withUsage: boolean): number {
  const kind = error instanceof PlanError ? error.kind : "program";
  const message = error instanceof Error ? error.message : String(error);
  console.error(withUsage ? `${message}\n\n${USAGE}` : message);
  if (json) console.log(JSON.stringify({ error: { kind, message } }, null, 2));
  return 2;
}

/** The command: returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: PlanOptions | "help";
  try {
    options = parseArguments(argv);
  } catch (error) {
    return reportError(error, argv.includes("--json"), true);
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  // A failed invoke leaves a rejected promise inside the SDK that may surface only after the program's
  // run; the plan reports the invoke itself, so such late rejections must not end the process.
  const stray: unknown[] = [];
  process.on("unhandledRejection", (reason) => stray.push(reason));
  let result: PlanResult;
  try {
    result = await plan(options);
  } catch (error) {
    return reportError(error, options.json, false);
  }
  if (stray.length > 0) {
    const reason = stray[0] instanceof Error && stray[0].message ? stray[0].message : String(stray[0]);
    return reportError(new PlanError("program", `The program failed under ${options.mode}: ${reason}`), options.json, false);
  }
  console.log(options.json ? JSON.stringify(planJson(result), null, 2) : formatPlan(result));
  return result.verdict.passed ? 0 : 1;
}
