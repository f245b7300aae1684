import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzableResource, PolicyRunner, analyzerProperties } from "../test/harness/policyRunner";
import { RecordedResource, record } from "../test/harness/recorder";

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policies");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const TARGET_PER_RESOURCE_US = 50;
const TARGET_PLAN_MS = 2_000;

type Topology = { label: string; baseline: "public" | "private"; programDir?: string; record: () => Promise<RecordedResource[]> };

/** The private topology when its component exists, else the public one; the example program when there is one. */
function topology(): Topology {
  const location = { "azure-native:location": "westeurope" };
  const exampleDir = (name: string) => (fs.existsSync(path.join(ROOT, "examples", name, "index.ts")) ? path.join(ROOT, "examples", name) : undefined);
  if (fs.existsSync(path.join(ROOT, "components", "privateContainerApp.ts"))) {
    return {
      label: "PrivateContainerApp",
      baseline: "private",
      programDir: exampleDir("private"),
      record: async () =>
        (
          await record(
            async () => {
              // eslint-disable-next-line @typescript-eslint/no-require-imports
              const { PrivateContainerApp } = require(path.join(ROOT, "components", "privateContainerApp"));
              new PrivateContainerApp("web", {});
            },
            { preview: true, config: location },
          )
        ).resources,
    };
  }
  return {
    label: "PublicContainerApp",
    baseline: "public",
    programDir: exampleDir("public"),
    record: async () =>
      (
        await record(
          async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { PublicContainerApp } = require(path.join(ROOT, "components", "publicContainerApp"));
            new PublicContainerApp("web", {});
          },
          { preview: true, config: location },
        )
      ).resources,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/**
 * The pack's own Analyze handler, called in this process without gRPC: what the rules cost per resource.
 * What `policies/index.ts` installs before serving is installed first (the type routing, the properties
 * converted once per request), so each rule is called for the resources it judges and skipped for the
 * others, at the cost it has in the running pack.
 */
async function inProcessAnalyzeUs(resources: readonly AnalyzableResource[], baseline: string, only?: (name: string) => boolean): Promise<number> {
  process.env.PULUMI_ACA_BASELINE = baseline;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(PACK, "typeRouting")) as { routeTypesToRules: () => void }).routeTypesToRules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(PACK, "requestProperties")) as { convertPropertiesOnce: () => void }).convertPropertiesOnce();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { allPolicies: every } = require(path.join(PACK, "catalog")) as { allPolicies: { name: string }[] };
  const allPolicies = only ? every.filter((p) => only(p.name)) : every;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { makeAnalyzeRpcFun } = require("@pulumi/policy/server");
  const analyze = makeAnalyzeRpcFun("bench", "0.0.0", "advisory", allPolicies) as (
    call: { request: analyzerProto.AnalyzeRequest },
    callback: (error: unknown) => void,
  ) => Promise<void>;
  const requests = resources.map((resource) => {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(resource.type);
    request.setUrn(resource.urn);
    request.setName(resource.name);
    request.setProperties(Struct.fromJavaScript(analyzerProperties(resource.wireInputs) as Parameters<typeof Struct.fromJavaScript>[0]));
    const options = new analyzerProto.AnalyzerResourceOptions();
    options.setParent(resource.parent ?? "");
    request.setOptions(options);
    return request;
  });
  const run = async () => {
    for (const request of requests) {
      await analyze({ request }, (error) => {
        if (error) throw error;
      });
    }
  };
  await run();
  const began = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await run();
  return (elapsedMs(began) * 1000) / (ROUNDS * requests.length);
}

function runPlan(programDir: string, baseline: string): Promise<{ ms: number; code: number }> {
  const began = process.hrtime.bigint();
  return new Promise((resolve) =>
    execFile(process.execPath, [path.join(ROOT, "scripts", "plan.mjs"), programDir, "--baseline", baseline, "--json"], { cwd: ROOT, timeout: 180_000, maxBuffer: 64 << 20 }, (error) =>
      resolve({ ms: elapsedMs(began), code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    ),
  );
}

/**
 * `--handler`: only the in-process handler, for profiles (`node --cpu-prof`) and instruction counts
 * (`valgrind --tool=callgrind`), where the pack's server, the gRPC calls and the plan would drown it.
 */
async function handlerOnly(resources: readonly AnalyzableResource[], target: Topology): Promise<number> {
  const handlerUs = await inProcessAnalyzeUs(resources, target.baseline);
  console.log(`Analyze per resource, in-process handler ${handlerUs.toFixed(1)} µs (${target.label}, ${resources.length} resources, ${ROUNDS} rounds)`);
  return 0;
}

/**
 * `--dump <file>`: writes the recorded resources as Analyze requests see them, for
 * `scripts/policy-handler.mjs` to replay against the compiled pack under `valgrind --tool=callgrind`
 * without recording (or compiling TypeScript) under valgrind.
 */
function dumpRequests(resources: readonly AnalyzableResource[], file: string | undefined): number {
  if (file === undefined) throw new Error("--dump needs a file to write the requests to.");
  const requests = resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, parent: r.parent ?? "", properties: analyzerProperties(r.wireInputs) }));
  fs.writeFileSync(file, JSON.stringify(requests));
  console.log(`${requests.length} requests written to ${file}`);
  return 0;
}

