// A local OTLP trace receiver that accepts everything and answers success at once:
// http/protobuf (POST /v1/traces over HTTP/1.1) and grpc (TraceService/Export over cleartext HTTP/2).
// Bodies are only stored while load runs; spans are counted when the parent asks, so that counting
// takes no CPU from the measured run. Talks to its parent over IPC and exits when the parent goes.
import { createServer } from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import { gunzipSync } from "node:zlib";
import { countSpans, grpcMessages } from "../otlpSpans.ts";
import { exitAfterLifetime } from "./hello.mjs";

const GRPC_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const counts = {
  "http/protobuf": { exportRequests: 0, spans: 0, undecodable: 0 },
  grpc: { exportRequests: 0, spans: 0, undecodable: 0 },
};
const pending = [];

function collect(stream, onEnd) {
  const chunks = [];
  stream.on("data", (chunk) => chunks.push(chunk));
  stream.on("end", () => onEnd(Buffer.concat(chunks)));
}

const http = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/traces") {
    res.writeHead(404).end();
    return;
  }
  collect(req, (body) => {
    pending.push({ protocol: "http/protobuf", body, gzip: req.headers["content-encoding"] === "gzip" });
    res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 }).end();
  });
});

const grpc = createHttp2Server();
grpc.on("stream", (stream, headers) => {
  if (headers[":path"] !== GRPC_EXPORT_PATH) {
    stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" }, { endStream: true });
    return;
  }
  collect(stream, (body) => {
    pending.push({ protocol: "grpc", body });
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
    // An empty ExportTraceServiceResponse: uncompressed flag and a zero length.
    stream.end(Buffer.alloc(5));
  });
});
grpc.on("sessionError", () => {});

function drainPending() {
  for (const { protocol, body, gzip } of pending.splice(0)) {
    const count = counts[protocol];
    count.exportRequests++;
    try {
      const messages = protocol === "grpc" ? grpcMessages(body) : [gzip ? gunzipSync(body) : body];
      for (const message of messages) count.spans += countSpans(message);
    } catch {
      count.undecodable++;
    }
  }
  return counts;
}

process.on("message", (message) => {
  if (message?.type === "counts") process.send({ type: "counts", counts: drainPending() });
});
process.on("disconnect", () => process.exit(0));

let listening = 0;
const ready = () => {
  if (++listening < 2) return;
  process.send({ type: "listening", httpPort: http.address().port, grpcPort: grpc.address().port });
};
http.listen(0, "127.0.0.1", ready);
grpc.listen(0, "127.0.0.1", ready);
exitAfterLifetime();
