import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp } from "./app";
import { type Config, ConfigError, loadConfig } from "./config";
import { ConnectionDrain } from "./connectionDrain";
import { createHttpServer } from "./httpServer";
import { Lifecycle } from "./lifecycle";
import { createLogger } from "./logger";
import type { Telemetry } from "./telemetry";

/** Time allowed for exporting queued spans once the connections are closed. */
export const TELEMETRY_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Starts the service: configuration (exit 1 naming any bad variable), logger, telemetry when
 * configured, the app, the listener; then readiness, and the signal handlers. This is the only
 * module that binds a port or touches process signals.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  const telemetryModule = config.telemetry.mode === "off" ? undefined : await import("./telemetry");
  const logger = createLogger(config, { ...telemetryModule?.traceIdsInLogs });
  exitOnFatalErrors(logger);
  try {
    await start(config, logger, telemetryModule);
  } catch (error) {
    logger.fatal({ err: error, port: config.port, host: config.host }, "start-up failed");
    logger.flush(() => process.exit(1));
  }
}

async function start(config: Config, logger: Logger, telemetryModule?: typeof import("./telemetry")): Promise<void> {
  const lifecycle = new Lifecycle();
  const telemetry = await telemetryModule?.startTelemetry(config, logger);
  const app = createApp({ config, logger, lifecycle, serverSpans: telemetry?.serverSpans });
  const server = createHttpServer({ fetch: app.fetch, config, lifecycle, logger });
  const drain = new ConnectionDrain(server, lifecycle);
  server.listen(config.port, config.host);
  await once(server, "listening");

  lifecycle.markReady();
  shutDownGracefullyOnSignals({ drain, lifecycle, logger, config, telemetry });
  logger.info(
    {
      port: (server.address() as AddressInfo).port,
      host: config.host,
      telemetry: config.telemetry.mode,
      node: process.version,
      startup_ms: Math.round(performance.now()),
    },
    "service ready",
  );
}

interface ShutdownContext {
  readonly drain: ConnectionDrain;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly config: Config;
  readonly telemetry?: Telemetry;
}

/**
 * SIGTERM (ACA scaling in, new revision) or SIGINT (Ctrl-C): readiness answers 503 at once, then
 * {@link ConnectionDrain} takes the connections through the drain delay (SHUTDOWN_DRAIN_DELAY_MS), a
 * quiet listener, and the close, so that every request a client managed to write is answered; at
 * SHUTDOWN_TIMEOUT_MS after the signal, connections still open are destroyed. Then queued spans are
 * exported (at most TELEMETRY_FLUSH_TIMEOUT_MS), logs flushed, exit 0. The defaults end within 27 s,
 * inside ACA's 30 s grace period. A second signal skips to the deadline.
 */
function shutDownGracefullyOnSignals({ drain, lifecycle, logger, config, telemetry }: ShutdownContext): void {
  const hurry = new AbortController();

  const onSignal = (signal: NodeJS.Signals): void => {
    if (lifecycle.draining) {
      logger.warn({ signal }, "second signal: closing open connections now");
      hurry.abort();
      return;
    }
    shutDown(signal).catch((error: unknown) => {
      logger.fatal({ err: error }, "shutdown failed");
      logger.flush(() => process.exit(1));
    });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  async function shutDown(signal: NodeJS.Signals): Promise<void> {
    const startedAt = performance.now();
    const { drainDelayMs, timeoutMs } = config.shutdown;
    lifecycle.beginDrain();
    logger.info({ signal, drain_delay_ms: drainDelayMs, timeout_ms: timeoutMs }, "shutdown started; readiness is now 503");

    // Last resort, should the flush below hang: never outlive the grace period silently.
    setTimeout(() => process.exit(1), timeoutMs + TELEMETRY_FLUSH_TIMEOUT_MS + 1_000).unref();

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
      await telemetry.shutdown(TELEMETRY_FLUSH_TIMEOUT_MS).catch((error: unknown) => {
        logger.warn({ err: error }, "telemetry flush failed");
      });
    }
    logger.info({ duration_ms: Math.round(performance.now() - startedAt), forced }, "shutdown complete");
    logger.flush(() => process.exit(0));
  }
}

/** Crashes still leave a JSON line with the stack, then exit non-zero for the platform to restart us. */
function exitOnFatalErrors(logger: Logger): void {
  const die = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, kind);
    logger.flush(() => process.exit(1));
  };
  process.on("uncaughtException", die("uncaught exception"));
  process.on("unhandledRejection", die("unhandled promise rejection"));
}
