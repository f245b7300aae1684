import {
  type Attributes,
  context,
  type Context as OtelContext,
  propagation,
  SpanKind,
  type Span,
  SpanStatusCode,
  type TextMapGetter,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from "@opentelemetry/semantic-conventions";
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import { HeaderNames } from "../headerNames";
import { ProblemError } from "../problem";

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"]);

/** The request headers a server span reads: propagation, and the HTTP attributes. */
const TRACED_HEADERS = ["traceparent", "tracestate", "host", "user-agent", "x-forwarded-proto", "x-forwarded-for"] as const;
type TracedHeaders = Partial<Record<(typeof TRACED_HEADERS)[number], string>>;
const TRACED_HEADER_NAMES = new HeaderNames(TRACED_HEADERS);

/**
 * The headers of {@link TRACED_HEADERS} the request has; one that comes more than once has its values
 * joined with ", ", as `Headers.get` joins them. On Node they come from the raw header list in one
 * pass: through the Request, every header the request lacks (usually `traceparent` and the
 * `X-Forwarded-*` pair) would make the adapter build the whole `Headers` object to find out.
 */
function tracedHeaders(c: Context): TracedHeaders {
  const found: Record<string, string> = {};
  const rawHeaders = (c.env as Partial<HttpBindings> | undefined)?.incoming?.rawHeaders;
  if (rawHeaders === undefined) {
    const headers = c.req.raw.headers;
    for (const name of TRACED_HEADERS) {
      const value = headers.get(name);
      if (value !== null) found[name] = value;
    }
    return found;
  }
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lowerName = TRACED_HEADER_NAMES.match(rawHeaders[i]!);
    if (lowerName === undefined) continue;
    const value = rawHeaders[i + 1]!;
    const earlier = found[lowerName];
    found[lowerName] = earlier === undefined ? value : `${earlier}, ${value}`;
  }
  return found;
}

/**
 * An OpenTelemetry `Context` whose `setValue` and `deleteValue` add a link to the context they were
 * called on, instead of copying it. The API's own contexts (`ROOT_CONTEXT` and every context derived
 * from it) copy their parent's Map and give each instance three closures of its own. Made once per
 * request, they kept what they reference (the request's span and its attributes) alive through V8's
 * minor collections, so the young generation grew to its largest size under load:
 * `node scripts/bench/contextSurvivors.mjs` found 36–38 kB alive at each minor collection with the
 * API's contexts and under 1.5 kB with this one, and the service under load 152 kB against 34 kB
 * (docs/service.md, "Tracing at full speed"). The chain stays short: the request's root, the caller's
 * span context when there is one, the span.
 */
export class LinkedContext implements OtelContext {
  readonly #parent: LinkedContext | undefined;
  readonly #key: symbol | undefined;
  readonly #value: unknown;
  readonly #deleted: boolean;

  private constructor(parent: LinkedContext | undefined, key: symbol | undefined, value: unknown, deleted: boolean) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
    this.#deleted = deleted;
  }

  /** An empty context, as `ROOT_CONTEXT` is. */
  static readonly ROOT: OtelContext = new LinkedContext(undefined, undefined, undefined, false);

  getValue(key: symbol): unknown {
    if (this.#key === key) return this.#deleted ? undefined : this.#value;
    return this.#parent?.getValue(key);
  }

  setValue(key: symbol, value: unknown): OtelContext {
    return new LinkedContext(this, key, value, false);
  }

  deleteValue(key: symbol): OtelContext {
    return new LinkedContext(this, key, undefined, true);
  }
}

/** Reads the W3C propagation headers from {@link tracedHeaders}' result. */
const headerGetter: TextMapGetter<TracedHeaders> = {
  get: (headers, key) => headers[key as keyof TracedHeaders],
  keys: (headers) => Object.keys(headers),
};

