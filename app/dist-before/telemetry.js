"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.startTelemetry = startTelemetry;
exports.activeTraceIds = activeTraceIds;
exports.createSampler = createSampler;
const api_1 = require("@opentelemetry/api");
const context_async_hooks_1 = require("@opentelemetry/context-async-hooks");
const core_1 = require("@opentelemetry/core");
const resources_1 = require("@opentelemetry/resources");
const sdk_trace_1 = require("@opentelemetry/sdk-trace");
const semantic_conventions_1 = require("@opentelemetry/semantic-conventions");
const clientSpans_1 = require("./clientSpans");
const serverSpans_1 = require("./middleware/serverSpans");
const outbound_1 = require("./outbound");
async function startTelemetry(config, logger) {
    routeDiagnosticsTo(logger);
    const exporter = await createExporter(config.telemetry);
    const resource = (0, resources_1.defaultResource)()
        .merge((0, resources_1.detectResources)({ detectors: [resources_1.resourceAttributesEnvDetector] }))
        .merge((0, resources_1.resourceFromAttributes)({
        [semantic_conventions_1.ATTR_SERVICE_NAME]: config.serviceName,
        [semantic_conventions_1.ATTR_SERVICE_VERSION]: config.serviceVersion,
        [semantic_conventions_1.ATTR_SERVICE_INSTANCE_ID]: config.replica,
    }));
    const provider = new sdk_trace_1.TracerProvider({
        resource,
        sampler: createSampler(config.telemetry),
        spanProcessors: [new sdk_trace_1.BatchSpanProcessor({ exporter, ...config.telemetry.batch })],
    });
    api_1.context.setGlobalContextManager(new context_async_hooks_1.AsyncLocalStorageContextManager().enable());
    api_1.propagation.setGlobalPropagator(new core_1.W3CTraceContextPropagator());
    api_1.trace.setGlobalTracerProvider(provider);
    const tracer = api_1.trace.getTracer(config.serviceName, config.serviceVersion);
    (0, outbound_1.instrumentOutboundCalls)((0, clientSpans_1.clientSpans)(tracer));
    return {
        tracer,
        serverSpans: (0, serverSpans_1.serverSpans)({ tracer }),
        shutdown: (timeoutMs) => withDeadline(provider.shutdown(), timeoutMs),
    };
}
/**
 * The logger's mixin: the active span's ids on every line written inside a request, so ACA's console
 * logs join App Insights (whose operation_Id is the W3C trace id). Returns a new object each time:
 * pino merges the line's fields into it.
 */
function activeTraceIds() {
    const span = api_1.trace.getSpan(api_1.context.active());
    if (span === undefined)
        return {};
    const { traceId, spanId } = span.spanContext();
    return { trace_id: traceId, span_id: spanId };
}
/** Only the exporter for the configured protocol is loaded; it reads endpoint, headers and TLS from env. */
async function createExporter({ mode }) {
    if (mode === "otlp-grpc") {
        const { OTLPTraceExporter } = await Promise.resolve().then(() => __importStar(require("@opentelemetry/exporter-trace-otlp-grpc")));
        return new OTLPTraceExporter();
    }
    const { OTLPTraceExporter } = await Promise.resolve().then(() => __importStar(require("@opentelemetry/exporter-trace-otlp-proto")));
    return new OTLPTraceExporter();
}
/** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, as the specification defines them. */
function createSampler({ sampler, samplerRatio }) {
    switch (sampler) {
        case "always_on":
            return new sdk_trace_1.AlwaysOnSampler();
        case "always_off":
            return new sdk_trace_1.AlwaysOffSampler();
        case "traceidratio":
            return new sdk_trace_1.TraceIdRatioBasedSampler(samplerRatio);
        case "parentbased_always_on":
            return new sdk_trace_1.ParentBasedSampler({ root: new sdk_trace_1.AlwaysOnSampler() });
        case "parentbased_always_off":
            return new sdk_trace_1.ParentBasedSampler({ root: new sdk_trace_1.AlwaysOffSampler() });
        case "parentbased_traceidratio":
            return new sdk_trace_1.ParentBasedSampler({ root: new sdk_trace_1.TraceIdRatioBasedSampler(samplerRatio) });
    }
}
/** The SDK's own warnings (a collector that refuses exports, a full queue) become JSON log lines. */
function routeDiagnosticsTo(logger) {
    const log = logger.child({ component: "opentelemetry" });
    const forward = (level) => (message, ...args) => {
        const err = args.find((arg) => arg instanceof Error);
        log[level](err ? { err } : args.length > 0 ? { details: args.map(String) } : {}, message);
    };
    api_1.diag.setLogger({ error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug"), verbose: forward("debug") }, { logLevel: api_1.DiagLogLevel.WARN, suppressOverrideMessage: true });
}
function withDeadline(work, timeoutMs) {
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
