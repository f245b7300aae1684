import { Agent, createServer } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { send } from "./support/http";
import { keepAliveLoad } from "./support/keepAliveLoad";
import { type OtlpReceiver, type ReceivedSpan, SPAN_KIND, STATUS_CODE, startGrpcOtlpReceiver, startHttpOtlpReceiver } from "./support/otlpReceiver";
import { buildService, launch, type LogLine, type ServiceProcess, startService } from "./support/serviceProcess";
import { startUpstream, type Upstream } from "./support/upstream";

/**
 * The compiled service as its own process: real sockets, real signals, stdout parsed line by line,
 * and real OTLP receivers. Compiled once, with tsc, exactly as `npm run build` does.
 */
jest.setTimeout(60_000);

let entry: string;
let cleanup: () => void;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  ({ entry, cleanup } = await buildService());
}, 180_000);

afterAll(() => cleanup?.());

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop("SIGKILL")));
});

async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = await startService(entry, env);
  running.push(service);
  return service;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const accessLines = (service: ServiceProcess) => service.lines.filter((line) => line.message === "request completed");

describe("start-up", () => {
  it("announces itself in one JSON line and answers on its port", async () => {
    const service = await start({ CONTAINER_APP_REVISION: "web--r1" });
    const ready = service.lines.find((line) => line.message === "service ready")!;
    expect(ready).toMatchObject({
      level: "info",
      time: expect.stringMatching(ISO_UTC),
      service: "aca-reference-service",
      revision: "web--r1",
      port: service.port,
      telemetry: "off",
      node: process.version,
      startup_ms: expect.any(Number),
    });
    expect((await send(service.url("/ready"))).status).toBe(200);
  });

  it.each([
    ["PORT=abc", { PORT: "abc" }, ["PORT"]],
    [
      "two bad variables",
      { SHUTDOWN_TIMEOUT_MS: "never", OTEL_EXPORTER_OTLP_PROTOCOL: "carrier-pigeon" },
      ["SHUTDOWN_TIMEOUT_MS", "OTEL_EXPORTER_OTLP_PROTOCOL"],
    ],
  ])("exits non-zero, naming each bad variable, for %s", async (_label, env, names) => {
    const service = launch(entry, env);
    running.push(service);
    const { code } = await service.exited;
    expect(code).toBe(1);
    for (const name of names) expect(service.stderr()).toContain(name);
  });

  it("exits non-zero with a JSON line when the port is taken", async () => {
    const blocker = createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const service = launch(entry, { PORT: String((blocker.address() as AddressInfo).port) });
    running.push(service);
    expect((await service.exited).code).toBe(1);
    blocker.close();
    expect(service.lines).toContainEqual(expect.objectContaining({ level: "fatal", message: "start-up failed", err: expect.objectContaining({ code: "EADDRINUSE" }) }));
  });
});

describe("log lines", () => {
  it("are all JSON with time, level, message and identity; one access line per request, none for probes", async () => {
    const service = await start({ CONTAINER_APP_REVISION: "web--r2", CONTAINER_APP_REPLICA_NAME: "web--r2-abc" });
    await send(service.url("/info"), { headers: { "X-Request-Id": "line-shape-1" } });
    await send(service.url("/api/state/a%7C%7Cb"), { headers: { "X-Request-Id": "line-shape-2" } });
    await send(service.url("/health"));
    await send(service.url("/ready"));
    expect((await service.stop()).code).toBe(0);

    expect(service.rawStdout().trim().split("\n").length).toBe(service.lines.length);
    for (const line of service.lines) {
      expect(line).toMatchObject({
        time: expect.stringMatching(ISO_UTC),
        level: expect.stringMatching(/^(info|warn|error)$/),
        message: expect.any(String),
        service: "aca-reference-service",
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        revision: "web--r2",
        replica: "web--r2-abc",
      });
    }
    expect(accessLines(service)).toEqual([
      expect.objectContaining({ request_id: "line-shape-1", method: "GET", route: "/info", status: 200, duration_ms: expect.any(Number) }),
      expect.objectContaining({ request_id: "line-shape-2", method: "GET", route: "/api/state/:key", status: 400, level: "warn" }),
    ]);
  });
});