/** One request's SERVER span, as {@link ServerSpans.start} opened it. */
export interface ServerSpan {
  /** Calls `fn` inside the span's context: log lines written and outbound calls made there belong to the span. */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R;
  /** Ends the span once the answer is final: its status, and the route template that answered (none for a 404). */
  end(c: Context, status: number, route: string | undefined): void;
  /** Ends the span for something thrown that no handler answered. */
  fail(error: unknown): void;
}

/** Opens the SERVER span of a request; `observe` (accessLog.ts) calls it around each route's handler. */
export interface ServerSpans {
  start(c: Context): ServerSpan;
}

/**
 * One SERVER span per request, written against @opentelemetry/api only (HTTP auto-instrumentation
 * costs about two thirds of the throughput). The caller's W3C `traceparent` becomes the parent; the span
 * carries the stable HTTP semantic-convention attributes (those a sampler may read given at the start,
 * as the conventions require), is named `METHOD /route/template` once the route is known, and is
 * marked as an error, with the exception recorded, for 5xx responses (4xx are the client's fault, so
 * not span errors, per the conventions). Probes never reach it: they are routed first, and only the
 * handlers `observe` wraps open spans. Opened by `observe` around the route's own handler rather than
 * by an app-wide middleware, which would send every request through Hono's `compose()` and a chain of
 * promises (docs/service.md, "Tracing at full speed").
 */
export function serverSpans({ tracer }: { tracer: Tracer }): ServerSpans {
  return {
    start(c) {
      const headers = tracedHeaders(c);
      const parent = propagation.extract(LinkedContext.ROOT, headers, headerGetter);
      const rawMethod = c.req.method;
      const method = KNOWN_METHODS.has(rawMethod) ? rawMethod : HTTP_REQUEST_METHOD_VALUE_OTHER;

      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_PATH]: c.req.path,
        [ATTR_URL_SCHEME]: headers["x-forwarded-proto"] === "https" ? "https" : "http",
      };
      if (method !== rawMethod) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = rawMethod;
      // HTTP/1.1 requires Host; a Request built in code (tests, app.request) may only have its URL.
      const host = headers.host ?? new URL(c.req.url).host;
      if (host) {
        const colon = host.lastIndexOf(":");
        const hasPort = colon > host.lastIndexOf("]");
        attributes[ATTR_SERVER_ADDRESS] = hasPort ? host.slice(0, colon) : host;
        if (hasPort) attributes[ATTR_SERVER_PORT] = Number(host.slice(colon + 1));
      }
      const userAgent = headers["user-agent"];
      if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
      const forwardedFor = headers["x-forwarded-for"];
      if (forwardedFor) attributes[ATTR_CLIENT_ADDRESS] = forwardedFor.split(",", 1)[0]!.trim();

      const spanName = method === HTTP_REQUEST_METHOD_VALUE_OTHER ? "HTTP" : method;
      const span = tracer.startSpan(spanName, { kind: SpanKind.SERVER, attributes }, parent);
      return new RequestSpan(span, spanName, trace.setSpan(parent, span));
    },
  };
}

class RequestSpan implements ServerSpan {
  readonly #span: Span;
  readonly #name: string;
  readonly #context: OtelContext;

  constructor(span: Span, name: string, spanContext: OtelContext) {
    this.#span = span;
    this.#name = name;
    this.#context = spanContext;
  }

  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    return context.with(this.#context, fn, undefined, ...args);
  }

  end(c: Context, status: number, route: string | undefined): void {
    const span = this.#span;
    if (span.isRecording()) {
      if (route !== undefined) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${this.#name} ${route}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        // A ProblemError is an answer chosen on purpose: its status is the error type. Anything else
        // escaped a handler, and its class is the more useful name.
        const unexpected = c.error !== undefined && !(c.error instanceof ProblemError);
        span.setAttribute(ATTR_ERROR_TYPE, unexpected ? c.error!.constructor.name : String(status));
        if (c.error) span.recordException(c.error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    span.end();
  }

  fail(error: unknown): void {
    this.#span.recordException(error instanceof Error ? error : String(error));
    this.#span.setStatus({ code: SpanStatusCode.ERROR });
    this.#span.end();
  }
}
