import type { Hono } from "hono";
import type { Logger } from "pino";
import type { Lifecycle } from "../lifecycle";
import { logAccess } from "../middleware/accessLog";
import { matchedRoute } from "../middleware/route";

export const PROBE_PATHS = ["/health", "/ready"] as const;

const JSON_TYPE = { "Content-Type": "application/json" };
const HEALTHY = JSON.stringify({ status: "ok" });
const READY = JSON.stringify({ status: "ready" });
const STARTING = JSON.stringify({ status: "starting", reason: "The service has not finished starting." });
const DRAINING = JSON.stringify({
  status: "draining",
  reason: "The service is shutting down and takes no new work.",
});

/**
 * Liveness and readiness. Registered before every middleware, so probes are not traced, carry no
 * request id and cost a constant string; with LOG_PROBES=true they write the usual access line.
 */
export function registerProbes(app: Hono, { lifecycle, accessLogger }: { lifecycle: Lifecycle; accessLogger?: Logger }): void {
  // Liveness: the event loop answers. No dependency is consulted, or a slow one would get us restarted.
  app.get("/health", function health(c) {
    const startedAt = performance.now();
    if (accessLogger) logAccess(accessLogger, c, 200, startedAt, matchedRoute(c));
    return c.body(HEALTHY, 200, JSON_TYPE);
  });

  // Readiness: 200 only between start-up and the first moment of shutdown.
  app.get("/ready", function ready(c) {
    const startedAt = performance.now();
    const phase = lifecycle.phase;
    const status = phase === "ready" ? 200 : 503;
    if (accessLogger) logAccess(accessLogger, c, status, startedAt, matchedRoute(c));
    return c.body(phase === "ready" ? READY : phase === "starting" ? STARTING : DRAINING, status, JSON_TYPE);
  });
}
