// CPU time per request for a fixed number of requests, server process only, interleaved rounds:
// steadier than req/s when other work shares the machine, though still moved by it (caches, the
// other hyperthread); scripts/bench/instructionsPerRequest.sh gives a count the load cannot move.
//
//   node scripts/bench/cpuCost.mjs [--requests N] [--rounds N] [--connections N] [--path /info]
//                                  [--target name=path/to/bootstrap.js]... [--traced name=path/to/bootstrap.js]...
//                                  [--traced-grpc name=path/to/bootstrap.js]...
//
// Targets: bare Hono (scripts/bench/servers/bareHono.mjs) and the built service (app/dist/bootstrap.js)
// unless --target or --traced is given; `--target old=some/dist/bootstrap.js` compares another build. A
// --traced target runs with every request traced (OTEL_TRACES_SAMPLER=always_on) and exported over
// OTLP http/protobuf to the benchmark's sink (sink.mjs), as the benchmark's service-otlp-http target;
// a --traced-grpc one the same over OTLP gRPC, as service-otlp-grpc.
// Prints, per target, the median and minimum CPU µs per request over the rounds and their ratio to
// the first target's.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { startSink } from "./sink.mjs";
import { freePort, stopChild } from "./processes.mjs";
import { describeTargets, fileTarget, REPO_ROOT } from "./targets.mjs";

const autocannon = createRequire(join(REPO_ROOT, "package.json"))("autocannon");
const CLOCK_TICKS_PER_SECOND = 100;

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "100000" },
    warmup: { type: "string", default: "30000" },
    rounds: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    path: { type: "string", default: "/info" },
    target: { type: "string", multiple: true },
    traced: { type: "string", multiple: true },
    "traced-grpc": { type: "string", multiple: true },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
// Every target is started as `npm run bench` starts it (targets.mjs): the same environment, and for a
// traced one the same exporter settings and local sink.
const targets = values.target === undefined && values.traced === undefined && values["traced-grpc"] === undefined
  ? describeTargets().filter((target) => target.id === "bare-hono" || target.id === "service")
  : [
      ...(values.target ?? []).map((spec) => fileTarget("target", "service", spec)),
      ...(values.traced ?? []).map((spec) => fileTarget("traced", "service-otlp-http", spec)),
      ...(values["traced-grpc"] ?? []).map((spec) => fileTarget("traced-grpc", "service-otlp-grpc", spec)),
    ];
const sink = targets.some((target) => target.otlpProtocol) ? await startSink() : undefined;

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime, fields 14 and 15 of stat(5)
}

function load(port, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${values.path}`, connections: Number(values.connections), amount }, (error, result) =>
      error ? reject(error) : resolve(result));
  });
}

async function start(target) {
  const port = await freePort();
  const { command, args, env, cwd } = target.command(port, sink);
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "ignore", "inherit"] });
  for (let attempt = 0; attempt < 300; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    await sleep(50);
  }
  await load(port, Number(values.warmup));
  return { ...target, child, port, samples: [] };
}

const running = [];
for (const target of targets) running.push(await start(target));
try {
  for (let round = 0; round < rounds; round++) {
    for (const target of running) {
      const before = cpuTicks(target.child.pid);
      const result = await load(target.port, requests);
      const ticks = cpuTicks(target.child.pid) - before;
      if (result.errors || result.non2xx) throw new Error(`${target.id}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      target.samples.push((ticks / CLOCK_TICKS_PER_SECOND) * 1e6 / result.requests.total);
    }
  }
} finally {
  for (const target of running) target.child.kill("SIGKILL");
  if (sink !== undefined) {
    const { spans, undecodable } = (await sink.counts())["http/protobuf"];
    console.log(`OTLP sink: ${spans} spans received${undecodable ? `, ${undecodable} undecodable exports` : ""}`);
    await stopChild(sink.handle);
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const base = running[0];
console.log(`${requests} requests × ${rounds} rounds, ${values.connections} connections, GET ${values.path}; CPU µs per request (server process)`);
for (const target of running) {
  const m = median(target.samples), min = Math.min(...target.samples);
  console.log(`${target.id.padEnd(16)} median ${m.toFixed(1).padStart(6)}  min ${min.toFixed(1).padStart(6)}  ${base.id} ÷ this: median ${(median(base.samples) / m).toFixed(2)}  min ${(Math.min(...base.samples) / min).toFixed(2)}  [${target.samples.map((x) => x.toFixed(1)).join(", ")}]`);
}