describe("graceful shutdown", () => {
  let upstream: Upstream;

  beforeEach(async () => {
    upstream = await startUpstream();
  });

  afterEach(async () => {
    await upstream.close();
  });

  it("turns readiness to 503 at once, finishes every in-flight request, then exits 0", async () => {
    // The drain delay is long enough for the checks made during it, even on a busy machine.
    upstream.delayMs = 1_000;
    const service = await start({ EXTERNAL_DEPENDENCY_URL: upstream.url, SHUTDOWN_DRAIN_DELAY_MS: "4000" });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const inFlight = Array.from({ length: 12 }, () => send(service.url("/api/dependencies/external"), { agent }));
    await upstream.waitForRequests(12);

    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    await service.waitForLine((line) => line.message === "shutdown started; readiness is now 503");

    const ready = await send(service.url("/ready"));
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: "draining" });

    // During the drain delay the platform may still route here: served, but told to reconnect elsewhere.
    upstream.delayMs = 0;
    const late = await send(service.url("/info"));
    expect(late.status).toBe(200);
    expect(late.headers.connection).toBe("close");

    const replies = await Promise.all(inFlight);
    expect(replies.map((reply) => reply.status)).toEqual(Array(12).fill(200));
    expect(replies.every((reply) => reply.headers.connection === "close")).toBe(true);

    const { code, signal } = await service.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(4_000);
    expect(service.lines.at(-1)).toMatchObject({ message: "shutdown complete", forced: false });
    agent.destroy();
  });

  it("closes idle keep-alive connections instead of waiting for them", async () => {
    const service = await start({ SHUTDOWN_TIMEOUT_MS: "20000" });
    const agent = new Agent({ keepAlive: true });
    await send(service.url("/info"), { agent });
    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    expect((await service.exited).code).toBe(0);
    // Well under SHUTDOWN_TIMEOUT_MS: the idle connection was closed, not waited for.
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(service.lines.at(-1)).toMatchObject({ message: "shutdown complete", forced: false });
    agent.destroy();
  });

  it("destroys connections still open at SHUTDOWN_TIMEOUT_MS and still exits 0", async () => {
    upstream.delayMs = 30_000;
    const service = await start({
      EXTERNAL_DEPENDENCY_URL: upstream.url,
      EXTERNAL_DEPENDENCY_TIMEOUT_MS: "60000",
      SHUTDOWN_DRAIN_DELAY_MS: "100",
      SHUTDOWN_TIMEOUT_MS: "1500",
    });
    const stuck = send(service.url("/api/dependencies/external")).then(
      (reply) => `answered ${reply.status}`,
      (error: Error) => error.message,
    );
    await upstream.waitForRequests(1);
    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    expect((await service.exited).code).toBe(0);
    const elapsed = Date.now() - signalledAt;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    // Well before the stuck request could end by itself (30 s).
    expect(elapsed).toBeLessThan(15_000);
    expect(await stuck).toMatch(/socket hang up|ECONNRESET/);
    expect(service.lines).toContainEqual(expect.objectContaining({ message: "shutdown deadline reached; closing open connections" }));
    expect(service.lines.at(-1)).toMatchObject({ message: "shutdown complete", forced: true });
  });

  it("handles SIGINT the same way", async () => {
    const service = await start();
    service.child.kill("SIGINT");
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.lines).toContainEqual(expect.objectContaining({ message: "shutdown started; readiness is now 503", signal: "SIGINT" }));
  });
});