export async function main(argv: string[] = []): Promise<number> {
  const target = topology();
  const recordBegan = process.hrtime.bigint();
  const resources = await target.record();
  const recordMs = elapsedMs(recordBegan);
  if (argv.includes("--handler")) return handlerOnly(resources, target);
  const dump = argv.indexOf("--dump");
  if (dump >= 0) return dumpRequests(resources, argv[dump + 1]);
  const custom = resources.filter((r) => r.custom);

  const startBegan = process.hrtime.bigint();
  const runner = await PolicyRunner.start({ packDir: PACK, env: { PULUMI_ACA_BASELINE: target.baseline } });
  let sequentialUs: number;
  let concurrentUs: number;
  let stackMs: number;
  let readyMs: number;
  try {
    await runner.analyzerInfo();
    await runner.configure();
    readyMs = elapsedMs(startBegan);
    for (const resource of resources) await runner.analyze(resource);

    const sequential = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) {
      for (const resource of resources) await runner.analyze(resource);
    }
    sequentialUs = (elapsedMs(sequential) * 1000) / (ROUNDS * resources.length);

    const concurrent = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) await Promise.all(resources.map((resource) => runner.analyze(resource)));
    concurrentUs = (elapsedMs(concurrent) * 1000) / (ROUNDS * resources.length);

    const stackTimes: number[] = [];
    for (let i = 0; i < Math.min(ROUNDS, 20); i++) {
      const began = process.hrtime.bigint();
      await runner.analyzeStack(resources);
      stackTimes.push(elapsedMs(began));
    }
    stackMs = median(stackTimes);
  } finally {
    await runner.stop();
  }
  const handlerUs = await inProcessAnalyzeUs(resources, target.baseline);
  const frameworkUs = await inProcessAnalyzeUs(resources, target.baseline, () => false);

  const planTimes: number[] = [];
  let planCode: number | undefined;
  if (target.programDir) {
    for (let i = 0; i < 3; i++) {
      const run = await runPlan(target.programDir, target.baseline);
      planTimes.push(run.ms);
      planCode = run.code;
    }
  }

  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  const lines = [
    `Policy pack benchmark: ${target.label} (${target.baseline} baseline), ${resources.length} resources (${custom.length} cloud resources), ${ROUNDS} rounds`,
    `  record in preview                        ${fmt(recordMs)} ms`,
    `  pack start-up (spawn to port)            ${fmt(runner.startupMs)} ms`,
    `  pack ready (start-up + info + Configure) ${fmt(readyMs)} ms`,
    `  Analyze per resource, in-process handler ${fmt(handlerUs)} µs   (target ≤ ${TARGET_PER_RESOURCE_US} µs: ${handlerUs <= TARGET_PER_RESOURCE_US ? "met" : "missed"})`,
    `    of which @pulumi/policy's handler alone  ${fmt(frameworkUs)} µs   (the same request with no policies)`,
    `  Analyze per resource, gRPC sequential    ${fmt(sequentialUs)} µs`,
    `  Analyze per resource, gRPC concurrent    ${fmt(concurrentUs)} µs`,
    `  AnalyzeStack, whole stack (median)       ${fmt(stackMs, 2)} ms`,
  ];
  if (target.programDir) {
    const planMs = median(planTimes);
    lines.push(
      `  npm run plan -- ${path.relative(ROOT, target.programDir)} (median of 3, whole process) ${fmt(planMs, 0)} ms   (target ≤ ${TARGET_PLAN_MS} ms: ${planMs <= TARGET_PLAN_MS ? "met" : "missed"}; exit ${planCode})`,
    );
  } else {
    lines.push(`  plan of the example: no examples/${target.baseline}/index.ts yet`);
  }
  console.log(lines.join("\n"));
  return 0;
}
