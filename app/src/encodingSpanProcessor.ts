import { type Context, context, diag, ROOT_CONTEXT, TraceFlags } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode, globalErrorHandler, suppressTracing } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { EncodedSpanBatch } from "./otlpTraceSerializer";

/**
 * The context exports run in: tracing suppressed, so that the export is not traced itself, and nothing
 * of the request whose span happened to fill the batch. Started from that request's context, as the
 * SDK's processor starts them, every timer, promise and socket callback of the export would keep the
 * request's context, and so its span, alive until the export is over.
 */
const EXPORT_CONTEXT = suppressTracing(ROOT_CONTEXT);

/** What sends an {@link EncodedSpanBatch}: the OTLP exporters telemetry.ts builds. */
export interface EncodedBatchExporter {
  export(batch: EncodedSpanBatch, resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

/** The batch span processor's settings, as `OTEL_BSP_*` name them (config.ts reads them). */
export interface EncodingSpanProcessorOptions {
  readonly exporter: EncodedBatchExporter;
  readonly scheduledDelayMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly exportTimeoutMillis: number;
}

/**
 * The SDK's `BatchSpanProcessor`, with one difference: a span is encoded as OTLP protobuf when it
 * ends, and only its bytes wait for the export. The SDK's processor keeps the ended spans themselves
 * (with their attributes, events and contexts) until a batch is exported, up to 512 of them and as
 * many more while an export is on the wire. With every request traced, each minor collection found
 * about 440 kB of them alive and copied it, and V8 grew the young generation to its largest size
 * (docs/service.md, "Tracing at full speed"); here the span is garbage as soon as the request is over.
 *
 * Everything else is the SDK's processor's behaviour, `OTEL_BSP_*` settings included: only sampled
 * spans are kept; a batch is exported once it holds `maxExportBatchSize` spans, or
 * `scheduledDelayMillis` after the first span of a batch that did not fill; one export at a time;
 * spans that would make more than `maxQueueSize` wait are dropped, and counted in a warning;
 * `forceFlush` and `shutdown` export everything still waiting; each export fails after
 * `exportTimeoutMillis`; exports run with tracing suppressed, so that they are not traced themselves
 * (in a context of their own, {@link EXPORT_CONTEXT});
 * a resource with attributes still being detected is waited for before its batch is exported.
 */
export class EncodingSpanProcessor implements SpanProcessor {
  readonly #exporter: EncodedBatchExporter;
  readonly #scheduledDelayMillis: number;
  readonly #maxQueueSize: number;
  readonly #maxExportBatchSize: number;
  readonly #exportTimeoutMillis: number;
  /** The batch spans are being added to, and the full batches after it, oldest first. */
  #filling: EncodedSpanBatch | undefined;
  readonly #full: EncodedSpanBatch[] = [];
  /** The spans waiting in {@link #filling} and {@link #full}. */
  #waiting = 0;
  #dropped = 0;
  #exporting = false;
  #timer: NodeJS.Timeout | undefined;
  #shutdown: Promise<void> | undefined;
  /**
   * The bytes a new batch sets aside at once: what the last full batch's spans took and an eighth
   * more, so that a batch a little larger than the last does not have to grow (copying every span
   * encoded so far) near its end.
   */
  #batchBytes = 16 * 1024;

  constructor(options: EncodingSpanProcessorOptions) {
    this.#exporter = options.exporter;
    this.#scheduledDelayMillis = options.scheduledDelayMillis;
    this.#maxQueueSize = options.maxQueueSize;
    this.#maxExportBatchSize = Math.min(options.maxExportBatchSize, options.maxQueueSize);
    this.#exportTimeoutMillis = options.exportTimeoutMillis;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#shutdown !== undefined) return;
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#waiting >= this.#maxQueueSize) {
      if (this.#dropped === 0) diag.debug("maxQueueSize reached, dropping spans");
      this.#dropped++;
      return;
    }
    if (this.#dropped > 0) {
      diag.warn(`Dropped ${this.#dropped} spans because maxQueueSize reached`);
      this.#dropped = 0;
    }
    const batch = (this.#filling ??= new EncodedSpanBatch(this.#batchBytes));
    batch.add(span);
    this.#waiting++;
    if (batch.length >= this.#maxExportBatchSize) {
      this.#full.push(batch);
      this.#filling = undefined;
    }
    this.#schedule();
  }

  forceFlush(): Promise<void> {
    return this.#shutdown ?? this.#exportAll();
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#exportAll().then(() => this.#exporter.shutdown());
    return this.#shutdown;
  }

  /** Exports a full batch now, or the filling one when the delay is up; one export at a time. */
  #schedule(): void {
    if (this.#exporting) return;
    if (this.#full.length > 0) {
      this.#exportNext();
    } else if (this.#filling !== undefined && this.#timer === undefined) {
      // Started from a span's end, the timer would otherwise keep that request's context until it fires.
      this.#timer = context.with(EXPORT_CONTEXT, () => setTimeout(() => this.#exportNext(), this.#scheduledDelayMillis));
      this.#timer.unref();
    }
  }

  #exportNext(): void {
    const batch = this.#take();
    if (batch === undefined) return;
    this.#exporting = true;
    context.with(EXPORT_CONTEXT, () =>
      this.#export(batch)
        .catch((error: unknown) => globalErrorHandler(error as Error))
        .finally(() => {
          this.#exporting = false;
          this.#schedule();
        }),
    );
  }

  /** The oldest waiting batch, full or not, which then no longer counts as waiting. */
  #take(): EncodedSpanBatch | undefined {
    this.#clearTimer();
    let batch = this.#full.shift();
    if (batch === undefined) {
      batch = this.#filling;
      this.#filling = undefined;
    }
    if (batch !== undefined) this.#waiting -= batch.length;
    return batch;
  }

  #exportAll(): Promise<void> {
    const exports: Promise<void>[] = [];
    for (let batch = this.#take(); batch !== undefined; batch = this.#take()) {
      exports.push(context.with(EXPORT_CONTEXT, () => this.#export(batch)));
    }
    return Promise.all(exports).then(() => undefined);
  }

  #export(batch: EncodedSpanBatch): Promise<void> {
    if (batch.length === this.#maxExportBatchSize) this.#batchBytes = batch.byteLength + (batch.byteLength >>> 3);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("Timeout")), this.#exportTimeoutMillis);
      const send = (): void =>
        this.#exporter.export(batch, (result) => {
          clearTimeout(timer);
          if (result.code === ExportResultCode.SUCCESS) resolve();
          else reject(result.error ?? new Error("EncodingSpanProcessor: span export failed"));
        });
      const pending = [...batch.resources()].filter((resource) => resource.asyncAttributesPending);
      if (pending.length === 0) {
        send();
        return;
      }
      Promise.all(pending.map((resource) => resource.waitForAsyncAttributes?.())).then(send, (error: unknown) => {
        clearTimeout(timer);
        globalErrorHandler(error as Error);
        reject(error as Error);
      });
    });
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