describe("shutdown under keep-alive load", () => {
  /**
   * The race this guards against: clients sending back to back on keep-alive connections, SIGTERM
   * mid-load. Closing with node:http's server.close() destroyed connections accepted a moment before
   * the listener closed, with their first request still on the wire, and those clients saw a reset.
   * Every request a client wrote must be answered; the only clean end for a client is a refused
   * connection, before it wrote anything.
   */
  it.each([
    ["without a drain delay", 1, "0"],
    ["with a drain delay", 1, "300"],
    ["without a drain delay", 2, "0"],
    ["with a drain delay", 2, "300"],
    ["without a drain delay", 3, "0"],
    ["with a drain delay", 3, "300"],
  ])("answers every request written by 32 clients, %s (round %i)", async (_label, _round, drainDelayMs) => {
    const service = await start({ SHUTDOWN_DRAIN_DELAY_MS: drainDelayMs });
    const load = keepAliveLoad(service.url("/info"), { clients: 32, timeLimitMs: 30_000 });
    await load.answered(500);
    service.child.kill("SIGTERM");
    const outcome = await load.finished;
    const { code } = await service.exited;

    expect(outcome.failures).toEqual([]);
    expect(Object.keys(outcome.statuses)).toEqual(["200"]);
    expect(outcome.stoppedByTimeLimit).toBe(0);
    expect(outcome.refused).toBe(32);
    expect(code).toBe(0);
    expect(service.lines.at(-1)).toMatchObject({ message: "shutdown complete", forced: false });
  });
});

