import { context, type DiagLogger, type Span, DiagLogLevel, diag, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type ExportResult, ExportResultCode, isTracingSuppressed, loggingErrorHandler, setGlobalErrorHandler, TraceState } from "@opentelemetry/core";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { type EncodedBatchExporter, EncodingSpanProcessor, type EncodingSpanProcessorOptions } from "../src/encodingSpanProcessor";
import type { EncodedSpanBatch } from "../src/otlpTraceSerializer";

/**
 * EncodingSpanProcessor against what it replaces, the SDK's BatchSpanProcessor (BatchSpanProcessorBase in
 * @opentelemetry/sdk-trace): the same batches at the same moments, and in them the bytes the reference
 * serializer (@opentelemetry/otlp-transformer's ProtobufTraceSerializer) writes for the same spans.
 * Time is jest's fake clock throughout, moved by exact milliseconds.
 */

/** One call of the fake exporter's export, answered when the test says. */
interface ExportCall {
  readonly batch: EncodedSpanBatch;
  readonly tracingSuppressed: boolean;
  /** The span active in the context the exporter was called in. */
  readonly activeSpan: Span | undefined;
  answered: boolean;
  answer(result: ExportResult): void;
}

/** An exporter that records what it is given and answers only when told (or at once, if `autoAnswer` is set). */
class FakeExporter implements EncodedBatchExporter {
  readonly calls: ExportCall[] = [];
  shutdowns = 0;
  autoAnswer: ExportResult | undefined;

  export(batch: EncodedSpanBatch, resultCallback: (result: ExportResult) => void): void {
    const call: ExportCall = {
      batch,
      tracingSuppressed: isTracingSuppressed(context.active()),
      activeSpan: trace.getSpan(context.active()),
      answered: false,
      answer(result) {
        call.answered = true;
        resultCallback(result);
      },
    };
    this.calls.push(call);
    if (this.autoAnswer) call.answer(this.autoAnswer);
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }

  /** The span count of each batch, in the order exported. */
  get sizes(): number[] {
    return this.calls.map((call) => call.batch.length);
  }

  succeed(index: number): void {
    this.call(index).answer({ code: ExportResultCode.SUCCESS });
  }

  fail(index: number, error?: Error): void {
    this.call(index).answer({ code: ExportResultCode.FAILED, error });
  }

  call(index: number): ExportCall {
    const call = this.calls[index];
    if (call === undefined) throw new Error(`export #${index} was never called (${this.calls.length} calls)`);
    return call;
  }
}

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/** A promise's state, readable synchronously. */
function track(promise: Promise<unknown>): { state: "pending" | "resolved" | "rejected"; error: unknown } {
  const tracked = { state: "pending" as "pending" | "resolved" | "rejected", error: undefined as unknown };
  promise.then(
    () => (tracked.state = "resolved"),
    (error: unknown) => {
      tracked.state = "rejected";
      tracked.error = error;
    },
  );
  return tracked;
}

/** Moves the fake clock by `ms` (0: only lets pending promise callbacks run). */
function tick(ms = 0): Promise<void> {
  return jest.advanceTimersByTimeAsync(ms);
}

function hex(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString("hex");
}

/** What the reference serializer writes for `spans`: what the SDK's OTLP exporters would send. */
function referenceBytes(spans: readonly ReadableSpan[]): string {
  return hex(ProtobufTraceSerializer.serializeRequest([...spans]));
}

function expectBatchOf(call: ExportCall, spans: readonly ReadableSpan[]): void {
  expect(call.batch.length).toBe(spans.length);
  expect(hex(call.batch.serialize())).toBe(referenceBytes(spans));
}

/** Every export call, in order, held the next `batchSize` of `spans`, and there was no other. */
function expectBatchesOf(exporter: FakeExporter, spans: readonly ReadableSpan[], batchSize: number): void {
  expect(exporter.calls).toHaveLength(Math.ceil(spans.length / batchSize));
  exporter.calls.forEach((call, index) => expectBatchOf(call, spans.slice(index * batchSize, (index + 1) * batchSize)));
}

const DEFAULTS = { scheduledDelayMillis: 1_000, maxQueueSize: 100, maxExportBatchSize: 10, exportTimeoutMillis: 30_000 };

interface SetupOptions extends Partial<Omit<EncodingSpanProcessorOptions, "exporter">> {
  readonly sampler?: Sampler;
  readonly resource?: Resource;
}

/**
 * A TracerProvider whose spans go to the processor under test and, through a SimpleSpanProcessor, to an
 * InMemorySpanExporter, which keeps the ReadableSpans to compare the processor's batches with.
 */
