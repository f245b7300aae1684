"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REQUEST_ID_HEADER = void 0;
exports.acceptOrCreateRequestId = acceptOrCreateRequestId;
exports.requestId = requestId;
exports.assignRequestId = assignRequestId;
exports.requestLogger = requestLogger;
const node_crypto_1 = require("node:crypto");
exports.REQUEST_ID_HEADER = "X-Request-Id";
/**
 * Accepted incoming ids: what ACA's Envoy, other proxies and SDKs send (UUIDs, hex, base64-ish tokens),
 * short enough for a log field and free of anything that could forge a log line or header.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;
/** The caller's id when it is sane, a fresh UUID otherwise. */
function acceptOrCreateRequestId(incoming) {
    return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : (0, node_crypto_1.randomUUID)();
}
/**
 * Gives every request an id (`c.get("requestId")`), read by the access log, error responses and
 * `requestLogger`, and echoed in the `X-Request-Id` response header. Under httpServer.ts the id was
 * assigned when the request arrived; elsewhere (tests via `app.request`, another adapter) it is
 * assigned here, by the same rule.
 */
function requestId() {
    return function requestId(c, next) {
        assignRequestId(c);
        return next();
    };
}
/** What {@link requestId} does before calling on; accessLog.ts's combined middleware calls it too. */
function assignRequestId(c) {
    const outgoing = c.env?.outgoing;
    const assigned = outgoing?.requestId;
    if (assigned !== undefined) {
        c.set("requestId", assigned);
    }
    else {
        const id = acceptOrCreateRequestId(c.req.header(exports.REQUEST_ID_HEADER));
        c.set("requestId", id);
        c.header(exports.REQUEST_ID_HEADER, id);
    }
}
/** A child logger whose every line carries this request's id (trace ids come from the logger's mixin). */
function requestLogger(logger, c) {
    return logger.child({ request_id: c.get("requestId") });
}
