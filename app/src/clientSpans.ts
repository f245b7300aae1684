import { context, propagation, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import type { OutboundInstrumentation } from "./outbound";

/**
 * CLIENT spans for outbound calls, children of the active (server) span, with the W3C trace context
 * written into the outgoing headers. A status of 400 or more, or no response at all, is an error.
 * The query string is left out of `url.full`: it may carry secrets.
 */
export function clientSpans(tracer: Tracer): OutboundInstrumentation {
  return {
    start(method, url, headers) {
      const span = tracer.startSpan(method, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_SERVER_ADDRESS]: url.hostname,
          [ATTR_SERVER_PORT]: Number(url.port) || (url.protocol === "https:" ? 443 : 80),
          [ATTR_URL_FULL]: `${url.origin}${url.pathname}`,
        },
      });
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return ({ status, failure }) => {
        if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        const errorType = failure ?? (status !== undefined && status >= 400 ? String(status) : undefined);
        if (errorType !== undefined) {
          span.setAttribute(ATTR_ERROR_TYPE, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
    },
  };
}
