import type { DaprConfig } from "../config";
import { OutboundError, outboundFetch } from "../outbound";

export type DaprFailure = "unavailable" | "timeout" | "failed";

/**
 * A sidecar call that did not succeed: no sidecar listening ("unavailable"), no answer within the
 * deadline ("timeout"), or an error status from Dapr ("failed", with Dapr's `errorCode` when given).
 */
export class DaprError extends Error {
  constructor(
    readonly kind: DaprFailure,
    message: string,
    readonly details: { status?: number; errorCode?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DaprError";
  }
}

export type StateLookup = { found: false } | { found: true; value: unknown };

interface SidecarResponse {
  readonly status: number;
  readonly text: string;
}

export interface InvokeResult {
  readonly status: number;
  /** Parsed JSON when the target answered JSON, otherwise the text. */
  readonly data: unknown;
}

/**
 * A thin client over the Dapr sidecar's HTTP API (v1.0): state, publish and service invocation.
 * Every call has a deadline, carries the W3C trace context and, when DAPR_API_TOKEN is set, the
 * `dapr-api-token` header. Store, topic and key names are URL-encoded, never interpolated raw.
 */
export class DaprClient {
  readonly baseUrl: string;

  constructor(private readonly config: Pick<DaprConfig, "httpPort" | "timeoutMs" | "apiToken">) {
    this.baseUrl = `http://127.0.0.1:${config.httpPort}`;
  }

  async getState(store: string, key: string): Promise<StateLookup> {
    const response = await this.call("GET", `/v1.0/state/${encodeURIComponent(store)}/${encodeURIComponent(key)}`);
    if (response.status === 204 || response.text === "") return { found: false };
    return { found: true, value: parseJsonOrText(response.text) };
  }

  async saveState(store: string, key: string, value: unknown): Promise<void> {
    await this.call("POST", `/v1.0/state/${encodeURIComponent(store)}`, [{ key, value }]);
  }

  async publish(pubsub: string, topic: string, data: unknown): Promise<void> {
    await this.call("POST", `/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`, data);
  }

  /** Service invocation; the target's own status is returned as is (only Dapr's failures throw). */
  async invoke(appId: string, method: string, options: { httpMethod?: string; body?: unknown } = {}): Promise<InvokeResult> {
    const path = `/v1.0/invoke/${encodeURIComponent(appId)}/method/${method.split("/").map(encodeURIComponent).join("/")}`;
    const response = await this.send(options.httpMethod ?? "POST", path, options.body);
    return { status: response.status, data: parseJsonOrText(response.text) };
  }

  /** A call whose non-2xx answers are Dapr errors. */
  private async call(method: string, path: string, body?: unknown): Promise<SidecarResponse> {
    const response = await this.send(method, path, body);
    if (response.status >= 200 && response.status < 300) return response;
    const text = response.text;
    const parsed = parseJsonOrText(text) as { errorCode?: unknown; message?: unknown } | undefined;
    const errorCode = typeof parsed?.errorCode === "string" ? parsed.errorCode : undefined;
    const detail = typeof parsed?.message === "string" ? parsed.message : text.slice(0, 200);
    throw new DaprError("failed", `Dapr answered ${response.status}${errorCode ? ` ${errorCode}` : ""}: ${detail}`, {
      status: response.status,
      errorCode,
    });
  }

  /** One request, body read inside the same deadline, so a stalled body is a timeout too. */
  private async send(method: string, path: string, body?: unknown): Promise<SidecarResponse> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.config.apiToken) headers["dapr-api-token"] = this.config.apiToken;
    try {
      const response = await outboundFetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.config.timeoutMs,
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof OutboundError ? error.kind === "timeout" : (error as Error).name === "TimeoutError";
      if (timedOut) {
        throw new DaprError("timeout", `The Dapr sidecar at ${this.baseUrl} did not answer within ${this.config.timeoutMs} ms`, {}, { cause: error });
      }
      if (!(error instanceof OutboundError)) {
        throw new DaprError("failed", `The Dapr sidecar's answer could not be read: ${(error as Error).message}`, {}, { cause: error });
      }
      throw new DaprError(
        "unavailable",
        `No Dapr sidecar is reachable at ${this.baseUrl}; enable Dapr for this container app (or run \`dapr run\` locally)`,
        {},
        { cause: error },
      );
    }
  }
}

function parseJsonOrText(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
