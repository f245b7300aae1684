"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConfigError = exports.LOG_LEVELS = void 0;
exports.loadConfig = loadConfig;
const packageIdentity_1 = require("./packageIdentity");
exports.LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const SAMPLERS = [
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
];
/** Thrown by {@link loadConfig}; `problems` names every offending variable, one line each. */
class ConfigError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
        this.problems = problems;
        this.name = "ConfigError";
    }
}
exports.ConfigError = ConfigError;
/** Reads variables and records a problem, rather than throwing, so one start-up reports every bad value. */
class EnvReader {
    env;
    problems = [];
    constructor(env) {
        this.env = env;
    }
    string(name) {
        const value = this.env[name]?.trim();
        return value === "" ? undefined : value;
    }
    integer(name, fallback, min, max) {
        const raw = this.string(name);
        if (raw === undefined)
            return fallback;
        const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isSafeInteger(value) || value < min || value > max) {
            this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
            return fallback;
        }
        return value;
    }
    boolean(name, fallback) {
        const raw = this.string(name)?.toLowerCase();
        if (raw === undefined)
            return fallback;
        if (raw === "true" || raw === "1")
            return true;
        if (raw === "false" || raw === "0")
            return false;
        this.problems.push(`${name} must be true or false (got "${raw}")`);
        return fallback;
    }
    oneOf(name, allowed, fallback) {
        const raw = this.string(name)?.toLowerCase();
        if (raw === undefined)
            return fallback;
        if (allowed.includes(raw))
            return raw;
        this.problems.push(`${name} must be one of ${allowed.join(", ")} (got "${raw}")`);
        return fallback;
    }
    httpUrl(name) {
        const raw = this.string(name);
        if (raw === undefined)
            return undefined;
        if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
            this.problems.push(`${name} must be an http:// or https:// URL (got "${raw}")`);
            return undefined;
        }
        return raw;
    }
    pattern(name, fallback, rule, description) {
        const raw = this.string(name);
        if (raw === undefined)
            return fallback;
        if (!rule.test(raw)) {
            this.problems.push(`${name} must be ${description} (got "${raw}")`);
            return fallback;
        }
        return raw;
    }
}
/** Dapr component names and topics: letters, digits, '.', '_' and '-'. */
const DAPR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/**
 * Builds the service configuration from environment variables (docs/service.md lists them all).
 * Pure: pass `process.env` in production and a literal object in tests.
 *
 * @throws {ConfigError} naming every variable whose value is not acceptable.
 */
