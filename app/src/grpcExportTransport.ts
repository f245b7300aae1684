import { readFileSync } from "node:fs";
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants, type OutgoingHttpHeaders } from "node:http2";
import { dirname, join } from "node:path";
import { gunzipSync, gzip } from "node:zlib";
import type { ExportResponse, IExporterTransport } from "@opentelemetry/otlp-exporter-base";

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) this transport reports by name. */
const STATUS_NAMES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
  "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
] as const;
const Status = { UNKNOWN: 2, DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;

/**
 * The gRPC status of a response that carries none, from its HTTP status, as gRPC's
 * "HTTP to gRPC Status Code Mapping" (doc/http-grpc-status-mapping.md in grpc/grpc) gives it: what a
 * proxy in front of the collector answers with.
 */
function statusFromHttp(httpStatus: number | undefined): number {
  switch (httpStatus) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return Status.UNAVAILABLE;
    default: return Status.UNKNOWN;
  }
}

/** A failed call, with its gRPC status as `code` (the exporter's metrics name the status from it). */
export class GrpcExportError extends Error {
  readonly code: number;
  constructor(code: number, details: string) {
    super(`${code} ${STATUS_NAMES[code] ?? "UNKNOWN"}: ${details}`);
    this.name = "GrpcExportError";
    this.code = code;
  }
}

/** What the exporter's configuration gives: gRPC metadata as HTTP/2 headers, and the compression. */
export interface GrpcExportTransportOptions {
  /** `host:port`, as the OTLP gRPC configuration normalizes the endpoint. */
  readonly authority: string;
  /** The method's path, `/opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
  readonly path: string;
  /** The request metadata (`OTEL_EXPORTER_OTLP_HEADERS`); read at the first call, as the reference transport reads it. */
  readonly headers: () => OutgoingHttpHeaders;
  readonly compression: "gzip" | "none";
  readonly userAgent?: string;
}

const ignore = (): void => {};
const gzipAsync = (data: Uint8Array): Promise<Buffer> =>
  new Promise((resolve, reject) => gzip(data, (error, result) => (error ? reject(error) : resolve(result))));

/**
 * The `User-Agent` the reference exporter sends (OTLP asks exporters to name themselves and their
 * version), with this transport named after it. The package's own file: its `exports` do not list it.
 */
