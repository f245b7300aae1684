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
exports.TELEMETRY_FLUSH_TIMEOUT_MS = void 0;
exports.main = main;
const node_events_1 = require("node:events");
const app_1 = require("./app");
const config_1 = require("./config");
const connectionDrain_1 = require("./connectionDrain");
const httpServer_1 = require("./httpServer");
const lifecycle_1 = require("./lifecycle");
const logger_1 = require("./logger");
/** Time allowed for exporting queued spans once the connections are closed. */
exports.TELEMETRY_FLUSH_TIMEOUT_MS = 2_000;
/**
 * Starts the service: configuration (exit 1 naming any bad variable), logger, telemetry when
 * configured, the app, the listener; then readiness, and the signal handlers. This is the only
 * module that binds a port or touches process signals.
 */
async function main(env = process.env) {
    let config;
    try {
        config = (0, config_1.loadConfig)(env);
    }
    catch (error) {
        if (!(error instanceof config_1.ConfigError))
            throw error;
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
    }
    const telemetryModule = config.telemetry.mode === "off" ? undefined : await Promise.resolve().then(() => __importStar(require("./telemetry")));
    const logger = (0, logger_1.createLogger)(config, { mixin: telemetryModule?.activeTraceIds });
    exitOnFatalErrors(logger);
    try {
        await start(config, logger, telemetryModule);
    }
    catch (error) {
        logger.fatal({ err: error, port: config.port, host: config.host }, "start-up failed");
        logger.flush(() => process.exit(1));
    }
}
async function start(config, logger, telemetryModule) {
    const lifecycle = new lifecycle_1.Lifecycle();
    const telemetry = await telemetryModule?.startTelemetry(config, logger);
    const app = (0, app_1.createApp)({ config, logger, lifecycle, serverSpans: telemetry?.serverSpans });
    const server = (0, httpServer_1.createHttpServer)({ fetch: app.fetch, config, lifecycle, logger });
    const drain = new connectionDrain_1.ConnectionDrain(server, lifecycle);
    server.listen(config.port, config.host);
    await (0, node_events_1.once)(server, "listening");
    lifecycle.markReady();
    shutDownGracefullyOnSignals({ drain, lifecycle, logger, config, telemetry });
    logger.info({
        port: server.address().port,
        host: config.host,
        telemetry: config.telemetry.mode,
        node: process.version,
        startup_ms: Math.round(performance.now()),
    }, "service ready");
}
/**
 * SIGTERM (ACA scaling in, new revision) or SIGINT (Ctrl-C): readiness answers 503 at once, then
 * {@link ConnectionDrain} takes the connections through the drain delay (SHUTDOWN_DRAIN_DELAY_MS), a
 * quiet listener, and the close, so that every request a client managed to write is answered; at
 * SHUTDOWN_TIMEOUT_MS after the signal, connections still open are destroyed. Then queued spans are
 * exported (at most TELEMETRY_FLUSH_TIMEOUT_MS), logs flushed, exit 0. The defaults end within 27 s,
 * inside ACA's 30 s grace period. A second signal skips to the deadline.
 */
function shutDownGracefullyOnSignals({ drain, lifecycle, logger, config, telemetry }) {
    const hurry = new AbortController();
    const onSignal = (signal) => {
        if (lifecycle.draining) {
            logger.warn({ signal }, "second signal: closing open connections now");
            hurry.abort();
            return;
        }
        shutDown(signal).catch((error) => {
            logger.fatal({ err: error }, "shutdown failed");
            logger.flush(() => process.exit(1));
        });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    async function shutDown(signal) {
        const startedAt = performance.now();
        const { drainDelayMs, timeoutMs } = config.shutdown;
        lifecycle.beginDrain();
        logger.info({ signal, drain_delay_ms: drainDelayMs, timeout_ms: timeoutMs }, "shutdown started; readiness is now 503");
        // Last resort, should the flush below hang: never outlive the grace period silently.
        setTimeout(() => process.exit(1), timeoutMs + exports.TELEMETRY_FLUSH_TIMEOUT_MS + 1_000).unref();
        const deadlineTimer = setTimeout(() => {
            logger.warn({ open_connections: drain.openConnections }, "shutdown deadline reached; closing open connections");
            hurry.abort();
        }, timeoutMs);
        const { forced } = await drain.drain({
            drainDelayMs,
            deadline: hurry.signal,
            onListenerClosed: (open) => logger.info({ open_connections: open }, "listener closed; finishing open connections"),
        });
        clearTimeout(deadlineTimer);
        if (telemetry) {
            await telemetry.shutdown(exports.TELEMETRY_FLUSH_TIMEOUT_MS).catch((error) => {
                logger.warn({ err: error }, "telemetry flush failed");
            });
        }
        logger.info({ duration_ms: Math.round(performance.now() - startedAt), forced }, "shutdown complete");
        logger.flush(() => process.exit(0));
    }
}
/** Crashes still leave a JSON line with the stack, then exit non-zero for the platform to restart us. */
function exitOnFatalErrors(logger) {
    const die = (kind) => (error) => {
        logger.fatal({ err: error }, kind);
        logger.flush(() => process.exit(1));
    };
    process.on("uncaughtException", die("uncaught exception"));
    process.on("unhandledRejection", die("unhandled promise rejection"));
}
