import { once } from "node:events";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import type { ExportResponse } from "@opentelemetry/otlp-exporter-base";
import { GrpcExportError, GrpcExportTransport, type GrpcExportTransportOptions } from "../src/grpcExportTransport";

/**
 * GrpcExportTransport against a local HTTP/2 server that plays the collector's part as gRPC over
 * HTTP/2 specifies it (PROTOCOL-HTTP2.md): what the call carries, and what each kind of answer becomes.
 * The service's own test ("exports over gRPC, as ACA's managed agent expects", server.test.ts) sends
 * through it to a @grpc/grpc-js server.
 */

const PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type Answer = (stream: ServerHttp2Stream, received: Received) => void;

/** An empty ExportTraceServiceResponse in its frame, then grpc-status 0 in the trailers. */
const answerOk: Answer = (stream) => {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(Buffer.alloc(5));
};

interface FakeCollector {
  readonly server: Http2Server;
  readonly authority: string;
  readonly received: Received[];
  /** How the collector answers each call; answerOk unless a test says otherwise. */
  answer: Answer;
}

const servers: Http2Server[] = [];
const transports: GrpcExportTransport[] = [];

async function startCollector(port = 0): Promise<FakeCollector> {
  const server = createServer();
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  const collector: FakeCollector = {
    server,
    authority: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: [],
    answer: answerOk,
  };
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const request = { headers, body: Buffer.concat(chunks) };
      collector.received.push(request);
      collector.answer(stream, request);
    });
    stream.on("error", () => {});
  });
  return collector;
}

function transport(options: Partial<GrpcExportTransportOptions> & { authority: string }): GrpcExportTransport {
  const created = new GrpcExportTransport({ path: PATH, headers: () => ({}), compression: "none", ...options });
  transports.push(created);
  return created;
}

function failure(response: ExportResponse): GrpcExportError {
  expect(response.status).toBe("failure");
  const { error } = response as { error: Error };
  expect(error).toBeInstanceOf(GrpcExportError);
  return error as GrpcExportError;
}

afterEach(async () => {
  for (const created of transports.splice(0)) created.shutdown();
  for (const server of servers.splice(0)) server.close();
});

