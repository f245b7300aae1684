export type OutboundFailure = "timeout" | "unreachable";

/** A call that produced no HTTP response: it timed out, or the target could not be reached. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    readonly target: string,
    options: { cause: unknown },
  ) {
    super(kind === "timeout" ? `${target} did not answer in time` : `${target} could not be reached`, options);
    this.name = "OutboundError";
  }
}

export interface OutboundRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * Tracing for outbound calls, installed by telemetry.ts when telemetry is on: `start` opens a CLIENT
 * span, writes its `traceparent` into `headers` and returns the function that ends the span. With
 * telemetry off there is none, and no OpenTelemetry code is loaded.
 */
export interface OutboundInstrumentation {
  start(method: string, url: URL, headers: Record<string, string>): (outcome: { status?: number; failure?: string }) => void;
}

let instrumentation: OutboundInstrumentation | undefined;

export function instrumentOutboundCalls(value: OutboundInstrumentation | undefined): void {
  instrumentation = value;
}

/**
 * `fetch` with the rules every outbound call here follows: a deadline (covering the body too, when
 * the caller reads it), a CLIENT span and the W3C `traceparent` when telemetry is on, and failures
 * without a response reported as {@link OutboundError}.
 */
export async function outboundFetch(url: URL, request: OutboundRequest): Promise<Response> {
  const method = request.method ?? "GET";
  const headers: Record<string, string> = { ...request.headers };
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
  } catch (error) {
    const kind: OutboundFailure = (error as Error).name === "TimeoutError" ? "timeout" : "unreachable";
    end?.({ failure: kind === "timeout" ? "timeout" : errorCode(error) });
    throw new OutboundError(kind, url.origin, { cause: error });
  }
}

/** undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : "unreachable";
}
