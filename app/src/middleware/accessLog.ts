import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { writeAccessLine } from "../logger";
import { assignRequestId } from "./requestId";
import { matchedRoute } from "./route";

/** Writes the one access-log line for a request; also used by the probes when LOG_PROBES is on. */
export function logAccess(logger: Logger, c: Context, status: number, startedAt: number): void {
  writeAccessLine(logger, status >= 500 ? "error" : status >= 400 ? "warn" : "info", {
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    route: matchedRoute(c),
    status,
    duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
  });
}

/**
 * The request id ({@link assignRequestId}) and one access-log line per request, after the response is
 * built, in one middleware: every middleware is one more async step of Hono's chain on every request.
 */
export function requestIdAndAccessLog({ logger }: { logger: Logger }): MiddlewareHandler {
  return async function requestIdAndAccessLog(c, next) {
    const startedAt = performance.now();
    assignRequestId(c);
    await next();
    logAccess(logger, c, c.res.status, startedAt);
  };
}