describe("GrpcExportTransport", () => {
  it("sends one unary call: the gRPC headers, the metadata, and the batch in one uncompressed frame", async () => {
    const collector = await startCollector();
    const data = Uint8Array.from({ length: 70_000 }, (_, i) => i % 251);
    const response = await transport({ authority: collector.authority, headers: () => ({ "x-api-key": "k1" }) }).send(data, 5_000);

    expect(response).toEqual({ status: "success", data: new Uint8Array(0) });
    expect(collector.received).toHaveLength(1);
    const [{ headers, body }] = collector.received as [Received];
    expect(headers).toMatchObject({
      ":method": "POST",
      ":path": PATH,
      "content-type": "application/grpc",
      te: "trailers",
      "x-api-key": "k1",
    });
    expect(headers["user-agent"]).toMatch(/^OTel-OTLP-Exporter-JavaScript\/\d+\.\d+\.\d+ node-http2$/);
    const timeout = /^(\d+)m$/.exec(String(headers["grpc-timeout"]));
    expect(Number(timeout?.[1])).toBeGreaterThan(4_000);
    expect(Number(timeout?.[1])).toBeLessThanOrEqual(5_000);
    expect(headers["grpc-encoding"]).toBeUndefined();
    expect(body[0]).toBe(0);
    expect(body.readUInt32BE(1)).toBe(data.length);
    expect(new Uint8Array(body.subarray(5))).toEqual(data);
  });

  it("gives a deadline too long for eight digits of milliseconds in seconds", async () => {
    const collector = await startCollector();
    await transport({ authority: collector.authority }).send(Uint8Array.of(1), 200_000_000);
    expect(collector.received[0]!.headers["grpc-timeout"]).toMatch(/^(199999|200000)S$/);
  });

  it("reads the metadata once, at the first call", async () => {
    const collector = await startCollector();
    const headers = jest.fn(() => ({ "x-tenant": "t" }));
    const sender = transport({ authority: collector.authority, headers });
    await sender.send(Uint8Array.of(1), 5_000);
    await sender.send(Uint8Array.of(2), 5_000);
    expect(headers).toHaveBeenCalledTimes(1);
    expect(collector.received.map((request) => request.headers["x-tenant"])).toEqual(["t", "t"]);
  });

  it("gzips the message, flags its frame and names the encoding when compression is gzip", async () => {
    const collector = await startCollector();
    const data = new TextEncoder().encode("span ".repeat(1_000));
    const response = await transport({ authority: collector.authority, compression: "gzip" }).send(data, 5_000);

    expect(response.status).toBe("success");
    const [{ headers, body }] = collector.received as [Received];
    expect(headers["grpc-encoding"]).toBe("gzip");
    expect(body[0]).toBe(1);
    expect(body.readUInt32BE(1)).toBe(body.length - 5);
    expect(new Uint8Array(gunzipSync(body.subarray(5)))).toEqual(data);
  });

  it("gives the collector's response message, for the exporter to read partial success from", async () => {
    const collector = await startCollector();
    const message = Buffer.from([0x12, 0x03, 0x08, 0x02, 0x10]);
    collector.answer = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      const frame = Buffer.alloc(5 + message.length);
      frame.writeUInt32BE(message.length, 1);
      message.copy(frame, 5);
      stream.end(frame);
    };
    const response = await transport({ authority: collector.authority }).send(Uint8Array.of(1), 5_000);
    expect(response).toEqual({ status: "success", data: new Uint8Array(message) });
  });

  it("fails with the status and the decoded message the trailers carry", async () => {
    const collector = await startCollector();
    collector.answer = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "14", "grpc-message": "collector%20busy" }));
      stream.end();
    };
    const error = failure(await transport({ authority: collector.authority }).send(Uint8Array.of(1), 5_000));
    expect(error.code).toBe(14);
    expect(error.message).toBe("14 UNAVAILABLE: collector busy");
  });

  it("fails with the status of a trailers-only answer", async () => {
    const collector = await startCollector();
    collector.answer = (stream) =>
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "16", "grpc-message": "no token" }, { endStream: true });
    const error = failure(await transport({ authority: collector.authority }).send(Uint8Array.of(1), 5_000));
    expect(error.code).toBe(16);
    expect(error.message).toBe("16 UNAUTHENTICATED: no token");
  });

  it.each([
    [503, 14],
    [429, 14],
    [401, 16],
    [404, 12],
    [500, 2],
  ])("maps an HTTP %i without a gRPC status to status %i, as gRPC's HTTP mapping does", async (httpStatus, code) => {
    const collector = await startCollector();
    collector.answer = (stream) => stream.respond({ ":status": httpStatus, "content-type": "text/plain" }, { endStream: true });
    const error = failure(await transport({ authority: collector.authority }).send(Uint8Array.of(1), 5_000));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`HTTP status ${httpStatus}`);
  });

  it("fails with DEADLINE_EXCEEDED when no answer comes within the timeout, and cancels the call", async () => {
    const collector = await startCollector();
    let serverStream: ServerHttp2Stream | undefined;
    collector.answer = (stream) => {
      serverStream = stream;
    };
    const started = Date.now();
    const error = failure(await transport({ authority: collector.authority }).send(Uint8Array.of(1), 300));
    expect(error.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(serverStream).toBeDefined();
    if (!serverStream!.closed) await once(serverStream!, "close");
    expect(serverStream!.rstCode).toBe(8); // NGHTTP2_CANCEL
  });

  it("fails with UNAVAILABLE while nothing listens, and connects again once the collector is up", async () => {
    const placeholder = await startCollector();
    const authority = placeholder.authority;
    const port = Number(authority.split(":")[1]);
    await new Promise<void>((resolve) => placeholder.server.close(() => resolve()));

    const sender = transport({ authority });
    const error = failure(await sender.send(Uint8Array.of(1), 5_000));
    expect(error.code).toBe(14);

    const collector = await startCollector(port);
    expect((await sender.send(Uint8Array.of(2), 5_000)).status).toBe("success");
    expect(collector.received).toHaveLength(1);
  });

  it("takes every listener off a finished call's stream, so that nothing of the call stays reachable through it", async () => {
    const collector = await startCollector();
    const streams: ClientHttp2Stream[] = [];
    // node:http2 exports the class as a type only; its prototype is the one every client session has.
    const probe = connect(`http://${collector.authority}`);
    const sessionPrototype = Object.getPrototypeOf(probe) as ClientHttp2Session;
    probe.destroy();
    const request = sessionPrototype.request;
    const spy = jest.spyOn(sessionPrototype, "request").mockImplementation(function (this: ClientHttp2Session, ...args) {
      const stream = request.apply(this, args);
      streams.push(stream);
      return stream;
    });
    try {
      await transport({ authority: collector.authority }).send(Uint8Array.of(1), 5_000);
    } finally {
      spy.mockRestore();
    }
    expect(streams).toHaveLength(1);
    const [stream] = streams as [ClientHttp2Stream];
    expect(stream.closed).toBe(true);
    for (const event of ["response", "trailers", "data", "close"]) expect(stream.listenerCount(event)).toBe(0);
    // Only a no-op stays, so that a late error cannot be unhandled.
    expect(stream.listenerCount("error")).toBe(1);
  });

  it("uses one connection for successive calls", async () => {
    const collector = await startCollector();
    const sessions = new Set<unknown>();
    collector.server.on("session", (session) => sessions.add(session));
    const sender = transport({ authority: collector.authority });
    for (let i = 0; i < 3; i++) expect((await sender.send(Uint8Array.of(i), 5_000)).status).toBe("success");
    expect(sessions.size).toBe(1);
  });
});
