// What each target's young generation does under load, from V8's own trace: minor collections, the
// bytes each one found still alive (which decide how fast V8 grows the young generation), its
// capacities, and RSS after the load. Explains "RSS after load" in `npm run bench`; loopback only,
// bounded by --duration.
//
//   node scripts/bench/youngGeneration.mjs [--targets id,id...] [--target name=path/to/server.js]...
//                                          [--traced name=path/to/bootstrap.js]...
//                                          [--traced-grpc name=path/to/bootstrap.js]... [--duration S]
//                                          [--warmup S] [--connections N] [--path /info]
//
// --targets takes the benchmark's Node target ids (raw-http, bare-hono, service, service-otlp-http,
// service-otlp-grpc; default bare-hono,service), started as `npm run bench` starts them, the traced ones
// exporting to the benchmark's local OTLP sink; --target adds any other server file, telemetry off (an
// older build, say), --traced another build of the service, traced as service-otlp-http is, and
// --traced-grpc one traced as service-otlp-grpc is. Each runs with `node --trace-gc-nvp`, its stdout
// (access log and trace) in a temporary file.
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { summarizeGcTrace } from "./gcTrace.ts";
import { runLoad } from "./load.mjs";
import { freePort, rssBytes, startChild, stopChild, waitFor200 } from "./processes.mjs";
import { startSink } from "./sink.mjs";
import { describeTargets, fileTarget } from "./targets.mjs";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "bare-hono,service" },
    target: { type: "string", multiple: true, default: [] },
    traced: { type: "string", multiple: true, default: [] },
    "traced-grpc": { type: "string", multiple: true, default: [] },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    path: { type: "string", default: "/info" },
  },
});

const known = describeTargets();
const targets = values.targets.split(",").filter(Boolean).map((id) => {
  const target = known.find((candidate) => candidate.id === id);
  if (target === undefined || target.id === "flask") throw new Error(`--targets: no Node target "${id}" (${known.filter((t) => t.id !== "flask").map((t) => t.id).join(", ")})`);
  return target;
});
for (const spec of values.target) targets.push(fileTarget("target", "service", spec));
for (const spec of values.traced) targets.push(fileTarget("traced", "service-otlp-http", spec));
for (const spec of values["traced-grpc"]) targets.push(fileTarget("traced-grpc", "service-otlp-grpc", spec));

/** The benchmark's own autocannon run: the same settings, request timeout included. */
const load = (port, seconds) =>
  runLoad("autocannon", `http://127.0.0.1:${port}${values.path}`, { connections: Number(values.connections), seconds });

/** The trace's lines from a log that holds the access log too: a long run writes more than one string can hold. */
async function gcLines(logFile) {
  const lines = [];
  for await (const line of createInterface({ input: createReadStream(logFile), crlfDelay: Infinity })) {
    if (line.includes(" gc=")) lines.push(line);
  }
  return lines;
}

const work = mkdtempSync(join(tmpdir(), "young-generation-"));
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const sink = targets.some((target) => target.otlpProtocol) ? await startSink() : undefined;
console.log(`GET ${values.path}, ${values.connections} connections, ${values.warmup} s warm-up + ${values.duration} s; one line per target`);
try {
  for (const target of targets) {
    const port = await freePort();
    const spec = target.command(port, sink);
    const logFile = join(work, `${target.id}.log`);
    const handle = startChild(target.label, spec.command, ["--trace-gc-nvp", ...spec.args], { env: spec.env, cwd: spec.cwd, logFile });
    try {
      await waitFor200(handle, `http://127.0.0.1:${port}${values.path}`, { intervalMs: 20 });
      const rssIdle = rssBytes(handle.pid);
      await load(port, Number(values.warmup));
      const result = await load(port, Number(values.duration));
      const rssAfter = rssBytes(handle.pid);
      if (result.errors || result.non2xx) throw new Error(`${target.label}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      const gc = summarizeGcTrace(await gcLines(logFile));
      console.log(
        `${target.label.padEnd(30)} ${String(result.requests).padStart(7)} requests  scavenges ${String(gc.scavenges).padStart(4)}` +
          `  mark-compacts ${gc.markCompacts}  survived per scavenge ${((gc.meanSurvivedBytes ?? 0) / 1000).toFixed(1)} kB` +
          `  promoted ${mb(gc.promotedBytes)} MB` +
          `  young generation ${gc.capacities.map(mb).join(" → ")} MB  RSS idle ${mb(rssIdle)} MB, after ${mb(rssAfter)} MB`,
      );
    } finally {
      await stopChild(handle);
      // The sink keeps what it received until asked: asking lets it go.
      if (sink) await sink.counts();
    }
  }
} finally {
  if (sink) await stopChild(sink.handle);
  rmSync(work, { recursive: true, force: true });
}
