// What each target's young generation does under load, from V8's own trace: minor collections, the
// bytes each one found still alive (which decide how fast V8 grows the young generation), its
// capacities, and RSS after the load. Explains "RSS after load" in `npm run bench`; loopback only,
// bounded by --duration.
//
//   node scripts/bench/youngGeneration.mjs [--duration S] [--warmup S] [--connections N] [--path /info]
//                                          [--target name=path/to/server.js]...
//
// Targets: bare Hono and the built service (app/dist/bootstrap.js) unless --target is given. Each runs
// with `node --trace-gc-nvp`, its stdout (access log and trace) in a temporary file; telemetry off.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { summarizeGcTrace } from "./gcTrace.ts";
import { freePort, rssBytes, startChild, stopChild, waitFor200 } from "./processes.mjs";
import { REPO_ROOT } from "./targets.mjs";

const autocannon = createRequire(join(REPO_ROOT, "package.json"))("autocannon");

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    path: { type: "string", default: "/info" },
    target: { type: "string", multiple: true },
  },
});
const targets = (values.target ?? [`bare-hono=${join(REPO_ROOT, "scripts/bench/servers/bareHono.mjs")}`, `service=${join(REPO_ROOT, "app/dist/bootstrap.js")}`])
  .map((spec) => { const [name, file] = spec.split("="); return { name, file }; });

function load(port, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${values.path}`, connections: Number(values.connections), duration }, (error, result) =>
      error ? reject(error) : resolve(result));
  });
}

const work = mkdtempSync(join(tmpdir(), "young-generation-"));
const mb = (bytes) => (bytes / 1e6).toFixed(1);
console.log(`GET ${values.path}, ${values.connections} connections, ${values.warmup} s warm-up + ${values.duration} s; one line per target`);
try {
  for (const target of targets) {
    const port = await freePort();
    const env = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port) };
    for (const key of Object.keys(env)) if (key.startsWith("OTEL_")) delete env[key];
    const logFile = join(work, `${target.name}.log`);
    const handle = startChild(target.name, process.execPath, ["--trace-gc-nvp", target.file], { env, logFile });
    try {
      await waitFor200(handle, `http://127.0.0.1:${port}${values.path}`, { intervalMs: 20 });
      const rssIdle = rssBytes(handle.pid);
      await load(port, Number(values.warmup));
      const result = await load(port, Number(values.duration));
      const rssAfter = rssBytes(handle.pid);
      if (result.errors || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      const gc = summarizeGcTrace(readFileSync(logFile, "utf8"));
      const requests = result.requests.total;
      console.log(
        `${target.name.padEnd(12)} ${String(requests).padStart(7)} requests  scavenges ${String(gc.scavenges).padStart(4)}` +
          `  mark-compacts ${gc.markCompacts}  survived per scavenge ${((gc.meanSurvivedBytes ?? 0) / 1000).toFixed(1)} kB` +
          `  young generation ${gc.capacities.map(mb).join(" → ")} MB  RSS idle ${mb(rssIdle)} MB, after ${mb(rssAfter)} MB`,
      );
    } finally {
      await stopChild(handle);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
