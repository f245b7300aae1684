import { type Attributes, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { serializeTraceExportRequest } from "../src/otlpTraceSerializer";

/**
 * The service's OTLP encoder against the reference one, @opentelemetry/otlp-transformer's
 * ProtobufTraceSerializer, which the OTLP exporters use: the same spans must give the same bytes.
 */
describe("serializeTraceExportRequest", () => {
  function expectSameBytesAsTheReference(spans: ReadableSpan[]): Buffer {
    const ours = Buffer.from(serializeTraceExportRequest(spans));
    const reference = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    expect(ours.toString("hex")).toBe(reference.toString("hex"));
    return ours;
  }

  function recordSpans(run: (provider: TracerProvider) => void): ReadableSpan[] {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "aca-reference-service", "service.instance.id": "replica-1" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    run(provider);
    return exporter.getFinishedSpans();
  }

  const remoteParent = {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
  };

  it("writes a server span as the service makes them like the reference encoder", () => {
    const spans = recordSpans((provider) => {
      const span = provider.getTracer("aca-reference-service", "1.0.0").startSpan("GET", {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": "GET", "url.path": "/info", "url.scheme": "http", "server.address": "127.0.0.1", "server.port": 8080 },
      });
      span.setAttribute("http.route", "/info");
      span.setAttribute("http.response.status_code", 200);
      span.updateName("GET /info");
      span.end();
    });
    const bytes = expectSameBytesAsTheReference(spans);
    expect(bytes.includes(Buffer.from("GET /info"))).toBe(true);
  });

  it("writes parents, trace state, links, events, errors and every attribute type like the reference encoder", () => {
    const spans = recordSpans((provider) => {
      const tracer = provider.getTracer("scope-a", "2.0.0");
      const span = tracer.startSpan(
        "POST /api/state/:key",
        {
          kind: SpanKind.CLIENT,
          links: [{ context: remoteParent, attributes: { "link.reason": "retry", attempt: 2 } }, { context: { ...remoteParent, traceState: undefined, isRemote: false } }],
          attributes: {
            ascii: "plain",
            accented: "Grüße, señor",
            emoji: "🚀 launched",
            loneSurrogate: "broken \ud800 pair",
            yes: true,
            no: false,
            zero: 0,
            negative: -42,
            large: 2 ** 40 + 7,
            largest: Number.MAX_SAFE_INTEGER,
            fraction: 3.25,
            notANumber: Number.NaN,
            infinite: Number.POSITIVE_INFINITY,
            strings: ["a", "é", ""],
            numbers: [1, -1, 1.5],
            flags: [true, false],
            withGaps: ["x", null, undefined, "y"] as unknown as string[],
            empty: "",
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, remoteParent),
      );
      span.addEvent("retrying", { attempt: 1, "retry.delay_ms": 12.5 });
      span.recordException(Object.assign(new TypeError("upstream said no"), { code: "E_UPSTREAM" }));
      span.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failed: ünicode message" });
      span.end();
      tracer.startSpan("internal work").end();
      provider.getTracer("scope-b").startSpan("no version, no kind given", { kind: SpanKind.INTERNAL }).end();
    });
    expect(spans).toHaveLength(3);
    expect(spans[0]!.parentSpanContext?.isRemote).toBe(true);
    expectSameBytesAsTheReference(spans);
  });

  it("moves a message whose length takes more or fewer bytes than it left room for, as the reference does", () => {
    const spans = recordSpans((provider) => {
      const tracer = provider.getTracer("s");
      tracer.startSpan("x").end(); // a span message under 128 bytes
      tracer.startSpan("long attribute", { attributes: { big: "b".repeat(20_000), medium: "m".repeat(200), tiny: "t" } }).end();
      tracer.startSpan("y".repeat(130)).end();
    });
    const bytes = expectSameBytesAsTheReference(spans);
    expect(bytes.length).toBeGreaterThan(20_000);
  });

  it("grows its buffer for batches larger than it first guessed", () => {
    const spans = recordSpans((provider) => {
      const tracer = provider.getTracer("s", "1");
      for (let i = 0; i < 600; i++) tracer.startSpan(`span ${i}`, { attributes: { index: i, payload: "p".repeat(i) } }).end();
    });
    const bytes = expectSameBytesAsTheReference(spans);
    expect(bytes.length).toBeGreaterThan(600 * 384 + 1024);
  });

  it("groups spans by resource and by scope in the order it first meets them, as the reference does", () => {
    const first = recordSpans((provider) => {
      provider.getTracer("one", "1").startSpan("a").end();
      provider.getTracer("two").startSpan("b").end();
      provider.getTracer("one", "1").startSpan("c").end();
    });
    const second = recordSpans((provider) => provider.getTracer("three").startSpan("d").end());
    expectSameBytesAsTheReference([first[0]!, second[0]!, first[1]!, first[2]!]);
  });

  it("writes values the SDK would never hand over (byte arrays, nested maps, schema URLs, scope attributes) like the reference", () => {
    const [real] = recordSpans((provider) => provider.getTracer("s").startSpan("real").end());
    const resource = resourceFromAttributes({ "service.name": "svc" }, { schemaUrl: "https://opentelemetry.io/schemas/1.37.0" });
    const crafted: ReadableSpan = {
      ...real!,
      spanContext: () => ({ traceId: "ABCDEF0123456789abcdef0123456789", spanId: "0123456789ABCDEF", traceFlags: TraceFlags.NONE }),
      parentSpanContext: undefined,
      kind: SpanKind.PRODUCER,
      name: "crafted",
      resource,
      instrumentationScope: { name: "crafted-scope", version: "0.1.0", schemaUrl: "https://example.com/schema", attributes: { team: "platform" } } as never,
      attributes: {
        bytes: new Uint8Array([0, 1, 254, 255]),
        nested: { inner: "value", deeper: { count: 3 }, list: [1, "two"] },
        bigNegative: -(2 ** 40),
        tooBigForInt64: 2 ** 64,
      } as unknown as Attributes,
      droppedAttributesCount: 300,
      droppedEventsCount: 2,
      droppedLinksCount: 1,
      events: [{ name: "no attributes", time: [1_700_000_000, 999_999_999], droppedAttributesCount: 1 }],
      links: [{ context: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED }, droppedAttributesCount: 4 }],
      status: { code: SpanStatusCode.OK },
      startTime: [0, 0],
      endTime: [4_294_967_296, 123_456_789],
    };
    expectSameBytesAsTheReference([crafted, real!]);
  });

  it("writes ids with a character that is not a hex digit as the reference reads them", () => {
    const [real] = recordSpans((provider) => provider.getTracer("s").startSpan("real").end());
    const withId = (traceId: string, spanId: string): ReadableSpan => ({
      ...real!,
      spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
    });
    expectSameBytesAsTheReference([
      withId("0af7651916cd43dd8448eb211c80319g", "b7ad6b71692033zz"),
      withId("0af7651916cd43dd-448eb211c80319c", " 7ad6b7169203331"),
      withId("0af7651916cd43dd8448eb211c80319c", "B7AD6B7169203331"),
    ]);
  });

  it("writes attribute values that repeat, change, change back and switch type across spans like the reference", () => {
    const values: unknown[] = [
      "GET", "GET", "POST", "GET", "GET", 200, 200, "200", 200, true, true, 1, 1, false, 0, -0, 0, Number.NaN, Number.NaN,
      "x".repeat(300), "x".repeat(300), "é", "é", ["a"], ["a"], undefined, "GET",
    ];
    const spans = recordSpans((provider) => {
      const tracer = provider.getTracer("s");
      for (const value of values) {
        tracer.startSpan("span", { attributes: { "http.request.method": value, "url.scheme": "http" } as Attributes }).end();
      }
    });
    expectSameBytesAsTheReference(spans);
    // One batch per span too: what is remembered outlives a batch.
    for (const span of spans) expectSameBytesAsTheReference([span]);
  });

  it("writes an attribute whose value changes on every span like the reference, before and after it stops remembering it", () => {
    const spans = recordSpans((provider) => {
      const tracer = provider.getTracer("s");
      for (let i = 0; i < 60; i++) tracer.startSpan("span", { attributes: { "url.path": `/items/${i}`, "server.port": 8080 } }).end();
      for (let i = 0; i < 3; i++) tracer.startSpan("span", { attributes: { "url.path": "/items/same", "server.port": 8080 } }).end();
    });
    expectSameBytesAsTheReference(spans);
  });

  it("writes an empty request for no spans, as the reference does", () => {
    expect(expectSameBytesAsTheReference([])).toHaveLength(0);
  });
});