function setup(options: SetupOptions = {}) {
  const { sampler, resource, ...settings } = options;
  const exporter = new FakeExporter();
  const processor = new EncodingSpanProcessor({ exporter, ...DEFAULTS, ...settings });
  const recorder = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resource ?? resourceFromAttributes({ "service.name": "aca-reference-service", "service.instance.id": "replica-1" }),
    sampler: sampler ?? new AlwaysOnSampler(),
    spanProcessors: [processor, new SimpleSpanProcessor({ exporter: recorder })],
  });
  const tracer = provider.getTracer("test-scope", "1.0.0");
  let next = 0;
  /** Ends `count` spans named span-0, span-1, …, numbered across calls. */
  const endSpans = (count: number): void => {
    for (let i = 0; i < count; i++, next++) tracer.startSpan(`span-${next}`, { attributes: { index: next } }).end();
  };
  /** The spans ended so far, sampled ones only, in the order they ended. */
  const ended = (): ReadableSpan[] => recorder.getFinishedSpans();
  return { exporter, processor, provider, tracer, endSpans, ended };
}

/** A sampler that records spans without sampling them: the SDK ends them, with traceFlags lacking SAMPLED. */
const recordOnlySampler: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => "RecordOnlySampler",
};

const remoteParent = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  isRemote: true,
  traceState: new TraceState("rojo=00f067aa0ba902b7"),
};

/** A diag logger that keeps every message, as "level: message". */
function recordDiag(): string[] {
  const messages: string[] = [];
  const at =
    (level: string) =>
    (message: string): void => {
      messages.push(`${level}: ${message}`);
    };
  const logger: DiagLogger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), verbose: at("verbose") };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return messages;
}

/** Sends the global error handler's errors to a list. */
function recordGlobalErrors(): unknown[] {
  const errors: unknown[] = [];
  setGlobalErrorHandler((error) => errors.push(error));
  return errors;
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "queueMicrotask"] });
});

afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
  diag.disable();
  context.disable();
  setGlobalErrorHandler(loggingErrorHandler());
});

