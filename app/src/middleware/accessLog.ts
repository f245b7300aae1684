import type { Context, ErrorHandler, Handler, Next } from "hono";
import type { Logger } from "pino";
import { writeAccessLine } from "../logger";
import { assignRequestId } from "./requestId";
import { matchedRoute, routeTemplate } from "./route";

/**
 * Writes the one access-log line for a request, `route` being the template that answered (see
 * {@link matchedRoute}); also used by the probes when LOG_PROBES is on.
 */
export function logAccess(logger: Logger, c: Context, status: number, startedAt: number, route: string | undefined): void {
  writeAccessLine(logger, status >= 500 ? "error" : status >= 400 ? "warn" : "info", {
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    route,
    status,
    duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
  });
}

export interface ObserveOptions {
  readonly logger: Logger;
  /** The path the handler is registered under, when it is a route's; the access line's `route` when this handler answers. */
  readonly route?: string;
  /** The app's error handler: errors are answered here, so that the access line has the final status. */
  readonly onError: ErrorHandler;
}

type HandlerResult = Response | Context | undefined | void;

/**
 * Wraps a route's handler (or a route's middleware) so that the request gets its id
 * ({@link assignRequestId}) and, once answered, its one access-log line. A wrapper rather than an
 * app-wide `app.use()`: a route with a single handler then stays on Hono's synchronous
 * single-handler path, where any app-wide middleware sends every request through `compose()` and a
 * chain of promises. When several wrapped handlers serve one request (a route's middleware, then
 * its handler), the first to run does the work and the others only call through. An `Error` a
 * handler throws is answered with `onError` here (and kept in `c.error`, as Hono does), so the line
 * carries the status the client gets.
 */
export function observe<H extends Handler>(handler: H, { logger, onError, route }: ObserveOptions): H {
  const ownRoute = route === undefined ? undefined : routeTemplate(route);
  const finish = (c: Context, result: HandlerResult, startedAt: number, startIndex: number): HandlerResult => {
    // Still this handler's turn when it answers (the usual case): its own template, known in advance.
    const answeredBy = route !== undefined && c.req.routeIndex === startIndex ? ownRoute : matchedRoute(c);
    logAccess(logger, c, result instanceof Response ? result.status : c.res.status, startedAt, answeredBy);
    return result;
  };
  const answer = (c: Context, error: unknown, startedAt: number, startIndex: number): HandlerResult | Promise<HandlerResult> => {
    if (!(error instanceof Error)) throw error;
    c.error = error;
    const response = onError(error, c);
    return response instanceof Promise
      ? response.then((resolved) => finish(c, resolved, startedAt, startIndex))
      : finish(c, response, startedAt, startIndex);
  };
  return function observed(c: Context, next: Next) {
    if (c.get("requestId") !== undefined) return handler(c, next);
    const startedAt = performance.now();
    const startIndex = c.req.routeIndex;
    assignRequestId(c);
    let result: HandlerResult | Promise<HandlerResult>;
    try {
      result = handler(c, next) as HandlerResult | Promise<HandlerResult>;
    } catch (error) {
      return answer(c, error, startedAt, startIndex);
    }
    if (result instanceof Promise) {
      return result.then(
        (resolved) => finish(c, resolved, startedAt, startIndex),
        (error: unknown) => answer(c, error, startedAt, startIndex),
      );
    }
    return finish(c, result, startedAt, startIndex);
  } as H;
}
