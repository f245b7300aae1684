import { type Context, context, createContextKey, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createApp } from "../../src/app";
import { clientSpans } from "../../src/clientSpans";
import { Lifecycle } from "../../src/lifecycle";
import { LinkedContext, serverSpans } from "../../src/middleware/serverSpans";
import { instrumentOutboundCalls } from "../../src/outbound";
import { activeTraceIds, activeTraceIdsJson, traceIdsInLogs } from "../../src/telemetry";
import { capturingLogger, testConfig } from "../support/testApp";
import { startUpstream, type Upstream } from "../support/upstream";

/**
 * The middleware against an in-memory exporter, wired the way telemetry.ts wires the SDK. The
 * export path itself (OTLP over HTTP and gRPC to a real receiver) is tested in server.test.ts.
 */
describe("serverSpans", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer("test");
  let upstream: Upstream;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    instrumentOutboundCalls(clientSpans(tracer));
    upstream = await startUpstream();
  });

  afterAll(async () => {
    instrumentOutboundCalls(undefined);
    trace.disable();
    propagation.disable();
    context.disable();
    await upstream.close();
  });

  beforeEach(() => exporter.reset());

  function tracedApp(env: Record<string, string> = {}) {
    const config = testConfig({ EXTERNAL_DEPENDENCY_URL: upstream.url, ...env });
    const { logger, lines } = capturingLogger(config, traceIdsInLogs);
    const lifecycle = new Lifecycle();
    lifecycle.markReady();
    return { app: createApp({ config, logger, lifecycle, serverSpans: serverSpans({ tracer }) }), lines };
  }

  const finished = (): ReadableSpan[] => exporter.getFinishedSpans();

  it("opens one SERVER span per request, named after the route template, with HTTP attributes", async () => {
    const { app } = tracedApp();
    await app.request("http://api.example.com:8443/api/state/a%7C%7Cb", {
      headers: { "user-agent": "jest", "x-forwarded-for": "203.0.113.7, 10.0.0.1", "x-forwarded-proto": "https" },
    });
    expect(finished()).toHaveLength(1);
    const [span] = finished();
    expect(span!.name).toBe("GET /api/state/:key");
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.attributes).toEqual({
      "http.request.method": "GET",
      "url.path": "/api/state/a||b",
      "url.scheme": "https",
      "server.address": "api.example.com",
      "server.port": 8443,
      "user_agent.original": "jest",
      "client.address": "203.0.113.7",
      "http.route": "/api/state/:key",
      "http.response.status_code": 400,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("continues the caller's trace from a W3C traceparent", async () => {
    const { app } = tracedApp();
    await app.request("/info", { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } });
    const [span] = finished();
    expect(span!.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span!.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });

  it("starts a new trace when the traceparent is missing or malformed", async () => {
    const { app } = tracedApp();
    await app.request("/info", { headers: { traceparent: "garbage" } });
    const [span] = finished();
    expect(span!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it("marks 5xx and thrown errors as span errors and records the exception", async () => {
    const { app } = tracedApp();
    await app.request("/api/exceptions/test-error");
    const [span] = finished();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes["error.type"]).toBe("DeliberateTestError");
    expect(span!.events.map((event) => [event.name, event.attributes?.["exception.type"]])).toEqual([
      ["exception", "DeliberateTestError"],
    ]);
  });

  it("names a chosen 5xx answer by its status, and keeps its cause as the exception", async () => {
    const { app } = tracedApp({ DAPR_HTTP_PORT: "1" });
    await app.request("/api/state/abc");
    const server = finished().find((span) => span.kind === SpanKind.SERVER)!;
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes["error.type"]).toBe("503");
    expect(server.events[0]?.attributes?.["exception.message"]).toContain("No Dapr sidecar");
  });

  it("leaves 4xx spans unset: the client's fault is not the server's error", async () => {
    const { app } = tracedApp();
    await app.request("/nowhere");
    const [span] = finished();
    expect(span!.name).toBe("GET");
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).not.toHaveProperty("http.route");
    expect(span!.attributes["http.response.status_code"]).toBe(404);
  });

  it("traces a 404 and a request refused by route middleware once each", async () => {
    const { app } = tracedApp({ APP_API_TOKEN: "secret-token" });
    expect((await app.request("/nowhere")).status).toBe(404);
    expect((await app.request("/dapr/subscribe")).status).toBe(401);
    expect(finished().map((span) => [span.name, span.attributes["http.response.status_code"]])).toEqual([
      ["GET", 404],
      ["GET /dapr/*", 401],
    ]);
  });

  it("does not trace probes", async () => {
    const { app } = tracedApp();
    await app.request("/health");
    await app.request("/ready");
    expect(finished()).toEqual([]);
  });

  it("puts the server span's ids on every log line of the request", async () => {
    const { app, lines } = tracedApp();
    await app.request("/api/exceptions/test-error");
    const [span] = finished();
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ trace_id: span!.spanContext().traceId, span_id: span!.spanContext().spanId });
    }
  });

  it("gives access lines the active span's ids as the JSON members the logger's mixin would write, and none outside a span", () => {
    expect(activeTraceIdsJson()).toBe("");
    const span = tracer.startSpan("GET /info");
    context.with(trace.setSpan(context.active(), span), () => {
      const members = Object.entries(activeTraceIds()).map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`);
      expect(members).toHaveLength(2);
      expect(activeTraceIdsJson()).toBe(members.join(""));
      expect(activeTraceIdsJson()).toContain(span.spanContext().traceId);
    });
    span.end();
  });

  it("makes outbound calls CLIENT spans and sends their traceparent along", async () => {
    const { app } = tracedApp();
    await app.request("/api/dependencies/external");
    const spans = finished();
    const server = spans.find((span) => span.kind === SpanKind.SERVER)!;
    const client = spans.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(client.attributes).toMatchObject({
      "http.request.method": "GET",
      "server.address": "127.0.0.1",
      "url.full": `${new URL(upstream.url).origin}/status`,
      "http.response.status_code": 200,
    });
    const traceparent = upstream.received.at(-1)!.headers.traceparent;
    expect(traceparent).toBe(`00-${server.spanContext().traceId}-${client.spanContext().spanId}-01`);
  });
});

describe("LinkedContext", () => {
  const [a, b] = [createContextKey("a"), createContextKey("b")];

  it("answers every sequence of sets and deletes as the API's own context does", () => {
    const steps: ((context: Context) => Context)[] = [
      (c) => c.setValue(a, 1),
      (c) => c.setValue(b, "two"),
      (c) => c.setValue(a, 3),
      (c) => c.deleteValue(a),
      (c) => c.deleteValue(b),
      (c) => c.setValue(b, undefined),
      (c) => c.setValue(a, null),
    ];
    let ours = LinkedContext.ROOT;
    let theirs = ROOT_CONTEXT;
    const history: [Context, Context][] = [[ours, theirs]];
    for (const step of steps) {
      ours = step(ours);
      theirs = step(theirs);
      history.push([ours, theirs]);
    }
    // Every context in the chain still answers as it did when it was made: nothing is changed in place.
    for (const [mine, reference] of history) {
      expect([mine.getValue(a), mine.getValue(b)]).toEqual([reference.getValue(a), reference.getValue(b)]);
    }
  });

  it("carries the span through trace.setSpan and the caller's span context through the W3C propagator", () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const parent = propagation.extract(LinkedContext.ROOT, { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }, {
      get: (carrier, key) => carrier[key as keyof typeof carrier],
      keys: (carrier) => Object.keys(carrier),
    });
    expect(trace.getSpanContext(parent)).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", isRemote: true });
    const span = trace.wrapSpanContext({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7", traceFlags: 1 });
    const withSpan = trace.setSpan(parent, span);
    expect(trace.getSpan(withSpan)).toBe(span);
    expect(trace.getSpanContext(parent)?.spanId).toBe("b7ad6b7169203331");
    propagation.disable();
  });
});