function loadConfig(env) {
    const read = new EnvReader(env);
    const identity = (0, packageIdentity_1.readPackageIdentity)();
    const port = read.integer("PORT", 8000, 0, 65535);
    const host = read.pattern("HOST", "0.0.0.0", /^[A-Za-z0-9.:_-]+$/, "a host name or IP address");
    const serviceName = read.string("OTEL_SERVICE_NAME") ?? identity.name;
    const drainDelayMs = read.integer("SHUTDOWN_DRAIN_DELAY_MS", 3_000, 0, 600_000);
    const timeoutMs = read.integer("SHUTDOWN_TIMEOUT_MS", 25_000, 1_000, 600_000);
    if (drainDelayMs >= timeoutMs) {
        read.problems.push(`SHUTDOWN_DRAIN_DELAY_MS (${drainDelayMs}) must be less than SHUTDOWN_TIMEOUT_MS (${timeoutMs})`);
    }
    const server = {
        headersTimeoutMs: read.integer("HTTP_HEADERS_TIMEOUT_MS", 10_000, 1_000, 600_000),
        requestTimeoutMs: read.integer("HTTP_REQUEST_TIMEOUT_MS", 30_000, 1_000, 3_600_000),
        keepAliveTimeoutMs: read.integer("HTTP_KEEP_ALIVE_TIMEOUT_MS", 65_000, 1_000, 3_600_000),
    };
    if (server.headersTimeoutMs > server.requestTimeoutMs) {
        read.problems.push(`HTTP_HEADERS_TIMEOUT_MS (${server.headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${server.requestTimeoutMs})`);
    }
    const topicsRaw = read.string("DAPR_SUBSCRIBE_TOPICS");
    const subscribeTopics = topicsRaw === undefined ? [] : topicsRaw.split(",").map((topic) => topic.trim());
    for (const topic of subscribeTopics) {
        if (!DAPR_NAME.test(topic)) {
            read.problems.push(`DAPR_SUBSCRIBE_TOPICS must be a comma-separated list of topic names of letters, digits, '.', '_' or '-' (got "${topicsRaw}")`);
            break;
        }
    }
    const config = {
        port,
        host,
        serviceName,
        serviceVersion: read.string("SERVICE_VERSION") ?? identity.version,
        revision: read.string("CONTAINER_APP_REVISION") ?? "local",
        replica: read.string("CONTAINER_APP_REPLICA_NAME") ?? read.string("HOSTNAME") ?? "local",
        logLevel: read.oneOf("LOG_LEVEL", exports.LOG_LEVELS, "info"),
        logProbes: read.boolean("LOG_PROBES", false),
        maxBodyBytes: read.integer("MAX_BODY_BYTES", 1_048_576, 1, 104_857_600),
        shutdown: { drainDelayMs, timeoutMs },
        server,
        externalDependency: {
            url: read.httpUrl("EXTERNAL_DEPENDENCY_URL"),
            timeoutMs: read.integer("EXTERNAL_DEPENDENCY_TIMEOUT_MS", 3_000, 1, 120_000),
        },
        dapr: {
            httpPort: read.integer("DAPR_HTTP_PORT", 3500, 1, 65535),
            timeoutMs: read.integer("DAPR_TIMEOUT_MS", 2_000, 1, 120_000),
            stateStore: read.pattern("DAPR_STATE_STORE", "statestore", DAPR_NAME, "a Dapr component name"),
            pubsubName: read.pattern("DAPR_PUBSUB_NAME", "pubsub", DAPR_NAME, "a Dapr component name"),
            subscribeTopics,
            apiToken: read.string("DAPR_API_TOKEN"),
            appApiToken: read.string("APP_API_TOKEN"),
        },
        telemetry: readTelemetry(read),
    };
    if (read.problems.length > 0)
        throw new ConfigError(read.problems);
    return config;
}
function readTelemetry(read) {
    const endpoint = read.httpUrl("OTEL_EXPORTER_OTLP_ENDPOINT");
    const disabled = read.boolean("OTEL_SDK_DISABLED", false);
    const protocol = read.oneOf("OTEL_EXPORTER_OTLP_PROTOCOL", ["grpc", "http/protobuf"], "http/protobuf");
    const sampler = read.oneOf("OTEL_TRACES_SAMPLER", SAMPLERS, "parentbased_always_on");
    const ratioRaw = read.string("OTEL_TRACES_SAMPLER_ARG");
    let samplerRatio = 1;
    if (ratioRaw !== undefined && sampler.endsWith("traceidratio")) {
        samplerRatio = Number(ratioRaw);
        if (!/^\s*\d*\.?\d+\s*$/.test(ratioRaw) || !(samplerRatio >= 0 && samplerRatio <= 1)) {
            read.problems.push(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "${ratioRaw}")`);
            samplerRatio = 1;
        }
    }
    const batch = {
        scheduledDelayMillis: read.integer("OTEL_BSP_SCHEDULE_DELAY", 5_000, 0, 600_000),
        maxQueueSize: read.integer("OTEL_BSP_MAX_QUEUE_SIZE", 2_048, 1, 1_000_000),
        maxExportBatchSize: read.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1_000_000),
        exportTimeoutMillis: read.integer("OTEL_BSP_EXPORT_TIMEOUT", 30_000, 1, 600_000),
    };
    if (batch.maxExportBatchSize > batch.maxQueueSize) {
        read.problems.push("OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE");
    }
    const mode = endpoint === undefined || disabled ? "off" : protocol === "grpc" ? "otlp-grpc" : "otlp-http-protobuf";
    return { mode, endpoint: mode === "off" ? undefined : endpoint, sampler, samplerRatio, batch };
}
