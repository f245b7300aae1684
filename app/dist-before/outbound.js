"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OutboundError = void 0;
exports.instrumentOutboundCalls = instrumentOutboundCalls;
exports.outboundFetch = outboundFetch;
/** A call that produced no HTTP response: it timed out, or the target could not be reached. */
class OutboundError extends Error {
    kind;
    target;
    constructor(kind, target, options) {
        super(kind === "timeout" ? `${target} did not answer in time` : `${target} could not be reached`, options);
        this.kind = kind;
        this.target = target;
        this.name = "OutboundError";
    }
}
exports.OutboundError = OutboundError;
let instrumentation;
function instrumentOutboundCalls(value) {
    instrumentation = value;
}
/**
 * `fetch` with the rules every outbound call here follows: a deadline (covering the body too, when
 * the caller reads it), a CLIENT span and the W3C `traceparent` when telemetry is on, and failures
 * without a response reported as {@link OutboundError}.
 */
async function outboundFetch(url, request) {
    const method = request.method ?? "GET";
    const headers = { ...request.headers };
    const end = instrumentation?.start(method, url, headers);
    try {
        const response = await fetch(url, {
            method,
            headers,
            body: request.body,
            signal: AbortSignal.timeout(request.timeoutMs),
        });
        end?.({ status: response.status });
        return response;
    }
    catch (error) {
        const kind = error.name === "TimeoutError" ? "timeout" : "unreachable";
        end?.({ failure: kind === "timeout" ? "timeout" : errorCode(error) });
        throw new OutboundError(kind, url.origin, { cause: error });
    }
}
/** undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function errorCode(error) {
    const cause = error.cause;
    return typeof cause?.code === "string" ? cause.code : "unreachable";
}
