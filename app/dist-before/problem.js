"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.notFound = exports.ProblemError = exports.PROBLEM_CONTENT_TYPE = void 0;
exports.problem = problem;
exports.problemBody = problemBody;
exports.errorHandler = errorHandler;
exports.describeCauses = describeCauses;
exports.methodNotAllowed = methodNotAllowed;
exports.refuseOtherMethods = refuseOtherMethods;
const node_http_1 = require("node:http");
const http_exception_1 = require("hono/http-exception");
const requestId_1 = require("./middleware/requestId");
exports.PROBLEM_CONTENT_TYPE = "application/problem+json";
/**
 * An error that maps to an RFC 9457 problem response. Throw it from handlers; the app's error handler
 * turns it into JSON. `detail` is shown to the client, so it must never carry internals; `cause` is
 * only logged.
 */
class ProblemError extends Error {
    status;
    detail;
    constructor(status, detail, options) {
        super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
        this.status = status;
        this.detail = detail;
        this.name = "ProblemError";
        this.headers = options?.headers;
        this.extensions = options?.extensions;
    }
    headers;
    extensions;
}
exports.ProblemError = ProblemError;
/**
 * An `application/problem+json` response. `type` stays `about:blank`, so `title` is the status phrase
 * and `detail` says what happened; `instance` is the path and `request_id` joins it to the logs.
 */
function problem(c, status, detail, headers, extensions) {
    const body = problemBody(status, detail, { instance: c.req.path, request_id: c.get("requestId"), ...extensions });
    return c.body(body, status, { ...headers, "Content-Type": exports.PROBLEM_CONTENT_TYPE });
}
/** The serialized problem document, also used below Hono (malformed requests, see httpServer.ts). */
function problemBody(status, detail, extensions) {
    return JSON.stringify({ type: "about:blank", title: node_http_1.STATUS_CODES[status] ?? "Error", status, detail, ...extensions });
}
/** Hono's onError: known problems keep their status; anything else is a 500 whose stack is logged, never sent. */
function errorHandler({ logger }) {
    return function handleError(err, c) {
        if (err instanceof ProblemError) {
            if (err.status >= 500) {
                (0, requestId_1.requestLogger)(logger, c).warn({ status: err.status, cause: describeCauses(err.cause) }, err.detail);
            }
            return problem(c, err.status, err.detail, err.headers, err.extensions);
        }
        if (err instanceof http_exception_1.HTTPException && err.status < 500) {
            return problem(c, err.status, err.message || (node_http_1.STATUS_CODES[err.status] ?? "Request rejected."));
        }
        (0, requestId_1.requestLogger)(logger, c).error({ err }, "unhandled error");
        return problem(c, 500, "An unexpected error occurred. Quote the request_id when reporting it.");
    };
}
/** "DaprError: … <- TypeError: fetch failed <- Error: connect ECONNREFUSED …": the chain, one line. */
function describeCauses(cause) {
    const parts = [];
    // Duck-typed, not `instanceof Error`: undici's errors may come from another realm.
    for (let current = cause; current !== undefined && current !== null && parts.length < 8;) {
        if (typeof current !== "object" || !("message" in current)) {
            parts.push(String(current));
            break;
        }
        const error = current;
        parts.push(`${error.name}: ${error.message}`);
        current = error.cause;
    }
    return parts.length === 0 ? undefined : parts.join(" <- ");
}
const notFound = function notFound(c) {
    return problem(c, 404, `No resource matches ${c.req.method} ${c.req.path}.`);
};
exports.notFound = notFound;
/** The handler behind every known path for the methods it does not serve: 405 with an `Allow` header. */
function methodNotAllowed(allowed) {
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
function refuseOtherMethods(app, path, allowed) {
    const served = new Set(allowed.includes("GET") ? [...allowed, "HEAD"] : allowed);
    app.on(node_http_1.METHODS.filter((method) => !served.has(method)), path, methodNotAllowed(allowed));
}
