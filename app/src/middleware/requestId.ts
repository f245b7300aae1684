import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { randomUuid } from "../uuid";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Accepted incoming ids: what ACA's Envoy, other proxies and SDKs send (UUIDs, hex, base64-ish tokens),
 * short enough for a log field and free of anything that could forge a log line or header.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** The caller's id when it is sane, a fresh UUID otherwise. */
export function acceptOrCreateRequestId(incoming: string | undefined): string {
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUuid();
}

/**
 * A Node response that already knows the request's id and writes the `X-Request-Id` header itself,
 * as httpServer.ts's does: cheaper than a Hono `c.header()`, which builds a Headers object per request.
 */
export interface ResponseWithRequestId {
  readonly requestId?: string;
}

/**
 * Gives every request an id (`c.get("requestId")`), read by the access log, error responses and
 * `requestLogger`, and echoed in the `X-Request-Id` response header. Under httpServer.ts the id was
 * assigned when the request arrived; elsewhere (tests via `app.request`, another adapter) it is
 * assigned here, by the same rule.
 */
export function requestId(): MiddlewareHandler {
  return function requestId(c, next) {
    assignRequestId(c);
    return next();
  };
}

/** What {@link requestId} does before calling on; accessLog.ts's combined middleware calls it too. */
export function assignRequestId(c: Context): void {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing as ResponseWithRequestId | undefined;
  const assigned = outgoing?.requestId;
  if (assigned !== undefined) {
    c.set("requestId", assigned);
  } else {
    const id = acceptOrCreateRequestId(c.req.header(REQUEST_ID_HEADER));
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
  }
}

/** A child logger whose every line carries this request's id (trace ids come from the logger's mixin). */
export function requestLogger(logger: Logger, c: Context): Logger {
  return logger.child({ request_id: c.get("requestId") });
}
