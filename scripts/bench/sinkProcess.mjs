// The benchmark's OTLP sink for shell scripts (instructionsPerRequest.sh): prints
// `<http port> <grpc port>` on one line once it listens, then, on SIGTERM or SIGINT, the spans it
// received as one JSON line ({ "http/protobuf": { exportRequests, spans, undecodable }, grpc: … }),
// and exits. Listens on 127.0.0.1 only; gone after BENCH_MAX_LIFETIME_MS (10 minutes) in any case.
import { startSink } from "./sink.mjs";
import { stopChild } from "./processes.mjs";

const sink = await startSink();
process.stdout.write(`${sink.httpPort} ${sink.grpcPort}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  let exitCode = 0;
  try {
    process.stdout.write(`${JSON.stringify(await sink.counts())}\n`);
  } catch (error) {
    process.stderr.write(`OTLP sink gave no counts: ${error.message}\n`);
    exitCode = 1;
  }
  await stopChild(sink.handle);
  process.exit(exitCode);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The sink child exits on its own after its lifetime; so does this, instead of waiting forever.
sink.handle.exited.then(() => {
  if (!stopping) {
    process.stderr.write("OTLP sink exited before it was asked for its counts\n");
    process.exit(1);
  }
});
