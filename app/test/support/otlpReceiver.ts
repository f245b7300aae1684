import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import * as protobuf from "protobufjs";

/**
 * Local OTLP trace receivers for tests: a real HTTP endpoint (POST /v1/traces, http/protobuf) and a
 * real gRPC TraceService, both decoding what the service exports with the OTLP schema below (the
 * subset of opentelemetry/proto/trace/v1 and collector/trace/v1 that tests read).
 */
const OTLP_SCHEMA = `
syntax = "proto3";
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse {}
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
                ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const root = protobuf.parse(OTLP_SCHEMA, { keepCase: true }).root;
const ExportRequest = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
const ExportResponse = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");

/** SpanKind and StatusCode as OTLP numbers them. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** The W3C tracestate the span carries; empty when none. */
  readonly traceState: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly events: { name: string; attributes: Record<string, unknown> }[];
  readonly status: { code: number; message: string };
  readonly resource: Record<string, unknown>;
  readonly scope: string;
}

export interface OtlpReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly protocol: "http/protobuf" | "grpc";
  readonly spans: ReceivedSpan[];
  /** Export requests received, for asserting on transport details. */
  readonly requests: { contentType?: string; path: string }[];
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface RawKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function attributeValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ("string_value" in value) return value.string_value;
  if ("bool_value" in value) return value.bool_value;
  if ("int_value" in value) return Number(value.int_value);
  if ("double_value" in value) return value.double_value;
  if ("array_value" in value) {
    return ((value.array_value as { values?: Record<string, unknown>[] }).values ?? []).map(attributeValue);
  }
  return undefined;
}

function attributes(list: RawKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, attributeValue(value)]));
}

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString("hex");

function decodeSpans(body: Uint8Array): ReceivedSpan[] {
  const message = ExportRequest.toObject(ExportRequest.decode(body), { longs: String, bytes: Array, oneofs: false }) as {
    resource_spans?: {
      resource?: { attributes?: RawKeyValue[] };
      scope_spans?: {
        scope?: { name?: string };
        spans?: {
          trace_id?: number[];
          span_id?: number[];
          parent_span_id?: number[];
          trace_state?: string;
          name?: string;
          kind?: number;
          attributes?: RawKeyValue[];
          events?: { name?: string; attributes?: RawKeyValue[] }[];
          status?: { code?: number; message?: string };
        }[];
      }[];
    }[];
  };
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of message.resource_spans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scope_spans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(Uint8Array.from(span.trace_id ?? [])),
          spanId: hex(Uint8Array.from(span.span_id ?? [])),
          parentSpanId: hex(Uint8Array.from(span.parent_span_id ?? [])),
          traceState: span.trace_state ?? "",
          name: span.name ?? "",
          kind: span.kind ?? 0,
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((event) => ({ name: event.name ?? "", attributes: attributes(event.attributes) })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? "" },
          resource,
          scope: scopeSpans.scope?.name ?? "",
        });
      }
    }
  }
  return spans;
}

function receiver(
  endpoint: string,
  protocol: OtlpReceiver["protocol"],
  spans: ReceivedSpan[],
  requests: OtlpReceiver["requests"],
  close: () => Promise<void>,
): OtlpReceiver {
  return {
    endpoint,
    protocol,
    spans,
    requests,
    async waitForSpans(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline) {
          throw new Error(`OTLP receiver: condition not met within ${timeoutMs} ms; received ${spans.map((s) => s.name).join(", ") || "no spans"}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return spans;
    },
    close,
  };
}

/** An OTLP/HTTP receiver: POST /v1/traces with an `application/x-protobuf` body. */
export async function startHttpOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ contentType: request.headers["content-type"], path: request.url ?? "" });
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        response.writeHead(404).end();
        return;
      }
      spans.push(...decodeSpans(Buffer.concat(chunks)));
      response.writeHead(200, { "content-type": "application/x-protobuf" });
      response.end(Buffer.from(ExportResponse.encode(ExportResponse.create({})).finish()));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return receiver(`http://127.0.0.1:${port}`, "http/protobuf", spans, requests, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

/** An OTLP/gRPC receiver: the collector's TraceService/Export, without TLS. */
export async function startGrpcOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server = new grpc.Server();
  const path = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  server.addService(
    {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: (value: Uint8Array) => Buffer.from(value),
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: () => Buffer.from(ExportResponse.encode(ExportResponse.create({})).finish()),
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        requests.push({ contentType: "application/grpc", path });
        spans.push(...decodeSpans(call.request));
        callback(null, {});
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return receiver(`http://127.0.0.1:${port}`, "grpc", spans, requests, () => {
    server.forceShutdown();
    return Promise.resolve();
  });
}
