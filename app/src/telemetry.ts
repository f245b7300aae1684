import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import type { Logger } from "pino";
import { clientSpans } from "./clientSpans";
import type { Config, TelemetryConfig } from "./config";
import { type EncodedBatchExporter, EncodingSpanProcessor } from "./encodingSpanProcessor";
import { type ServerSpans, serverSpans } from "./middleware/serverSpans";
import type { EncodedSpanBatch } from "./otlpTraceSerializer";
import { randomTraceIds } from "./uuid";
import { instrumentOutboundCalls } from "./outbound";

/**
 * This module is the only one that loads OpenTelemetry, and server.ts imports it only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set: with telemetry off the service pays for none of it.
 */
export interface Telemetry {
  readonly tracer: Tracer;
  /** Opens one SERVER span per request (app.ts hands it to each route's `observe`). */
  readonly serverSpans: ServerSpans;
  /** Exports what is still queued, then stops; never takes longer than `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}

export async function startTelemetry(
  config: Pick<Config, "serviceName" | "serviceVersion" | "replica" | "telemetry">,
  logger: Logger,
): Promise<Telemetry> {
  routeDiagnosticsTo(logger);
  const exporter = await createExporter(config.telemetry);
  const resource = defaultResource()
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: config.serviceName,
        [ATTR_SERVICE_VERSION]: config.serviceVersion,
        [ATTR_SERVICE_INSTANCE_ID]: config.replica,
      }),
    );
  const provider = new TracerProvider({
    resource,
    sampler: createSampler(config.telemetry),
    idGenerator: randomTraceIds,
    spanProcessors: [new EncodingSpanProcessor({ exporter, ...config.telemetry.batch })],
  });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  const tracer = trace.getTracer(config.serviceName, config.serviceVersion);
  instrumentOutboundCalls(clientSpans(tracer));
  return {
    tracer,
    serverSpans: serverSpans({ tracer }),
    shutdown: (timeoutMs) => withDeadline(provider.shutdown(), timeoutMs),
  };
}

/**
 * The logger's mixin: the active span's ids on every line written inside a request, so ACA's console
 * logs join App Insights (whose operation_Id is the W3C trace id). Returns a new object each time:
 * pino merges the line's fields into it.
 */
export function activeTraceIds(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** {@link activeTraceIds} as an access line's JSON members, built without the object. */
export function activeTraceIdsJson(): string {
  const span = trace.getSpan(context.active());
  if (span === undefined) return "";
  const { traceId, spanId } = span.spanContext();
  return `,"trace_id":${JSON.stringify(traceId)},"span_id":${JSON.stringify(spanId)}`;
}

/** The logger options that put the active span's ids on every line (see createLogger). */
export const traceIdsInLogs = { mixin: activeTraceIds, mixinJson: activeTraceIdsJson } as const;

const GRPC_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/**
 * The OTLP exporter for the configured protocol; only its transport is loaded. They are the OTLP
 * exporters `@opentelemetry/exporter-trace-otlp-proto` and `-grpc` build, put together from the same
 * public parts (endpoint, headers, TLS, compression, timeout and retries from `OTEL_EXPORTER_OTLP_*`
 * as those read them), with one difference: what they send is a batch of spans already encoded as
 * they ended ({@link EncodingSpanProcessor}), in the same bytes as the reference serializer writes
 * (docs/service.md, "Tracing's share" and "Tracing at full speed"); and a second one over gRPC: to a
 * cleartext endpoint, the call goes through {@link GrpcExportTransport} rather than `@grpc/grpc-js`.
 */
async function createExporter({ mode }: TelemetryConfig): Promise<EncodedBatchExporter> {
  const [{ OTLPExporterBase }, { ProtobufTraceSerializer }] = await Promise.all([
    import("@opentelemetry/otlp-exporter-base"),
    import("@opentelemetry/otlp-transformer"),
  ]);
  const serializer = {
    serializeRequest: (batch: EncodedSpanBatch) => batch.serialize(),
    deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
  };
  /** The exporters' own metrics count spans, as the reference exporters' do. */
  const metricsHelper = { name: "span" as const, countItems: (batch: EncodedSpanBatch) => batch.length };
  if (mode === "otlp-grpc") {
    const grpc = await import("@opentelemetry/otlp-grpc-exporter-base");
    const options = grpc.convertLegacyOtlpGrpcOptions({}, "TRACES");
    if (!(options.credentials() as { _isSecure?: () => boolean })._isSecure?.()) {
      // A cleartext endpoint: the same call over node:http2 (GrpcExportTransport says why).
      const [{ createOtlpNetworkExportDelegate }, { GrpcExportTransport }] = await Promise.all([
        import("@opentelemetry/otlp-exporter-base"),
        import("./grpcExportTransport"),
      ]);
      const transport = new GrpcExportTransport({
        authority: options.url,
        path: GRPC_EXPORT_PATH,
        headers: () => options.metadata().toHttp2Headers(),
        compression: options.compression,
        userAgent: options.userAgent,
      });
      const metrics = grpc.createOtlpGrpcExporterMetrics("otlp_grpc_span_exporter", metricsHelper, options.url, undefined);
      return new OTLPExporterBase(createOtlpNetworkExportDelegate(options, serializer, metrics, transport));
    }
    const delegate = grpc.createOtlpGrpcExportDelegate(
      options,
      serializer,
      "otlp_grpc_span_exporter",
      metricsHelper,
      undefined,
      "TraceExportService",
      GRPC_EXPORT_PATH,
    );
    return new OTLPExporterBase(delegate);
  }
  const http = await import("@opentelemetry/otlp-exporter-base/node-http");
  const delegate = http.createOtlpHttpExportDelegate(
    http.convertLegacyHttpOptions({}, "TRACES", "v1/traces", { "Content-Type": "application/x-protobuf" }),
    serializer,
    "otlp_http_span_exporter",
    metricsHelper,
    undefined,
  );
  return new OTLPExporterBase(delegate);
}

/** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, as the specification defines them. */
export function createSampler({ sampler, samplerRatio }: Pick<TelemetryConfig, "sampler" | "samplerRatio">): Sampler {
  switch (sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(samplerRatio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatio) });
  }
}

/** The SDK's own warnings (a collector that refuses exports, a full queue) become JSON log lines. */
function routeDiagnosticsTo(logger: Logger): void {
  const log = logger.child({ component: "opentelemetry" });
  const forward =
    (level: "error" | "warn" | "info" | "debug") =>
    (message: string, ...args: unknown[]) => {
      const err = args.find((arg): arg is Error => arg instanceof Error);
      log[level](err ? { err } : args.length > 0 ? { details: args.map(String) } : {}, message);
    };
  diag.setLogger(
    { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug"), verbose: forward("debug") },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

function withDeadline(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
