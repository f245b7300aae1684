import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { matchedRoute } from "./route";

/** Writes the one access-log line for a request; also used by the probes when LOG_PROBES is on. */
export function logAccess(logger: Logger, c: Context, status: number, startedAt: number): void {
  const fields = {
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    route: matchedRoute(c),
    status,
    duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
  };
  if (status >= 500) logger.error(fields, "request completed");
  else if (status >= 400) logger.warn(fields, "request completed");
  else logger.info(fields, "request completed");
}

/** One line per request, after the response is built: method, path, route, status and duration. */
export function accessLog({ logger }: { logger: Logger }): MiddlewareHandler {
  return async function accessLog(c, next) {
    const startedAt = performance.now();
    await next();
    logAccess(logger, c, c.res.status, startedAt);
  };
}
