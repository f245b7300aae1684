"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.clientSpans = clientSpans;
const api_1 = require("@opentelemetry/api");
const semantic_conventions_1 = require("@opentelemetry/semantic-conventions");
/**
 * CLIENT spans for outbound calls, children of the active (server) span, with the W3C trace context
 * written into the outgoing headers. A status of 400 or more, or no response at all, is an error.
 * The query string is left out of `url.full`: it may carry secrets.
 */
function clientSpans(tracer) {
    return {
        start(method, url, headers) {
            const span = tracer.startSpan(method, {
                kind: api_1.SpanKind.CLIENT,
                attributes: {
                    [semantic_conventions_1.ATTR_HTTP_REQUEST_METHOD]: method,
                    [semantic_conventions_1.ATTR_SERVER_ADDRESS]: url.hostname,
                    [semantic_conventions_1.ATTR_SERVER_PORT]: Number(url.port) || (url.protocol === "https:" ? 443 : 80),
                    [semantic_conventions_1.ATTR_URL_FULL]: `${url.origin}${url.pathname}`,
                },
            });
            api_1.propagation.inject(api_1.trace.setSpan(api_1.context.active(), span), headers);
            return ({ status, failure }) => {
                if (status !== undefined)
                    span.setAttribute(semantic_conventions_1.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
                const errorType = failure ?? (status !== undefined && status >= 400 ? String(status) : undefined);
                if (errorType !== undefined) {
                    span.setAttribute(semantic_conventions_1.ATTR_ERROR_TYPE, errorType);
                    span.setStatus({ code: api_1.SpanStatusCode.ERROR });
                }
                span.end();
            };
        },
    };
}
