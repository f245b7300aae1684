"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.logAccess = logAccess;
exports.observe = observe;
const logger_1 = require("../logger");
const requestId_1 = require("./requestId");
const route_1 = require("./route");
/** Writes the one access-log line for a request; also used by the probes when LOG_PROBES is on. */
function logAccess(logger, c, status, startedAt) {
    (0, logger_1.writeAccessLine)(logger, status >= 500 ? "error" : status >= 400 ? "warn" : "info", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        route: (0, route_1.matchedRoute)(c),
        status,
        duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
    });
}
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
function observe(handler, { logger, onError }) {
    const finish = (c, result, startedAt) => {
        logAccess(logger, c, result instanceof Response ? result.status : c.res.status, startedAt);
        return result;
    };
    const answer = (c, error, startedAt) => {
        if (!(error instanceof Error))
            throw error;
        c.error = error;
        const response = onError(error, c);
        return response instanceof Promise ? response.then((resolved) => finish(c, resolved, startedAt)) : finish(c, response, startedAt);
    };
    return function observed(c, next) {
        if (c.get("requestId") !== undefined)
            return handler(c, next);
        const startedAt = performance.now();
        (0, requestId_1.assignRequestId)(c);
        let result;
        try {
            result = handler(c, next);
        }
        catch (error) {
            return answer(c, error, startedAt);
        }
        if (result instanceof Promise) {
            return result.then((resolved) => finish(c, resolved, startedAt), (error) => answer(c, error, startedAt));
        }
        return finish(c, result, startedAt);
    };
}
