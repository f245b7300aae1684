// `npm run bench`: throughput, latency, RSS after load and cold start of the reference service
// beside raw node:http, bare Hono and the Flask anchor, on this machine, in one run, over loopback.
// Progress goes to stderr; stdout carries the table and then the same results as JSON.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LATENCY_RESOLUTION_MS, runLoad, toolVersion } from "./bench/load.mjs";
import { parseBenchArgs, USAGE } from "./bench/options.ts";
import {
  cpuSeconds, describeTail, freePort, killAllNow, rssBytes, startChild, stopAll, stopChild, treeRssBytes, waitFor200,
} from "./bench/processes.mjs";
import { renderReport, settingsLine } from "./bench/report.ts";
import { summarize } from "./bench/stats.ts";
import { startSink } from "./bench/sink.mjs";
import { describeTargets, ensureFlaskAnchor, ensureServiceBuilt, ensureWrk, REPO_ROOT } from "./bench/targets.mjs";
import { evaluateColdStartGoals, evaluateLoadGoals, ratio } from "./bench/verdicts.ts";

const SERVICE_IDS = new Set(["service", "service-otlp-http", "service-otlp-grpc"]);
const COLD_START_IDS = ["raw-http", "bare-hono", "service", "service-otlp-http", "service-otlp-grpc"];
const START_TIMEOUT_MS = 30000;
const COLD_START_TIMEOUT_MS = 10000;
const EXPORT_SETTLE_MS = 7000;

const log = (message) => process.stderr.write(`bench: ${message}\n`);

function machine() {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg(),
  };
}

/** Spans the sink received for protocol since `before`, waiting for the exporter's last batches. */
async function settledExports(sink, protocol, before, requestsSent) {
  const deadline = Date.now() + EXPORT_SETTLE_MS;
  let now;
  do {
    await sleep(500);
    now = (await sink.counts())[protocol];
  } while (now.spans - before.spans < requestsSent && Date.now() < deadline);
  return {
    protocol,
    exportRequests: now.exportRequests - before.exportRequests,
    spans: now.spans - before.spans,
    requestsSent,
    ...(now.undecodable > before.undecodable ? { undecodable: now.undecodable - before.undecodable } : {}),
  };
}

/** Starts a target with its stdout in logFile and waits for readiness, trying once more if it fails to start. */
async function startTarget(target, sink, logFile) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const spec = target.command(port, sink);
    const handle = startChild(target.label, spec.command, spec.args, { env: spec.env, cwd: spec.cwd, logFile });
    try {
      await waitFor200(handle, `http://127.0.0.1:${port}${target.readyPath}`, { intervalMs: 10, timeoutMs: START_TIMEOUT_MS });
      return { handle, port };
    } catch (error) {
      await stopChild(handle, 0);
      if (attempt === 2) throw error;
      log(`${target.label} did not start (${error.message}); trying once more`);
    }
  }
}

async function measureLoad(target, options, tool, sink, logFile) {
  const { handle, port } = await startTarget(target, sink, logFile);
  try {
    const url = `http://127.0.0.1:${port}${options.path}`;
    const probe = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await probe.arrayBuffer();
    if (probe.status !== 200) throw new Error(`GET ${options.path} answered ${probe.status}`);
    const rssOf = () => (target.treeRss ? treeRssBytes(handle.pid) : rssBytes(handle.pid));
    const idleRssBytes = rssOf();
    const before = target.otlpProtocol ? (await sink.counts())[target.otlpProtocol] : undefined;
    const settings = { connections: options.connections, threads: options.threads };
    const warmup = await runLoad(tool, url, { ...settings, seconds: options.warmup });
    // CPU time of the target's own process per request: steadier than req/s on a shared machine,
    // where it is the target's share of the cores, not its cost, that other load takes away.
    const cpuBefore = target.treeRss ? undefined : cpuSeconds(handle.pid);
    const measured = await runLoad(tool, url, { ...settings, seconds: options.duration });
    const cpuAfter = cpuBefore === undefined ? undefined : cpuSeconds(handle.pid);
    if (handle.exitCode !== undefined) throw new Error(`exited (${handle.exitCode}) during load${describeTail(handle)}`);
    const rss = rssOf();
    const cpu = cpuAfter === undefined || measured.requests === 0 ? {} : { cpuMicrosPerRequest: ((cpuAfter - cpuBefore) * 1e6) / measured.requests };
    const otlp = before && await settledExports(sink, target.otlpProtocol, before, 1 + warmup.requests + measured.requests);
    return { ...measured, idleRssBytes, rssBytes: rss, ...cpu, ...(otlp ? { otlp } : {}) };
  } finally {
    await stopChild(handle);
  }
}

function bestRun(runs) {
  return runs.reduce((best, run) => (run.requestsPerSecond > best.requestsPerSecond ? run : best));
}

