// Time to encode spans as an OTLP ExportTraceServiceRequest: the service's encoder
// (app/src/otlpTraceSerializer.ts, built into app/dist) against @opentelemetry/otlp-transformer's
// ProtobufTraceSerializer, on batches of 512 server spans like the ones the service records for
// GET /info. Both must give the same bytes (checked here first, and in app/test/otlpTraceSerializer.test.ts).
// Interleaved rounds; prints nanoseconds per span for each round and the best.
//
//   node scripts/bench/otlpEncoding.mjs [--rounds N] [--round-ms N]
//
// Build the service first (cd app && npx tsc -p tsconfig.build.json); npm run bench does it.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const APP = fileURLToPath(new URL("../../app/", import.meta.url));
const appRequire = createRequire(join(APP, "package.json"));
const { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = appRequire("@opentelemetry/sdk-trace");
const { ProtobufTraceSerializer } = appRequire("@opentelemetry/otlp-transformer");
const { serializeTraceExportRequest } = appRequire("./dist/otlpTraceSerializer.js");

const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" }, "round-ms": { type: "string", default: "500" } } });
const rounds = Number(values.rounds);
const roundNs = BigInt(Number(values["round-ms"])) * 1_000_000n;

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer("aca-reference-service", "1.0.0");
const BATCH = 512;
for (let i = 0; i < BATCH; i++) {
  const span = tracer.startSpan("GET", {
    kind: 1,
    attributes: {
      "http.request.method": "GET",
      "url.path": "/info",
      "url.scheme": "http",
      "server.address": "127.0.0.1",
      "server.port": 8000,
      "user_agent.original": "autocannon/9.0.0",
    },
  });
  span.setAttribute("http.route", "/info");
  span.setAttribute("http.response.status_code", 200);
  span.updateName("GET /info");
  span.end();
}
const spans = exporter.getFinishedSpans();

const encoders = { "otlp-transformer": (batch) => ProtobufTraceSerializer.serializeRequest(batch), service: serializeTraceExportRequest };
const reference = Buffer.from(encoders["otlp-transformer"](spans));
if (!reference.equals(Buffer.from(encoders.service(spans)))) throw new Error("the two encoders wrote different bytes");

const perSpan = Object.fromEntries(Object.keys(encoders).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, encode] of Object.entries(encoders)) {
    let batches = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < roundNs) {
      encode(spans);
      batches++;
      elapsed = process.hrtime.bigint() - start;
    }
    perSpan[name].push(Math.round(Number(elapsed) / batches / BATCH));
  }
}
console.log(`Encoding ${BATCH} server spans (${reference.length} bytes) per batch, ${rounds} interleaved rounds of ${values["round-ms"]} ms`);
for (const [name, figures] of Object.entries(perSpan)) {
  console.log(`${name.padEnd(17)} ns per span: ${figures.join(" ")}  best ${Math.min(...figures)}`);
}
