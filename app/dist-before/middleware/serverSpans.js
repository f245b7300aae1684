"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.serverSpans = serverSpans;
const api_1 = require("@opentelemetry/api");
const semantic_conventions_1 = require("@opentelemetry/semantic-conventions");
const problem_1 = require("../problem");
const route_1 = require("./route");
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"]);
/** Reads propagation headers straight from the request's Headers, without copying them. */
const headerGetter = {
    get: (headers, key) => headers.get(key) ?? undefined,
    keys: (headers) => {
        const names = [];
        headers.forEach((_value, name) => names.push(name));
        return names;
    },
};
/**
 * One SERVER span per request, written against @opentelemetry/api only (HTTP auto-instrumentation
 * costs about two thirds of the throughput). The caller's W3C `traceparent` becomes the parent; the span
 * carries the stable HTTP semantic-convention attributes, is named `METHOD /route/template` once the
 * route is known, and is marked as an error, with the exception recorded, for 5xx responses (4xx are
 * the client's fault, so not span errors, per the conventions). Probes never reach it: they are
 * routed first.
 */
function serverSpans({ tracer }) {
    return async function serverSpans(c, next) {
        const headers = c.req.raw.headers;
        const parent = api_1.propagation.extract(api_1.ROOT_CONTEXT, headers, headerGetter);
        const rawMethod = c.req.method;
        const method = KNOWN_METHODS.has(rawMethod) ? rawMethod : semantic_conventions_1.HTTP_REQUEST_METHOD_VALUE_OTHER;
        const attributes = {
            [semantic_conventions_1.ATTR_HTTP_REQUEST_METHOD]: method,
            [semantic_conventions_1.ATTR_URL_PATH]: c.req.path,
            [semantic_conventions_1.ATTR_URL_SCHEME]: headers.get("x-forwarded-proto") === "https" ? "https" : "http",
        };
        if (method !== rawMethod)
            attributes[semantic_conventions_1.ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = rawMethod;
        // HTTP/1.1 requires Host; a Request built in code (tests, app.request) may only have its URL.
        const host = headers.get("host") ?? new URL(c.req.url).host;
        if (host) {
            const colon = host.lastIndexOf(":");
            const hasPort = colon > host.lastIndexOf("]");
            attributes[semantic_conventions_1.ATTR_SERVER_ADDRESS] = hasPort ? host.slice(0, colon) : host;
            if (hasPort)
                attributes[semantic_conventions_1.ATTR_SERVER_PORT] = Number(host.slice(colon + 1));
        }
        const userAgent = headers.get("user-agent");
        if (userAgent)
            attributes[semantic_conventions_1.ATTR_USER_AGENT_ORIGINAL] = userAgent;
        const forwardedFor = headers.get("x-forwarded-for");
        if (forwardedFor)
            attributes[semantic_conventions_1.ATTR_CLIENT_ADDRESS] = forwardedFor.split(",", 1)[0].trim();
        const spanName = method === semantic_conventions_1.HTTP_REQUEST_METHOD_VALUE_OTHER ? "HTTP" : method;
        const span = tracer.startSpan(spanName, { kind: api_1.SpanKind.SERVER, attributes }, parent);
        try {
            await api_1.context.with(api_1.trace.setSpan(parent, span), next);
        }
        catch (error) {
            // Hono turns handler errors into responses before they get here; this is the last line of defence.
            span.recordException(error);
            span.setStatus({ code: api_1.SpanStatusCode.ERROR });
            span.end();
            throw error;
        }
        if (span.isRecording()) {
            const route = (0, route_1.matchedRoute)(c);
            if (route !== undefined) {
                span.setAttribute(semantic_conventions_1.ATTR_HTTP_ROUTE, route);
                span.updateName(`${spanName} ${route}`);
            }
            const status = c.res.status;
            span.setAttribute(semantic_conventions_1.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
            if (status >= 500) {
                // A ProblemError is an answer chosen on purpose: its status is the error type. Anything else
                // escaped a handler, and its class is the more useful name.
                const unexpected = c.error !== undefined && !(c.error instanceof problem_1.ProblemError);
                span.setAttribute(semantic_conventions_1.ATTR_ERROR_TYPE, unexpected ? c.error.constructor.name : String(status));
                if (c.error)
                    span.recordException(c.error);
                span.setStatus({ code: api_1.SpanStatusCode.ERROR });
            }
        }
        span.end();
    };
}