describe("EncodingSpanProcessor", () => {
  describe("what the exporter receives", () => {
    it("hands the exporter the bytes the reference serializer writes for the same spans, with attributes, events, links, errors and two scopes", async () => {
      const { exporter, processor, provider, ended } = setup();
      const scopeA = provider.getTracer("scope-a", "2.0.0");
      const scopeB = provider.getTracer("scope-b");
      const span = scopeA.startSpan(
        "POST /api/state/:key",
        {
          kind: SpanKind.CLIENT,
          links: [{ context: { ...remoteParent, traceFlags: TraceFlags.SAMPLED }, attributes: { "link.reason": "retry", attempt: 2 } }],
          attributes: { "http.request.method": "POST", "server.port": 3500, retried: true, ratio: 0.25, tags: ["a", "é"] },
        },
        trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, traceFlags: TraceFlags.SAMPLED }),
      );
      span.addEvent("retrying", { attempt: 1 });
      span.recordException(new TypeError("upstream said no"));
      span.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failed" });
      span.end();
      scopeB.startSpan("GET /info", { kind: SpanKind.SERVER }).end();
      scopeA.startSpan("internal work").end();
      scopeB.startSpan("ok", {}).end();

      exporter.autoAnswer = SUCCESS;
      await processor.forceFlush();

      const spans = ended();
      expect(spans.map((s) => s.name)).toEqual(["POST /api/state/:key", "GET /info", "internal work", "ok"]);
      expect(exporter.calls).toHaveLength(1);
      expectBatchOf(exporter.call(0), spans);
      // The exporter may serialize the batch again (a retry): the same bytes.
      expect(hex(exporter.call(0).batch.serialize())).toBe(referenceBytes(spans));
    });

    it("hands over each batch's spans in the order they ended, the reference serializer's bytes for each batch", async () => {
      const { exporter, processor, endSpans, ended } = setup({ maxExportBatchSize: 3 });
      exporter.autoAnswer = SUCCESS;
      endSpans(7);
      await processor.forceFlush();
      const spans = ended();
      expect(exporter.sizes).toEqual([3, 3, 1]);
      expectBatchesOf(exporter, spans, 3);
    });

    it("encodes spans from two resources in one batch as the reference serializer does", async () => {
      const exporter = new FakeExporter();
      exporter.autoAnswer = SUCCESS;
      const processor = new EncodingSpanProcessor({ exporter, ...DEFAULTS });
      const recorder = new InMemorySpanExporter();
      const providerFor = (name: string) =>
        new TracerProvider({ resource: resourceFromAttributes({ "service.name": name }), spanProcessors: [processor, new SimpleSpanProcessor({ exporter: recorder })] });
      const first = providerFor("first");
      const second = providerFor("second");
      first.getTracer("s").startSpan("a").end();
      second.getTracer("s").startSpan("b").end();
      first.getTracer("s").startSpan("c").end();
      await processor.forceFlush();
      expectBatchOf(exporter.call(0), recorder.getFinishedSpans());
    });

    it("encodes spans of one scope through two tracer providers sharing a resource as the reference serializer does", async () => {
      const exporter = new FakeExporter();
      exporter.autoAnswer = SUCCESS;
      const processor = new EncodingSpanProcessor({ exporter, ...DEFAULTS });
      const recorder = new InMemorySpanExporter();
      const resource = resourceFromAttributes({ "service.name": "shared" });
      const providerFor = () => new TracerProvider({ resource, spanProcessors: [processor, new SimpleSpanProcessor({ exporter: recorder })] });
      const first = providerFor();
      const second = providerFor();
      first.getTracer("same-scope", "1").startSpan("a").end();
      second.getTracer("same-scope", "1").startSpan("b").end();
      await processor.forceFlush();
      expectBatchOf(exporter.call(0), recorder.getFinishedSpans());
    });
  });

  describe("sampling", () => {
    it("exports nothing when the sampler drops every span", async () => {
      const { exporter, processor, endSpans } = setup({ sampler: new AlwaysOffSampler(), maxExportBatchSize: 2 });
      exporter.autoAnswer = SUCCESS;
      endSpans(5);
      await tick(DEFAULTS.scheduledDelayMillis * 2);
      await processor.forceFlush();
      await processor.shutdown();
      expect(exporter.calls).toHaveLength(0);
      expect(exporter.shutdowns).toBe(1);
    });

    it("ignores spans that end recorded but not sampled (traceFlags without SAMPLED), and exports the sampled ones", async () => {
      const recording = setup({ sampler: recordOnlySampler, maxExportBatchSize: 2 });
      const onEnd = jest.spyOn(recording.processor, "onEnd");
      recording.exporter.autoAnswer = SUCCESS;
      recording.endSpans(5);
      // The SDK did hand the processor the spans, unsampled.
      expect(onEnd).toHaveBeenCalledTimes(5);
      expect(onEnd.mock.calls.every(([span]) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0)).toBe(true);
      await tick(DEFAULTS.scheduledDelayMillis);
      await recording.processor.forceFlush();
      expect(recording.exporter.calls).toHaveLength(0);

      // The same processor code with sampled spans does export: the test above is not vacuous.
      const sampled = setup({ maxExportBatchSize: 2 });
      sampled.exporter.autoAnswer = SUCCESS;
      sampled.endSpans(5);
      await sampled.processor.forceFlush();
      expect(sampled.exporter.sizes).toEqual([2, 2, 1]);
    });

    it("exports nothing under a remote parent that was not sampled, with a ParentBased sampler, but exports the children of a sampled one", async () => {
      const { exporter, processor, tracer, ended } = setup({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }) });
      exporter.autoAnswer = SUCCESS;
      const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, traceFlags: TraceFlags.NONE });
      tracer.startSpan("child of unsampled", {}, unsampledParent).end();
      await processor.forceFlush();
      expect(exporter.calls).toHaveLength(0);

      const sampledParent = trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, traceFlags: TraceFlags.SAMPLED });
      tracer.startSpan("child of sampled", {}, sampledParent).end();
      await processor.forceFlush();
      expect(ended().map((s) => s.name)).toEqual(["child of sampled"]);
      expectBatchOf(exporter.call(0), ended());
    });

    it("drops recorded children of an unsampled remote parent when ParentBased records them without sampling", async () => {
      const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler(), remoteParentNotSampled: recordOnlySampler });
      const { exporter, processor, tracer } = setup({ sampler });
      const onEnd = jest.spyOn(processor, "onEnd");
      exporter.autoAnswer = SUCCESS;
      tracer.startSpan("recorded only", {}, trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, traceFlags: TraceFlags.NONE })).end();
      expect(onEnd).toHaveBeenCalledTimes(1);
      await processor.forceFlush();
      expect(exporter.calls).toHaveLength(0);
    });
  });

  describe("when batches are exported", () => {
    it("exports a batch as soon as it holds maxExportBatchSize spans, without waiting for the timer", async () => {
      const { exporter, endSpans, ended } = setup({ maxExportBatchSize: 3, scheduledDelayMillis: 1_000 });
      endSpans(2);
      await tick();
      expect(exporter.calls).toHaveLength(0);
      endSpans(1);
      // Synchronously, in the third span's end().
      expect(exporter.sizes).toEqual([3]);
      expectBatchOf(exporter.call(0), ended());
    });

    it("sets aside for a new batch what the last full batch took and more, so a slightly larger batch is encoded without growing its buffer", async () => {
      const { exporter, endSpans, ended } = setup({ maxExportBatchSize: 10 });
      endSpans(10);
      expect(exporter.sizes).toEqual([10]);
      exporter.succeed(0);
      await tick();
      // span-10 … span-19 take a byte more each than span-0 … span-9 (a longer name).
      const allocations = jest.spyOn(Buffer, "allocUnsafe");
      try {
        endSpans(10);
        expect(allocations).toHaveBeenCalledTimes(1);
      } finally {
        allocations.mockRestore();
      }
      expect(exporter.call(1).batch.byteLength).toBeGreaterThan(exporter.call(0).batch.byteLength);
      expectBatchesOf(exporter, ended(), 10);
    });

    it("exports a batch that never fills scheduledDelayMillis after its first span ended, and not before", async () => {
      const { exporter, endSpans, ended } = setup({ maxExportBatchSize: 10, scheduledDelayMillis: 1_000 });
      exporter.autoAnswer = SUCCESS;
      endSpans(1);
      await tick(400);
      endSpans(2); // later spans do not push the export back
      await tick(599);
      expect(exporter.calls).toHaveLength(0);
      await tick(1);
      expect(exporter.sizes).toEqual([3]);
      expectBatchOf(exporter.call(0), ended());
    });

    it("exports the remainder after a full batch scheduledDelayMillis after the first span of the new batch, and not before", async () => {
      const { exporter, endSpans, ended } = setup({ maxExportBatchSize: 3, scheduledDelayMillis: 1_000 });
      exporter.autoAnswer = SUCCESS;
      endSpans(1);
      await tick(300);
      endSpans(2); // fills the batch at t=300: exported at once, and the delay started at t=0 is cancelled
      expect(exporter.sizes).toEqual([3]);
      await tick(200);
      endSpans(1); // t=500: the first span of the new batch
      await tick(300);
      endSpans(1); // t=800
      await tick(699); // t=1499
      expect(exporter.sizes).toEqual([3]);
      await tick(1); // t=1500
      expect(exporter.sizes).toEqual([3, 2]);
      expectBatchOf(exporter.call(1), ended().slice(3));
      await tick(10_000);
      expect(exporter.sizes).toEqual([3, 2]);
    });

    it("starts the delay for spans that ended during an export when that export calls back, as the SDK's processor does", async () => {
      const { exporter, endSpans } = setup({ maxExportBatchSize: 2, scheduledDelayMillis: 1_000 });
      endSpans(3); // a full batch on the wire, one span waiting
      expect(exporter.sizes).toEqual([2]);
      await tick(5_000);
      expect(exporter.sizes).toEqual([2]);
      exporter.succeed(0); // t=5000
      await tick(999);
      expect(exporter.sizes).toEqual([2]);
      await tick(1);
      expect(exporter.sizes).toEqual([2, 1]);
    });
  });

  describe("one export at a time", () => {
    it("holds further full batches while an export has not called back, and sends the next when it does", async () => {
      const { exporter, endSpans, ended } = setup({ maxExportBatchSize: 2, scheduledDelayMillis: 1_000 });
      recordGlobalErrors();
      endSpans(6);
      expect(exporter.sizes).toEqual([2]);
      await tick(10_000);
      expect(exporter.sizes).toEqual([2]);

      exporter.succeed(0);
      await tick();
      expect(exporter.sizes).toEqual([2, 2]);
      await tick(10_000);
      expect(exporter.sizes).toEqual([2, 2]);

      exporter.fail(1, new Error("collector down")); // a failure releases the next batch too
      await tick();
      expect(exporter.sizes).toEqual([2, 2, 2]);
      exporter.succeed(2);
      await tick(10_000);
      expect(exporter.sizes).toEqual([2, 2, 2]);

      const spans = ended();
      expectBatchesOf(exporter, spans, 2);
    });

    // The SDK's BatchSpanProcessor (sdk-trace 3.1) slips here: the `.catch` of a failed export clears
    // `_isExporting` after its `.finally` has started the next export, so a span ending then gets a timer
    // and a second export runs alongside. This processor keeps to one export at a time.
    it("keeps to one export at a time after a failed export: spans ending while the next export is on the wire wait for it", async () => {
      const errors = recordGlobalErrors();
      const { exporter, endSpans } = setup({ maxExportBatchSize: 2, scheduledDelayMillis: 1_000 });
      endSpans(4);
      expect(exporter.sizes).toEqual([2]);
      exporter.fail(0, new Error("collector down"));
      await tick();
      expect(exporter.sizes).toEqual([2, 2]);
      endSpans(1);
      await tick(5_000);
      expect(exporter.sizes).toEqual([2, 2]);
      exporter.succeed(1);
      await tick(999);
      expect(exporter.sizes).toEqual([2, 2]);
      await tick(1);
      expect(exporter.sizes).toEqual([2, 2, 1]);
      expect(errors).toHaveLength(1);
    });

    it("does not run a timer-driven export while another is on the wire", async () => {
      const { exporter, endSpans } = setup({ maxExportBatchSize: 5, scheduledDelayMillis: 1_000 });
      endSpans(1);
      await tick(1_000);
      expect(exporter.sizes).toEqual([1]);
      endSpans(1);
      await tick(20_000);
      expect(exporter.sizes).toEqual([1]);
      exporter.succeed(0);
      await tick(1_000);
      expect(exporter.sizes).toEqual([1, 1]);
    });
  });

  describe("maxQueueSize", () => {
    it("drops spans beyond maxQueueSize waiting, not counting the batch on the wire", async () => {
      const { exporter, processor, endSpans, ended } = setup({ maxQueueSize: 4, maxExportBatchSize: 2 });
      endSpans(2); // on the wire: spans 0-1
      endSpans(4); // waiting: spans 2-5, the queue is full
      endSpans(3); // dropped: spans 6-8
      expect(exporter.sizes).toEqual([2]);

      exporter.succeed(0); // spans 2-3 go on the wire, 2 wait
      await tick();
      expect(exporter.sizes).toEqual([2, 2]);
      endSpans(3); // spans 9-10 accepted (4 waiting), span 11 dropped

      exporter.autoAnswer = SUCCESS;
      exporter.succeed(1);
      await processor.forceFlush();
      await tick();
      const spans = ended();
      expect(exporter.sizes.reduce((a, b) => a + b)).toBe(8);
      const kept = [0, 1, 2, 3, 4, 5, 9, 10].map((i) => spans[i]!);
      expectBatchesOf(exporter, kept, 2);
    });

    it("logs a warning with the number of spans dropped once room frees and a span is accepted again", async () => {
      const messages = recordDiag();
      const { exporter, endSpans } = setup({ maxQueueSize: 2, maxExportBatchSize: 2 });
      endSpans(2); // on the wire
      endSpans(2); // waiting, the queue is full
      endSpans(3); // dropped
      expect(messages.filter((m) => m.startsWith("debug: maxQueueSize"))).toEqual(["debug: maxQueueSize reached, dropping spans"]);
      expect(messages.filter((m) => m.includes("Dropped"))).toEqual([]);

      exporter.succeed(0); // the waiting batch goes on the wire: room for 2
      await tick();
      expect(messages.filter((m) => m.includes("Dropped"))).toEqual([]);
      endSpans(1);
      expect(messages.filter((m) => m.includes("Dropped"))).toEqual(["warn: Dropped 3 spans because maxQueueSize reached"]);
      endSpans(1);
      endSpans(1); // dropped again: the count starts over
      expect(messages.filter((m) => m.includes("Dropped"))).toHaveLength(1);

      exporter.succeed(1);
      await tick();
      endSpans(1);
      expect(messages.filter((m) => m.includes("Dropped"))).toEqual([
        "warn: Dropped 3 spans because maxQueueSize reached",
        "warn: Dropped 1 spans because maxQueueSize reached",
      ]);
      expect(messages.filter((m) => m.startsWith("debug: maxQueueSize"))).toHaveLength(2);
    });

    it("caps maxExportBatchSize at maxQueueSize", async () => {
      const { exporter, endSpans } = setup({ maxQueueSize: 3, maxExportBatchSize: 10, scheduledDelayMillis: 1_000 });
      endSpans(3);
      // A batch of 3 went at once, without waiting for the timer: 3 is the batch size.
      expect(exporter.sizes).toEqual([3]);
      endSpans(4); // 3 wait, the fourth is dropped
      exporter.succeed(0);
      await tick();
      expect(exporter.sizes).toEqual([3, 3]);
      exporter.succeed(1);
      await tick(10_000);
      expect(exporter.sizes).toEqual([3, 3]);
    });
  });

  describe("forceFlush", () => {
    it("exports every waiting span, in batches of at most maxExportBatchSize, and resolves once the exporter has called back", async () => {
      const { exporter, processor, endSpans, ended } = setup({ maxExportBatchSize: 3, scheduledDelayMillis: 1_000 });
      endSpans(8); // spans 0-2 on the wire, 3-5 a full batch waiting, 6-7 filling
      expect(exporter.sizes).toEqual([3]);
      const flushed = track(processor.forceFlush());
      expect(exporter.sizes).toEqual([3, 3, 2]);
      const spans = ended();
      expectBatchOf(exporter.call(1), spans.slice(3, 6));
      expectBatchOf(exporter.call(2), spans.slice(6, 8));

      exporter.succeed(2);
      await tick();
      expect(flushed.state).toBe("pending");
      exporter.succeed(1);
      await tick();
      // Like the SDK's processor, forceFlush waits for the batches it sent, not for the one already on the wire.
      expect(flushed.state).toBe("resolved");
      expect(exporter.call(0).answered).toBe(false);

      // Nothing is left for the timer.
      exporter.succeed(0);
      await tick(10_000);
      expect(exporter.sizes).toEqual([3, 3, 2]);
    });

    it("resolves at once, without calling the exporter, when nothing waits", async () => {
      const { exporter, processor } = setup();
      const flushed = track(processor.forceFlush());
      await tick();
      expect(flushed.state).toBe("resolved");
      expect(exporter.calls).toHaveLength(0);
    });

    it("cancels the pending delay, so the flushed spans are not exported again", async () => {
      const { exporter, processor, endSpans } = setup({ scheduledDelayMillis: 1_000 });
      exporter.autoAnswer = SUCCESS;
      endSpans(2);
      await tick(500);
      await processor.forceFlush();
      expect(exporter.sizes).toEqual([2]);
      await tick(10_000);
      expect(exporter.sizes).toEqual([2]);
      endSpans(1); // a new batch gets a new delay
      await tick(999);
      expect(exporter.sizes).toEqual([2]);
      await tick(1);
      expect(exporter.sizes).toEqual([2, 1]);
    });

    it("rejects with the exporter's error when an export fails", async () => {
      const { exporter, processor, endSpans } = setup({ maxExportBatchSize: 2 });
      const errors = recordGlobalErrors();
      exporter.autoAnswer = SUCCESS;
      endSpans(2); // exported at once, successfully
      exporter.autoAnswer = undefined;
      endSpans(3);
      const flushed = track(processor.forceFlush());
      expect(exporter.sizes).toEqual([2, 2, 1]);
      const error = new Error("collector said 503");
      exporter.succeed(1);
      exporter.fail(2, error);
      await tick();
      expect(flushed.state).toBe("rejected");
      expect(flushed.error).toBe(error);
      // forceFlush's failure is its caller's to handle, not the global handler's.
      expect(errors).toEqual([]);
    });

    it("rejects with an error of its own when the exporter fails without one", async () => {
      const { exporter, processor, endSpans } = setup();
      endSpans(1);
      const flushed = track(processor.forceFlush());
      exporter.fail(0);
      await tick();
      expect(flushed.state).toBe("rejected");
      expect(flushed.error).toBeInstanceOf(Error);
      expect((flushed.error as Error).message).toMatch(/span export failed/);
    });
  });

  describe("shutdown", () => {
    it("exports what is waiting, then shuts the exporter down once the export has called back", async () => {
      const { exporter, processor, endSpans, ended } = setup({ maxExportBatchSize: 3 });
      endSpans(5); // 3 on the wire, 2 waiting
      const shutDown = track(processor.shutdown());
      await tick();
      expect(exporter.sizes).toEqual([3, 2]);
      expectBatchOf(exporter.call(1), ended().slice(3));
      expect(exporter.shutdowns).toBe(0);
      exporter.succeed(1);
      await tick();
      expect(exporter.shutdowns).toBe(1);
      expect(shutDown.state).toBe("resolved");
    });

    it("ignores spans that end after shutdown", async () => {
      const { exporter, processor, endSpans } = setup({ maxExportBatchSize: 2 });
      exporter.autoAnswer = SUCCESS;
      endSpans(1);
      await processor.shutdown();
      expect(exporter.sizes).toEqual([1]);
      endSpans(5);
      await tick(60_000);
      await processor.forceFlush();
      expect(exporter.sizes).toEqual([1]);
    });

    it("returns the same outcome when called twice, and shuts the exporter down only once", async () => {
      const { exporter, processor, endSpans } = setup();
      exporter.autoAnswer = SUCCESS;
      endSpans(2);
      const first = processor.shutdown();
      const second = processor.shutdown();
      expect(second).toBe(first);
      await Promise.all([first, second]);
      await processor.shutdown();
      expect(exporter.sizes).toEqual([2]);
      expect(exporter.shutdowns).toBe(1);
    });

    it("rejects every call with the same error when its final export fails, without shutting the exporter down, as the SDK's processor does", async () => {
      const { exporter, processor, endSpans } = setup();
      endSpans(1);
      const first = track(processor.shutdown());
      const second = track(processor.shutdown());
      const error = new Error("collector unreachable");
      exporter.fail(0, error);
      await tick();
      expect([first.state, second.state]).toEqual(["rejected", "rejected"]);
      expect(first.error).toBe(error);
      expect(second.error).toBe(error);
      expect(exporter.sizes).toEqual([1]);
      expect(exporter.shutdowns).toBe(0);
    });

    it("makes forceFlush after shutdown return the shutdown's outcome without exporting again", async () => {
      const { exporter, processor, endSpans } = setup();
      endSpans(2);
      const shutDown = processor.shutdown();
      const flushed = track(processor.forceFlush());
      expect(processor.forceFlush()).toBe(shutDown);
      expect(exporter.sizes).toEqual([2]);
      await tick();
      expect(flushed.state).toBe("pending"); // it waits for the shutdown's export
      exporter.succeed(0);
      await tick();
      expect(flushed.state).toBe("resolved");
      await processor.forceFlush();
      expect(exporter.sizes).toEqual([2]);
      expect(exporter.shutdowns).toBe(1);
    });
  });

  describe("exportTimeoutMillis", () => {
    it("fails an export that never calls back after exportTimeoutMillis: forceFlush rejects with a Timeout error", async () => {
      const { exporter, processor, endSpans } = setup({ exportTimeoutMillis: 5_000 });
      endSpans(1);
      const flushed = track(processor.forceFlush());
      expect(exporter.sizes).toEqual([1]);
      await tick(4_999);
      expect(flushed.state).toBe("pending");
      await tick(1);
      expect(flushed.state).toBe("rejected");
      expect(flushed.error).toBeInstanceOf(Error);
      expect((flushed.error as Error).message).toBe("Timeout");
      // A late answer changes nothing.
      exporter.succeed(0);
      await tick();
      expect(flushed.state).toBe("rejected");
    });

    it("moves on to the next batch when a timer-driven export times out, reporting the timeout to the global error handler", async () => {
      const errors = recordGlobalErrors();
      const { exporter, endSpans } = setup({ maxExportBatchSize: 2, exportTimeoutMillis: 5_000 });
      endSpans(4);
      expect(exporter.sizes).toEqual([2]);
      await tick(4_999);
      expect(exporter.sizes).toEqual([2]);
      expect(errors).toEqual([]);
      await tick(1);
      expect(exporter.sizes).toEqual([2, 2]);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe("Timeout");
    });

    it("does not time out an export that calls back in time", async () => {
      const errors = recordGlobalErrors();
      const { exporter, processor, endSpans } = setup({ exportTimeoutMillis: 5_000 });
      endSpans(1);
      const flushed = track(processor.forceFlush());
      await tick(4_999);
      exporter.succeed(0);
      await tick(60_000);
      expect(flushed.state).toBe("resolved");
      expect(errors).toEqual([]);
    });
  });

  describe("context", () => {
    it("calls the exporter with tracing suppressed, whether the export is driven by a full batch, the timer, forceFlush or shutdown", async () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const { exporter, processor, tracer, endSpans } = setup({ maxExportBatchSize: 2, scheduledDelayMillis: 1_000 });
      exporter.autoAnswer = SUCCESS;
      // Ended inside an active span's context, which is not suppressed.
      tracer.startActiveSpan("parent", (parent) => {
        expect(isTracingSuppressed(context.active())).toBe(false);
        endSpans(2); // full batch
        parent.end();
      });
      await tick(1_000); // timer
      endSpans(1);
      await processor.forceFlush();
      endSpans(1);
      await processor.shutdown();
      expect(exporter.sizes).toEqual([2, 1, 1, 1]);
      expect(exporter.calls.map((call) => call.tracingSuppressed)).toEqual([true, true, true, true]);
      expect(isTracingSuppressed(context.active())).toBe(false);
    });

    it("exports in a context of its own, which keeps nothing of the span active when the batch filled", () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const { exporter, tracer, endSpans } = setup({ maxExportBatchSize: 2 });
      tracer.startActiveSpan("request", (request) => {
        endSpans(2); // fills the batch inside the request's context
        request.end();
      });
      expect(exporter.calls).toHaveLength(1);
      expect(exporter.calls[0]!.tracingSuppressed).toBe(true);
      expect(exporter.calls[0]!.activeSpan).toBeUndefined();
    });
  });

  describe("resources with asynchronous attributes", () => {
    function pendingResource() {
      let resolve!: (value: string) => void;
      const region = new Promise<string>((r) => (resolve = r));
      const resource = resourceFromAttributes({ "service.name": "svc", "cloud.region": region });
      return { resource, resolve };
    }

    it("waits for a resource's pending attributes before a forceFlush export, and sends them", async () => {
      const { resource, resolve } = pendingResource();
      expect(resource.asyncAttributesPending).toBe(true);
      const { exporter, processor, endSpans, ended } = setup({ resource });
      endSpans(2);
      const flushed = track(processor.forceFlush());
      await tick(1_000);
      expect(exporter.calls).toHaveLength(0);
      expect(flushed.state).toBe("pending");

      resolve("westeurope");
      await tick();
      expect(exporter.sizes).toEqual([2]);
      const bytes = Buffer.from(exporter.call(0).batch.serialize());
      expect(bytes.includes(Buffer.from("westeurope"))).toBe(true);
      expectBatchOf(exporter.call(0), ended());
      expect(flushed.state).toBe("pending");
      exporter.succeed(0);
      await tick();
      expect(flushed.state).toBe("resolved");
    });

    it("waits for a resource's pending attributes before a timer-driven export", async () => {
      const { resource, resolve } = pendingResource();
      const { exporter, endSpans, ended } = setup({ resource, scheduledDelayMillis: 1_000 });
      endSpans(1);
      await tick(5_000);
      expect(exporter.calls).toHaveLength(0);
      resolve("northeurope");
      await tick();
      expect(exporter.sizes).toEqual([1]);
      expectBatchOf(exporter.call(0), ended());
    });

    it("waits for a resource's pending attributes before exporting a full batch, holding the batches behind it", async () => {
      const { resource, resolve } = pendingResource();
      const { exporter, endSpans, ended } = setup({ resource, maxExportBatchSize: 2 });
      exporter.autoAnswer = SUCCESS;
      endSpans(4);
      await tick(5_000);
      expect(exporter.calls).toHaveLength(0);
      resolve("swedencentral");
      await tick();
      expect(exporter.sizes).toEqual([2, 2]);
      expectBatchOf(exporter.call(0), ended().slice(0, 2));
      expectBatchOf(exporter.call(1), ended().slice(2));
    });

    it("counts the wait for a resource's attributes in exportTimeoutMillis", async () => {
      const { resource } = pendingResource();
      const { exporter, processor, endSpans } = setup({ resource, exportTimeoutMillis: 2_000 });
      endSpans(1);
      const flushed = track(processor.forceFlush());
      await tick(1_999);
      expect(flushed.state).toBe("pending");
      await tick(1);
      expect(flushed.state).toBe("rejected");
      expect((flushed.error as Error).message).toBe("Timeout");
      expect(exporter.calls).toHaveLength(0);
    });
  });

  describe("failures", () => {
    it("reports a failed timer-driven export to the global error handler, and still exports later spans", async () => {
      const errors = recordGlobalErrors();
      const { exporter, endSpans, ended } = setup({ scheduledDelayMillis: 1_000 });
      endSpans(1);
      await tick(1_000);
      const error = new Error("collector down");
      exporter.fail(0, error);
      await tick();
      expect(errors).toEqual([error]);

      endSpans(2);
      await tick(1_000);
      expect(exporter.sizes).toEqual([1, 2]);
      expectBatchOf(exporter.call(1), ended().slice(1));
      exporter.succeed(1);
      await tick(10_000);
      expect(errors).toEqual([error]);
    });

    it("takes an exporter that throws for a failed export: forceFlush rejects, a timer-driven export is reported, later spans still go", async () => {
      const errors = recordGlobalErrors();
      const { exporter, processor, endSpans } = setup({ scheduledDelayMillis: 1_000 });
      const thrown = new Error("exporter bug");
      const throwing = jest.spyOn(exporter, "export").mockImplementationOnce(() => {
        throw thrown;
      });
      endSpans(1);
      await expect(processor.forceFlush()).rejects.toBe(thrown);

      throwing.mockImplementationOnce(() => {
        throw thrown;
      });
      endSpans(1);
      await tick(1_000);
      expect(errors).toEqual([thrown]);

      endSpans(2);
      await tick(1_000);
      expect(exporter.sizes).toEqual([2]);
      exporter.succeed(0);
      await tick(60_000);
      expect(errors).toEqual([thrown]);
    });

    it("reports an exporter failure without an error as an error of its own", async () => {
      const errors = recordGlobalErrors();
      const { exporter, endSpans } = setup({ maxExportBatchSize: 1 });
      endSpans(1);
      exporter.fail(0);
      await tick();
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toMatch(/span export failed/);
    });
  });
});