async function measureColdStart(target, options, sink, logFile) {
  const samples = [];
  for (let spawnIndex = 0; spawnIndex <= options.coldStarts; spawnIndex++) {
    const port = await freePort();
    const spec = target.command(port, sink);
    const handle = startChild(target.label, spec.command, spec.args, { env: spec.env, cwd: spec.cwd, logFile });
    try {
      const elapsed = await waitFor200(handle, `http://127.0.0.1:${port}/ready`, { intervalMs: 2, timeoutMs: COLD_START_TIMEOUT_MS });
      // The first spawn fills the compile cache and the page cache; it is not counted.
      if (spawnIndex > 0) samples.push(elapsed);
    } finally {
      await stopChild(handle, 0);
    }
  }
  return samples;
}

async function main(argv) {
  const options = parseBenchArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  const date = new Date().toISOString();
  const host = machine();
  const notes = [];
  const outDir = resolve(REPO_ROOT, options.outDir);
  // Targets write their stdout (access logs) here rather than to a pipe this process would have to
  // drain during load; a log is kept only when its target failed.
  const logDir = join(outDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const selected = describeTargets().filter((target) => options.targets.includes(target.id));
  const unavailable = new Map();

  if (Number(process.versions.node.split(".")[0]) < 22) {
    notes.push(`measured with Node ${process.version}; run through npm so that the project's Node 24 is used`);
  }
  const tools = [];
  for (const name of options.tools) {
    if (name === "wrk") {
      const wrk = await ensureWrk(options, log);
      if (!wrk.ok) {
        tools.push({ name, notRun: wrk.reason });
        continue;
      }
      if (wrk.installed) notes.push("wrk was installed with apt-get (scripts/ensure-debian-packages.sh)");
    }
    tools.push({ name, version: toolVersion(name), latencyResolutionMs: LATENCY_RESOLUTION_MS[name] });
  }
  if (selected.some((target) => SERVICE_IDS.has(target.id))) {
    const build = await ensureServiceBuilt(log);
    if (!build.ok) for (const id of SERVICE_IDS) unavailable.set(id, build.reason);
    else if (build.rebuilt) notes.push("app/dist was rebuilt from app/src before measuring");
  }
  if (selected.some((target) => target.id === "flask")) {
    const flask = await ensureFlaskAnchor(options, log);
    if (!flask.ok) unavailable.set("flask", flask.reason);
    else if (flask.installed) notes.push("python3-flask and gunicorn were installed with apt-get for the Flask anchor");
  }
  let sink;
  if (selected.some((target) => target.otlpProtocol && !unavailable.has(target.id))) {
    sink = await startSink();
    log(`OTLP sink on 127.0.0.1: http/protobuf ${sink.httpPort}, grpc ${sink.grpcPort}`);
  }

  // Rounds interleave the targets (and the tools), so that a burst of outside load hurts one round
  // of each rather than every run of one target; the best round stands, since interference only slows.
  const usableTools = tools.filter((tool) => !tool.notRun);
  const runs = new Map();
  const failuresOf = new Map();
  const key = (tool, id) => `${tool}:${id}`;
  for (let round = 1; round <= options.rounds; round++) {
    for (const tool of usableTools) {
      for (const target of selected.filter((candidate) => !unavailable.has(candidate.id))) {
        const roundText = options.rounds > 1 ? `round ${round}/${options.rounds}, ` : "";
        log(`load with ${tool.name}: ${target.label} (${roundText}${options.warmup} s warm-up + ${options.duration} s)`);
        try {
          const logFile = join(logDir, `${target.id}.log`);
          const result = await measureLoad(target, options, tool.name, sink, logFile);
          runs.set(key(tool.name, target.id), [...(runs.get(key(tool.name, target.id)) ?? []), result]);
          rmSync(logFile, { force: true });
        } catch (error) {
          log(`${target.label} failed: ${error.message} (its stdout is in ${relative(REPO_ROOT, logDir)}/${target.id}.log)`);
          failuresOf.set(key(tool.name, target.id), error.message);
        }
      }
    }
  }
  const load = tools.map((tool) => {
    if (tool.notRun) return { tool: tool.name, notRun: tool.notRun, results: [] };
    const results = selected.map((target) => {
      const base = { id: target.id, label: target.label };
      if (unavailable.has(target.id)) return { ...base, notRun: unavailable.get(target.id) };
      const measured = runs.get(key(tool.name, target.id)) ?? [];
      if (measured.length === 0) return { ...base, notRun: failuresOf.get(key(tool.name, target.id)) ?? "no run completed" };
      const best = bestRun(measured);
      return { ...base, ...best, ...(options.rounds > 1 ? { roundsRequestsPerSecond: measured.map((run) => run.requestsPerSecond) } : {}) };
    });
    const of = (id) => results.find((result) => result.id === id && !result.notRun);
    const hono = of("bare-hono");
    return {
      tool: tool.name,
      version: tool.version,
      latencyResolutionMs: tool.latencyResolutionMs,
      results: results.map((result) => result.notRun ? result : {
        ...result,
        ratioToBareHono: ratio(result.requestsPerSecond, hono?.requestsPerSecond),
        ratioToFlask: ratio(result.requestsPerSecond, of("flask")?.requestsPerSecond),
        // Inverted, so that it reads like the throughput ratio: 0.8 means 1.25× Hono's CPU per request.
        cpuRatioToBareHono: ratio(hono?.cpuMicrosPerRequest, result.cpuMicrosPerRequest),
      }),
    };
  });

  const coldStart = [];
  if (options.coldStarts > 0) {
    for (const target of selected.filter((candidate) => COLD_START_IDS.includes(candidate.id))) {
      const base = { id: target.id, label: target.label };
      if (unavailable.has(target.id)) {
        coldStart.push({ ...base, notRun: unavailable.get(target.id) });
        continue;
      }
      log(`cold start: ${target.label} (1 + ${options.coldStarts} spawns)`);
      try {
        const logFile = join(logDir, `${target.id}-cold-start.log`);
        const samples = await measureColdStart(target, options, sink, logFile);
        rmSync(logFile, { force: true });
        const summary = summarize(samples);
        coldStart.push({ ...base, medianMs: summary.median, minMs: summary.min, maxMs: summary.max, samplesMs: samples });
      } catch (error) {
        log(`${target.label} cold start failed: ${error.message}`);
        coldStart.push({ ...base, notRun: error.message });
      }
    }
  }

  if (sink) await stopChild(sink.handle);
  if (usableTools.some((tool) => tool.name === "autocannon")) notes.push("autocannon records latency in whole milliseconds (\"<1\" is under a millisecond) and generates load from this process, on the same cores as the targets");
  if (usableTools.some((tool) => tool.name === "wrk")) notes.push("wrk shares the machine's cores with the target");
  notes.push("CPU µs/req is the CPU time (user + system) of the target's own process during the measured load divided by the requests served; CPU × Hono is bare Hono's figure divided by the target's, so it reads like × Hono and depends far less on what else the machine runs");
  const flaskTarget = selected.find((target) => target.id === "flask");
  const flaskRuns = load.flatMap((tool) => tool.results.filter((result) => result.id === "flask" && !result.notRun));
  if (flaskRuns.length > 0) {
    notes.push("the Flask anchor's RSS is the sum over the gunicorn master and its workers (shared pages counted in each); its CPU per request is not measured");
    if (flaskRuns.some((result) => result.errors > 0) && flaskTarget?.maxRequests) {
      notes.push(`the Flask anchor's errors are connections dropped when gunicorn restarts a worker after max_requests = ${flaskTarget.maxRequests} (its own gunicorn.conf.py, kept as the seed guide has it)`);
    }
  }
  if (host.loadAverageAtStart[0] > host.cores / 2) {
    notes.push(`the machine was busy at start (1-minute load average ${host.loadAverageAtStart[0].toFixed(2)} on ${host.cores} cores): figures are indicative; compare ratios within this run, and CPU × Hono above all`);
  }

  const report = {
    date,
    command,
    machine: { ...host, loadAverageAtEnd: loadavg() },
    settings: {
      tools: tools.map(({ name, version, latencyResolutionMs, notRun }) => ({ name, ...(notRun ? { notRun } : { version, latencyResolutionMs }) })),
      path: options.path,
      connections: options.connections,
      durationSeconds: options.duration,
      warmupSeconds: options.warmup,
      coldStarts: options.coldStarts,
      rounds: options.rounds,
      ...(options.tools.includes("wrk") ? { wrkThreads: options.threads } : {}),
    },
    load,
    coldStart,
    verdicts: [
      ...load.flatMap((toolLoad) => toolLoad.notRun
        ? evaluateLoadGoals([], options.connections, toolLoad.tool).map((verdict) => ({ ...verdict, note: `${toolLoad.tool} not run: ${toolLoad.notRun}` }))
        : evaluateLoadGoals(toolLoad.results, options.connections, toolLoad.tool)),
      ...evaluateColdStartGoals(coldStart),
    ],
    notes,
  };
  process.stdout.write(renderReport(report, (tool) => settingsLine(options, tool)));
  process.stdout.write(`\n${JSON.stringify(report, null, 2)}\n`);
  const file = join(outDir, `results-${date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${file}`);
  return 0;
}

/** Upper bound on the whole run, so that nothing here can hang: generous, never reached normally. */
function timeLimitMs(argv) {
  try {
    const options = parseBenchArgs(argv);
    const perTarget = options.tools.length * options.rounds * (options.warmup + options.duration + 60) * 1000;
    const coldStarts = COLD_START_IDS.length * (options.coldStarts + 1) * 5000;
    return 15 * 60000 + options.targets.length * perTarget + coldStarts;
  } catch {
    return 60000;
  }
}

const argv = process.argv.slice(2);
process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    log(`${signal}: stopping every server started by this run`);
    stopAll(500).finally(() => process.exit(130));
  });
}
const runLimitMs = timeLimitMs(argv);
// The baseline servers and the sink read this and exit by themselves should this process die.
process.env.BENCH_MAX_LIFETIME_MS = String(runLimitMs);
const limit = setTimeout(() => {
  log(`time limit of ${Math.round(runLimitMs / 1000)} s reached: stopping`);
  stopAll(500).finally(() => process.exit(1));
}, runLimitMs);
limit.unref();

main(argv)
  .then((code) => { process.exitCode = code; })
  .catch((error) => {
    log(error.message);
    process.exitCode = 1;
  })
  .finally(() => stopAll(500));
