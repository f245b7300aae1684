// What V8's minor collections find alive when spans are started and put into a context, with the
// OpenTelemetry API's own contexts (ROOT_CONTEXT.setValue, as `trace.setSpan` calls it) and with the
// service's LinkedContext (app/src/middleware/serverSpans.ts): no HTTP, just the SDK's spans in a loop
// of 500 per turn of the event loop for --seconds. Each variant runs in a child process under
// `node --trace-gc-nvp`; prints minor collections, the mean bytes each found alive and the young
// generation's capacities.
//
//   node scripts/bench/contextSurvivors.mjs [--seconds 3]
//
// Build the service first (cd app && npx tsc -p tsconfig.build.json); npm run bench does it.
import { spawnSync } from "node:child_process";
import { setImmediate } from "node:timers";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { summarizeGcTrace } from "./gcTrace.ts";

const APP = fileURLToPath(new URL("../../app/", import.meta.url));
const { values } = parseArgs({ options: { seconds: { type: "string", default: "3" }, variant: { type: "string" } } });

if (values.variant === undefined) {
  console.log(`tracer.startSpan + trace.setSpan + span.end, 500 per turn, ${values.seconds} s per variant`);
  for (const variant of ["api", "linked"]) {
    const child = spawnSync(process.execPath, ["--trace-gc-nvp", fileURLToPath(import.meta.url), "--variant", variant, "--seconds", values.seconds], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`${variant}: exit ${child.status}\n${child.stderr}`);
    const gc = summarizeGcTrace(child.stdout.split("\n").filter((line) => line.includes(" gc=")));
    const label = variant === "api" ? "API's ROOT_CONTEXT" : "LinkedContext.ROOT";
    console.log(
      `${label.padEnd(20)} ${child.stderr.trim().padStart(9)} spans  minor collections ${String(gc.scavenges).padStart(5)}` +
        `  alive per minor collection ${((gc.meanSurvivedBytes ?? 0) / 1000).toFixed(1)} kB` +
        `  young generation ${gc.capacities.map((bytes) => (bytes / 1e6).toFixed(1)).join(" → ")} MB`,
    );
  }
} else {
  const appRequire = createRequire(join(APP, "package.json"));
  const { ROOT_CONTEXT, SpanKind, trace } = appRequire("@opentelemetry/api");
  const { AlwaysOnSampler, TracerProvider } = appRequire("@opentelemetry/sdk-trace");
  const { LinkedContext } = appRequire("./dist/middleware/serverSpans.js");
  const root = values.variant === "api" ? ROOT_CONTEXT : LinkedContext.ROOT;
  const tracer = new TracerProvider({ sampler: new AlwaysOnSampler() }).getTracer("context-survivors", "1.0.0");
  const attributes = () => ({ "http.request.method": "GET", "url.path": "/info", "url.scheme": "http", "server.address": "127.0.0.1", "server.port": 8000 });
  const until = Date.now() + Number(values.seconds) * 1000;
  let spans = 0;
  const turn = () => {
    for (let i = 0; i < 500; i++) {
      const span = tracer.startSpan("GET", { kind: SpanKind.SERVER, attributes: attributes() }, root);
      if (trace.getSpan(trace.setSpan(root, span)) !== span) throw new Error("the context lost the span");
      span.end();
    }
    spans += 500;
    if (Date.now() < until) setImmediate(turn);
    else process.stderr.write(String(spans));
  };
  turn();
}
