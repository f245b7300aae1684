import { METHODS, STATUS_CODES } from "node:http";
import type { Context, ErrorHandler, Handler, Hono, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { requestLogger } from "./middleware/requestId";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * An error that maps to an RFC 9457 problem response. Throw it from handlers; the app's error handler
 * turns it into JSON. `detail` is shown to the client, so it must never carry internals; `cause` is
 * only logged.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    options?: { cause?: unknown; headers?: Record<string, string>; extensions?: Record<string, unknown> },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProblemError";
    this.headers = options?.headers;
    this.extensions = options?.extensions;
  }

  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;
}

/**
 * An `application/problem+json` response. `type` stays `about:blank`, so `title` is the status phrase
 * and `detail` says what happened; `instance` is the path and `request_id` joins it to the logs.
 */
export function problem(
  c: Context,
  status: number,
  detail: string,
  headers?: Record<string, string>,
  extensions?: Record<string, unknown>,
): Response {
  const body = problemBody(status, detail, { instance: c.req.path, request_id: c.get("requestId"), ...extensions });
  return c.body(body, status as 400, { ...headers, "Content-Type": PROBLEM_CONTENT_TYPE });
}

/** The serialized problem document, also used below Hono (malformed requests, see httpServer.ts). */
export function problemBody(status: number, detail: string, extensions?: Record<string, unknown>): string {
  return JSON.stringify({ type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, ...extensions });
}

/** Hono's onError: known problems keep their status; anything else is a 500 whose stack is logged, never sent. */
export function errorHandler({ logger }: { logger: Logger }): ErrorHandler {
  return function handleError(err, c) {
    if (err instanceof ProblemError) {
      if (err.status >= 500) {
        requestLogger(logger, c).warn({ status: err.status, cause: describeCauses(err.cause) }, err.detail);
      }
      return problem(c, err.status, err.detail, err.headers, err.extensions);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problem(c, err.status, err.message || (STATUS_CODES[err.status] ?? "Request rejected."));
    }
    requestLogger(logger, c).error({ err }, "unhandled error");
    return problem(c, 500, "An unexpected error occurred. Quote the request_id when reporting it.");
  };
}

/** "DaprError: … <- TypeError: fetch failed <- Error: connect ECONNREFUSED …": the chain, one line. */
export function describeCauses(cause: unknown): string | undefined {
  const parts: string[] = [];
  // Duck-typed, not `instanceof Error`: undici's errors may come from another realm.
  for (let current = cause; current !== undefined && current !== null && parts.length < 8; ) {
    if (typeof current !== "object" || !("message" in current)) {
      parts.push(String(current));
      break;
    }
    const error = current as Error;
    parts.push(`${error.name}: ${error.message}`);
    current = error.cause;
  }
  return parts.length === 0 ? undefined : parts.join(" <- ");
}

export const notFound: NotFoundHandler = function notFound(c) {
  return problem(c, 404, `No resource matches ${c.req.method} ${c.req.path}.`);
};

/** The handler behind every known path for the methods it does not serve: 405 with an `Allow` header. */
export function methodNotAllowed(allowed: readonly string[]): Handler {
  const allow = allowed.join(", ");
  return function methodNotAllowed(c) {
    return problem(c, 405, `${c.req.method} is not allowed here; use ${allow}.`, { Allow: allow });
  };
}

/**
 * Answers 405 on `path` for every method Node's parser accepts (`http.METHODS`; it refuses the rest
 * before routing, see httpServer.ts) except `allowed`, and HEAD when GET is allowed (Hono serves HEAD
 * from the GET route). Registered per method rather than with `app.all()`, so that an allowed request
 * matches one handler only and stays on Hono's single-handler path.
 */
export function refuseOtherMethods(app: Hono, path: string, allowed: readonly string[]): void {
  const served = new Set(allowed.includes("GET") ? [...allowed, "HEAD"] : allowed);
  app.on(
    METHODS.filter((method) => !served.has(method)),
    path,
    methodNotAllowed(allowed),
  );
}