describe("telemetry over OTLP to a real receiver", () => {
  let upstream: Upstream;
  let receiver: OtlpReceiver | undefined;

  beforeEach(async () => {
    upstream = await startUpstream();
  });

  afterEach(async () => {
    await upstream.close();
    await receiver?.close();
    receiver = undefined;
  });

  const serverSpan = (spans: ReceivedSpan[], name: string) => spans.find((span) => span.kind === SPAN_KIND.SERVER && span.name === name);

  function telemetryEnv(otlp: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: otlp.protocol,
      OTEL_BSP_SCHEDULE_DELAY: "100",
      OTEL_SERVICE_NAME: "orders-api",
      CONTAINER_APP_REPLICA_NAME: "orders-api--r1-xyz",
      EXTERNAL_DEPENDENCY_URL: upstream.url,
      ...extra,
    };
  }

  /** Every line of the request (its access line is the last) carries the span's trace and span ids. */
  async function expectLogsJoinedTo(service: ServiceProcess, requestId: string, span: ReceivedSpan): Promise<void> {
    await service.waitForLine((line) => line.request_id === requestId && line.message === "request completed");
    const lines = service.lines.filter((line: LogLine) => line.request_id === requestId);
    for (const line of lines) expect(line).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
  }

  it("exports http/protobuf server and client spans whose ids the log lines carry", async () => {
    receiver = await startHttpOtlpReceiver();
    const service = await start(telemetryEnv(receiver));
    expect(JSON.parse((await send(service.url("/info"))).body).telemetry.mode).toBe("otlp-http-protobuf");

    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    // Header names in mixed case, and one header twice: as proxies send them.
    await send(service.url("/info"), {
      headers: {
        TraceParent: `00-${callerTrace}-00f067aa0ba902b7-01`,
        TraceState: "rojo=00f067aa0ba902b7",
        "X-Request-Id": "otlp-info",
        "User-Agent": "orders-client/2.1",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": ["203.0.113.7", "10.0.0.1"],
      },
    });
    await send(service.url("/api/dependencies/external"), { headers: { "X-Request-Id": "otlp-dep" } });
    await send(service.url("/api/exceptions/test-error"), { headers: { "X-Request-Id": "otlp-err" } });
    await send(service.url("/health"));
    await send(service.url("/ready"));

    const spans = await receiver.waitForSpans(
      (received) => ["GET /api/exceptions/test-error", "GET /api/dependencies/external"].every((name) => serverSpan(received, name)),
    );
    expect(receiver.requests[0]).toEqual({ contentType: "application/x-protobuf", path: "/v1/traces" });

    const info = spans.find((span) => span.kind === SPAN_KIND.SERVER && span.traceId === callerTrace)!;
    expect(info).toMatchObject({
      name: "GET /info",
      parentSpanId: "00f067aa0ba902b7",
      traceState: "rojo=00f067aa0ba902b7",
      attributes: expect.objectContaining({
        "http.request.method": "GET",
        "http.route": "/info",
        "http.response.status_code": 200,
        "url.path": "/info",
        "url.scheme": "https",
        "server.address": "127.0.0.1",
        "server.port": Number(new URL(service.url("/")).port),
        "user_agent.original": "orders-client/2.1",
        "client.address": "203.0.113.7",
      }),
      resource: expect.objectContaining({ "service.name": "orders-api", "service.instance.id": "orders-api--r1-xyz", "service.version": expect.any(String) }),
    });
    await expectLogsJoinedTo(service, "otlp-info", info);

    const dependency = serverSpan(spans, "GET /api/dependencies/external")!;
    const client = spans.find((span) => span.kind === SPAN_KIND.CLIENT && span.parentSpanId === dependency.spanId)!;
    expect(client).toMatchObject({ traceId: dependency.traceId, attributes: expect.objectContaining({ "http.response.status_code": 200 }) });
    expect(upstream.received.at(-1)!.headers.traceparent).toBe(`00-${dependency.traceId}-${client.spanId}-01`);
    await expectLogsJoinedTo(service, "otlp-dep", dependency);

    const failure = serverSpan(spans, "GET /api/exceptions/test-error")!;
    expect(failure.status.code).toBe(STATUS_CODE.ERROR);
    expect(failure.events).toContainEqual({ name: "exception", attributes: expect.objectContaining({ "exception.type": "DeliberateTestError" }) });
    await expectLogsJoinedTo(service, "otlp-err", failure);

    expect(spans.filter((span) => /health|ready/.test(span.name))).toEqual([]);
  });

  it("exports over gRPC, as ACA's managed agent expects", async () => {
    receiver = await startGrpcOtlpReceiver();
    const service = await start(telemetryEnv(receiver));
    await send(service.url("/api/state/a%7C%7Cb"), { headers: { "X-Request-Id": "grpc-1" } });
    const spans = await receiver.waitForSpans((received) => serverSpan(received, "GET /api/state/:key") !== undefined);
    const span = serverSpan(spans, "GET /api/state/:key")!;
    expect(span.attributes).toMatchObject({ "http.response.status_code": 400, "http.route": "/api/state/:key" });
    expect(span.resource["service.name"]).toBe("orders-api");
    await expectLogsJoinedTo(service, "grpc-1", span);
  });

  it("flushes queued spans on shutdown", async () => {
    receiver = await startHttpOtlpReceiver();
    const service = await start(telemetryEnv(receiver, { OTEL_BSP_SCHEDULE_DELAY: "600000" }));
    await send(service.url("/info"));
    await service.waitForLine((line) => line.message === "request completed");
    expect(receiver.spans).toEqual([]);
    expect((await service.stop()).code).toBe(0);
    expect(receiver.spans.map((span) => span.name)).toEqual(["GET /info"]);
  });

  it("samples by OTEL_TRACES_SAMPLER: always_off exports nothing", async () => {
    receiver = await startHttpOtlpReceiver();
    const service = await start(telemetryEnv(receiver, { OTEL_TRACES_SAMPLER: "always_off" }));
    await send(service.url("/info"));
    expect((await service.stop()).code).toBe(0);
    expect(receiver.spans).toEqual([]);
  });

  it("keeps serving, and says so in the logs, when the collector is down", async () => {
    receiver = await startHttpOtlpReceiver();
    const endpoint = receiver.endpoint;
    await receiver.close();
    receiver = undefined;
    const service = await start({ ...telemetryEnv({ endpoint, protocol: "http/protobuf" } as OtlpReceiver), OTEL_BSP_EXPORT_TIMEOUT: "1000" });
    expect((await send(service.url("/info"))).status).toBe(200);
    await service.waitForLine((line) => line.component === "opentelemetry" && line.level === "error", 15_000);
    expect((await send(service.url("/info"))).status).toBe(200);
    expect((await service.stop()).code).toBe(0);
  });
});
