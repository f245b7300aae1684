import type { Context, ErrorHandler, Handler, Next } from "hono";
import type { Logger } from "pino";
import { writeAccessLine } from "../logger";
import { assignRequestId } from "./requestId";
import type { ServerSpan, ServerSpans } from "./serverSpans";
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
  /** With telemetry on: the request's SERVER span is opened here, around the handler and its access line. */
  readonly spans?: ServerSpans;
}

type HandlerResult = Response | Context | undefined | void;

/**
 * Wraps a route's handler (or a route's middleware) so that the request gets its id
 * ({@link assignRequestId}), its SERVER span when telemetry is on, and, once answered, its one
 * access-log line (written inside the span, so it carries the span's ids). A wrapper rather than an
 * app-wide `app.use()`: a route with a single handler then stays on Hono's synchronous
 * single-handler path, where any app-wide middleware sends every request through `compose()` and a
 * chain of promises. When several wrapped handlers serve one request (a route's middleware, then
 * its handler), the first to run does the work and the others only call through. An `Error` a
 * handler throws is answered with `onError` here (and kept in `c.error`, as Hono does), so the line
 * and the span carry the status the client gets.
 */
export function observe<H extends Handler>(handler: H, { logger, onError, route, spans }: ObserveOptions): H {
  const ownRoute = route === undefined ? undefined : routeTemplate(route);
  const finish = (c: Context, result: HandlerResult, startedAt: number, startIndex: number, span: ServerSpan | undefined): HandlerResult => {
    // Still this handler's turn when it answers (the usual case): its own template, known in advance.
    const answeredBy = route !== undefined && c.req.routeIndex === startIndex ? ownRoute : matchedRoute(c);
    const status = result instanceof Response ? result.status : c.res.status;
    logAccess(logger, c, status, startedAt, answeredBy);
    span?.end(c, status, answeredBy);
    return result;
  };
  const answer = (
    c: Context,
    error: unknown,
    startedAt: number,
    startIndex: number,
    span: ServerSpan | undefined,
  ): HandlerResult | Promise<HandlerResult> => {
    if (!(error instanceof Error)) {
      span?.fail(error);
      throw error;
    }
    c.error = error;
    const response = onError(error, c);
    return response instanceof Promise
      ? response.then((resolved) => finish(c, resolved, startedAt, startIndex, span))
      : finish(c, response, startedAt, startIndex, span);
  };
  const run = (c: Context, next: Next, startedAt: number, startIndex: number, span: ServerSpan | undefined) => {
    let result: HandlerResult | Promise<HandlerResult>;
    try {
      result = handler(c, next) as HandlerResult | Promise<HandlerResult>;
    } catch (error) {
      return answer(c, error, startedAt, startIndex, span);
    }
    if (result instanceof Promise) {
      return result.then(
        (resolved) => finish(c, resolved, startedAt, startIndex, span),
        (error: unknown) => answer(c, error, startedAt, startIndex, span),
      );
    }
    return finish(c, result, startedAt, startIndex, span);
  };
  return function observed(c: Context, next: Next) {
    if (c.get("requestId") !== undefined) return handler(c, next);
    const startedAt = performance.now();
    const startIndex = c.req.routeIndex;
    assignRequestId(c);
    if (spans === undefined) return run(c, next, startedAt, startIndex, undefined);
    const span = spans.start(c);
    return span.run(run, c, next, startedAt, startIndex, span);
  } as H;
}