function exporterUserAgent(extra: string | undefined): string {
  let version = "unknown";
  try {
    const entry = require.resolve("@opentelemetry/otlp-grpc-exporter-base");
    version = (JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    // The version is informative only.
  }
  return `OTel-OTLP-Exporter-JavaScript/${version}${extra ? ` ${extra}` : ""} node-http2`;
}

/**
 * The OTLP gRPC exporter's transport for a cleartext endpoint (an `http://` one, as the managed
 * OpenTelemetry agent of a Container Apps environment is reached): one unary
 * `TraceService/Export` call per batch over `node:http2`, framed and answered as gRPC over HTTP/2
 * specifies (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). It does what the
 * reference transport does through `@grpc/grpc-js`, which telemetry.ts still uses for TLS endpoints:
 * the same headers, deadline, compression and result (a failed call is reported, not retried).
 *
 * Why not grpc-js here: a finished call's HTTP/2 stream stays reachable until a full collection, and
 * with it every listener grpc-js put on it and the whole call behind them. Under load, each minor
 * collection then promotes several kilobytes of them, the young generation grows, and a full
 * collection starts every second or so (docs/service.md, "what the gRPC path costs"). This transport
 * takes its listeners off the stream once it has closed.
 */
export class GrpcExportTransport implements IExporterTransport {
  readonly #options: GrpcExportTransportOptions;
  readonly #userAgent: string;
  #session: ClientHttp2Session | undefined;
  #metadata: OutgoingHttpHeaders | undefined;
  #active = 0;

  constructor(options: GrpcExportTransportOptions) {
    this.#options = options;
    this.#userAgent = exporterUserAgent(options.userAgent);
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMillis;
    try {
      this.#metadata ??= this.#options.headers();
    } catch (error) {
      return { status: "failure", error: error as Error };
    }
    let message: Uint8Array = data;
    const compressed = this.#options.compression === "gzip";
    if (compressed) {
      try {
        message = await gzipAsync(data);
      } catch (error) {
        return { status: "failure", error: error as Error };
      }
    }
    const frame = Buffer.allocUnsafe(message.length + 5);
    frame[0] = compressed ? 1 : 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    return this.#call(frame, Math.max(1, deadline - Date.now()));
  }

  shutdown(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  #call(frame: Buffer, timeoutMillis: number): Promise<ExportResponse> {
    const headers: OutgoingHttpHeaders = {
      ...this.#metadata,
      [constants.HTTP2_HEADER_METHOD]: "POST",
      [constants.HTTP2_HEADER_PATH]: this.#options.path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc",
      [constants.HTTP2_HEADER_TE]: "trailers",
      [constants.HTTP2_HEADER_USER_AGENT]: this.#userAgent,
      "grpc-timeout": grpcTimeout(timeoutMillis),
    };
    if (this.#options.compression === "gzip") headers["grpc-encoding"] = "gzip";
    return new Promise<ExportResponse>((resolve) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.#connect().request(headers);
      } catch (error) {
        this.#session?.destroy();
        this.#session = undefined;
        resolve({ status: "failure", error: new GrpcExportError(Status.UNAVAILABLE, (error as Error).message) });
        return;
      }
      this.#started();
      let httpStatus: number | undefined;
      let grpcStatus: string | undefined;
      let grpcMessage = "";
      let encoding: string | undefined;
      let streamError: Error | undefined;
      let timedOut = false;
      const chunks: Buffer[] = [];
      const readStatus = (fields: Record<string, unknown>): void => {
        if (fields["grpc-status"] !== undefined) grpcStatus = String(fields["grpc-status"]);
        if (fields["grpc-message"] !== undefined) grpcMessage = decodeMessage(String(fields["grpc-message"]));
      };
      // Node runs a longer timer at once (TimeoutOverflowWarning); 2^31 - 1 ms is about 24.8 days.
      const timer = setTimeout(() => {
        timedOut = true;
        stream.close(constants.NGHTTP2_CANCEL);
      }, Math.min(timeoutMillis, 2 ** 31 - 1));
      stream.on("response", (fields) => {
        httpStatus = Number(fields[constants.HTTP2_HEADER_STATUS]);
        encoding = fields["grpc-encoding"] as string | undefined;
        readStatus(fields);
      });
      stream.on("trailers", readStatus);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error: Error) => {
        streamError = error;
      });
      stream.on("close", () => {
        clearTimeout(timer);
        this.#ended();
        // Nothing of this call stays reachable through the closed stream (see the class comment).
        stream.removeAllListeners();
        stream.on("error", ignore);
        if (timedOut) {
          resolve({ status: "failure", error: new GrpcExportError(Status.DEADLINE_EXCEEDED, `no answer within ${timeoutMillis} ms`) });
        } else if (grpcStatus === undefined) {
          const code = streamError !== undefined || httpStatus === undefined ? Status.UNAVAILABLE : statusFromHttp(httpStatus);
          const details = streamError?.message ?? (httpStatus === undefined ? "stream closed without a response" : `HTTP status ${httpStatus}`);
          resolve({ status: "failure", error: new GrpcExportError(code, details) });
        } else if (grpcStatus !== "0") {
          resolve({ status: "failure", error: new GrpcExportError(Number(grpcStatus), grpcMessage) });
        } else {
          try {
            resolve({ status: "success", data: responseMessage(Buffer.concat(chunks), encoding) });
          } catch (error) {
            resolve({ status: "failure", error: new GrpcExportError(Status.INTERNAL, (error as Error).message) });
          }
        }
      });
      stream.end(frame);
    });
  }

  /** The connection, opened again when the last one closed, failed or was told to go away. */
  #connect(): ClientHttp2Session {
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const session = connect(`http://${this.#options.authority}`);
    const forget = (): void => {
      if (this.#session === session) this.#session = undefined;
    };
    // A failed connection fails the calls on it; the next call connects again.
    session.on("error", forget);
    session.on("goaway", forget);
    session.on("close", forget);
    this.#session = session;
    return session;
  }

  /** The connection keeps the process alive only while a call is on it, as grpc-js's does. */
  #started(): void {
    if (this.#active++ === 0) this.#session?.ref();
  }

  #ended(): void {
    if (--this.#active === 0) this.#session?.unref();
  }
}

/** `grpc-timeout` takes at most 8 digits (PROTOCOL-HTTP2.md): milliseconds while they fit, else seconds. */
function grpcTimeout(milliseconds: number): string {
  const whole = Math.ceil(milliseconds);
  return whole <= 99_999_999 ? `${whole}m` : `${Math.ceil(whole / 1000)}S`;
}

/** `grpc-message` is percent-encoded (PROTOCOL-HTTP2.md); a malformed one is kept as sent. */
function decodeMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The response message out of its length-prefixed frame; an empty body is an empty message. */
function responseMessage(body: Buffer, encoding: string | undefined): Uint8Array {
  if (body.length === 0) return new Uint8Array(0);
  if (body.length < 5) throw new Error("response shorter than its gRPC frame header");
  const length = body.readUInt32BE(1);
  const message = body.subarray(5, 5 + length);
  if (message.length !== length) throw new Error("response shorter than its gRPC frame");
  if (body[0] === 0) return message;
  if (encoding === "gzip") return gunzipSync(message);
  throw new Error(`response compressed with ${encoding ?? "no named encoding"}`);
}
