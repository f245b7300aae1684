import { once } from "node:events";
import { Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app";
import { createHttpServer } from "../src/httpServer";
import { Lifecycle } from "../src/lifecycle";
import { SECURITY_HEADERS } from "../src/securityHeaders";
import { rawRequest, type Reply, send as sendTo } from "./support/http";
import { type CapturedLine, capturingLogger, testConfig } from "./support/testApp";
import { startUpstream, type Upstream } from "./support/upstream";

/** The real node:http server around the real app, in this process, on an ephemeral port. */
describe("createHttpServer", () => {
  let server: Server;
  let port: number;
  let lifecycle: Lifecycle;
  let lines: CapturedLine[];
  let upstream: Upstream;

  beforeEach(async () => {
    upstream = await startUpstream();
    const config = testConfig({ MAX_BODY_BYTES: "1024", EXTERNAL_DEPENDENCY_URL: upstream.url, DAPR_HTTP_PORT: "1" });
    const captured = capturingLogger(config);
    lines = captured.lines;
    lifecycle = new Lifecycle();
    lifecycle.markReady();
    const app = createApp({ config, logger: captured.logger, lifecycle });
    server = createHttpServer({ fetch: app.fetch, config, lifecycle, logger: captured.logger });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await upstream.close();
  });

  function send(path: string, options: Parameters<typeof sendTo>[1] = {}): Promise<Reply> {
    return sendTo(`http://127.0.0.1:${port}${path}`, options);
  }

  function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers[name.toLowerCase()]).toBe(value);
  }

  it("sets its timeouts deliberately", () => {
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([10_000, 30_000, 65_000]);
  });

  describe("headers on every response", () => {
    it.each(["/info", "/health", "/nowhere", "/api/exceptions/test-error"])("%s carries the security headers and a request id", async (path) => {
      const reply = await send(path);
      expectSecurityHeaders(reply.headers);
      expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("echoes a sane caller id, once, and puts the same id in the logs", async () => {
      const reply = await send("/info", { headers: { "X-Request-Id": "abc-123" } });
      expect(reply.headers["x-request-id"]).toBe("abc-123");
      expect(lines).toContainEqual(expect.objectContaining({ request_id: "abc-123", path: "/info" }));
    });

    it("writes each of its headers exactly once on the wire, with Node's own framing headers intact", async () => {
      const reply = await rawRequest(port, "GET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      const head = reply.text.slice(0, reply.text.indexOf("\r\n\r\n"));
      const names = head.split("\r\n").slice(1).map((line) => line.slice(0, line.indexOf(":")).toLowerCase());
      for (const name of [...Object.keys(SECURITY_HEADERS).map((header) => header.toLowerCase()), "x-request-id", "content-type", "content-length", "date", "connection"]) {
        expect(names.filter((seen) => seen === name)).toEqual([name]);
      }
      expect(reply.headers["connection"]).toBe("close");
      expect(Number(reply.headers["content-length"])).toBe(Buffer.byteLength(reply.body));
      expect(JSON.parse(reply.body)).toHaveProperty("service");
    });

    it("keeps the route's own Content-Type", async () => {
      expect((await send("/info")).headers["content-type"]).toBe("application/json");
      expect((await send("/nowhere")).headers["content-type"]).toBe("application/problem+json");
    });
  });

  describe("a response that sets one of the service's headers itself", () => {
    let own: Server;
    let ownPort: number;

    afterEach(async () => {
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
    });

    async function serve(headers: Record<string, string>): Promise<void> {
      const config = testConfig();
      const { logger } = capturingLogger(config);
      own = createHttpServer({ fetch: () => new Response("{}", { headers }), config, lifecycle, logger });
      own.listen(0, "127.0.0.1");
      await once(own, "listening");
      ownPort = (own.address() as AddressInfo).port;
    }

    it.each([
      ["Cache-Control", "max-age=60"],
      ["content-security-policy", "default-src 'self'"],
      ["X-Request-Id", "chosen-by-the-route"],
    ])("keeps its own %s, once, and adds the rest", async (name, value) => {
      await serve({ "Content-Type": "application/json", [name]: value });
      const reply = await rawRequest(ownPort, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      const lines = reply.text.slice(0, reply.text.indexOf("\r\n\r\n")).split("\r\n").slice(1);
      const named = lines.filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
      expect(named.map((line) => line.slice(line.indexOf(":") + 1).trim())).toEqual([value]);
      for (const [other, otherValue] of Object.entries(SECURITY_HEADERS)) {
        if (other.toLowerCase() !== name.toLowerCase()) expect(reply.headers[other.toLowerCase()]).toBe(otherValue);
      }
      if (name !== "X-Request-Id") expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("hostile input gets a 4xx JSON answer and the server carries on", () => {
    afterEach(async () => {
      const after = await send("/info");
      expect(after.status).toBe(200);
    });

    it("oversized body announced by Content-Length: 413", async () => {
      const reply = await send("/api/state/k", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(5_000) }),
      });
      expect(reply.status).toBe(413);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
      expect(JSON.parse(reply.body)).toMatchObject({ status: 413, detail: expect.stringContaining("1024 bytes") });
    });

    it("oversized body sent chunked: 413", async () => {
      const chunk = "x".repeat(600);
      const reply = await rawRequest(
        port,
        "PUT /api/state/k HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
          `${(chunk.length + 2).toString(16)}\r\n"${chunk}"\r\n`.repeat(3) +
          "0\r\n\r\n",
      );
      expect(reply.status).toBe(413);
    });

    it("malformed JSON: 400 problem+json", async () => {
      const reply = await send("/api/state/k", { method: "PUT", headers: { "content-type": "application/json" }, body: '{"a":' });
      expect(reply.status).toBe(400);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
    });

    it("an unknown method: 405 problem+json from below the router", async () => {
      const reply = await rawRequest(port, "FROB /info HTTP/1.1\r\nHost: localhost\r\n\r\n");
      expect(reply.status).toBe(405);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
      expect(reply.headers.allow).toBe("GET, HEAD, POST, PUT");
      expect(JSON.parse(reply.body)).toMatchObject({ status: 405, title: "Method Not Allowed" });
      expectSecurityHeaders(reply.headers);
    });

    it("a method Node knows but no route serves: 405", async () => {
      const reply = await rawRequest(port, "PROPFIND /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe("GET, HEAD");
    });

    it("CONNECT: 405 instead of a silently dropped socket", async () => {
      const reply = await rawRequest(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
      expect(reply.status).toBe(405);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
    });

    it("control characters in a header value: 400 problem+json", async () => {
      const reply = await rawRequest(port, "GET /info HTTP/1.1\r\nHost: localhost\r\nX-Evil: a\u0001b\r\n\r\n");
      expect(reply.status).toBe(400);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
      expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: "malformed request rejected", status: 400 }));
    });

    it("a header name with illegal characters: 400", async () => {
      expect((await rawRequest(port, "GET /info HTTP/1.1\r\nHost: localhost\r\nBad Header: 1\r\n\r\n")).status).toBe(400);
    });

    it("headers larger than Node accepts: 431", async () => {
      const reply = await rawRequest(port, `GET /info HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
      expect(reply.status).toBe(431);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
    });

    it("a request line that is not HTTP: 400", async () => {
      expect((await rawRequest(port, "GET /info XTTP/1.1\r\nHost: localhost\r\n\r\n")).status).toBe(400);
    });

    it("an invalid Host header: 400 problem+json from the adapter", async () => {
      const reply = await rawRequest(port, "GET /info HTTP/1.1\r\nHost: exa mple.com\r\nConnection: close\r\n\r\n");
      expect(reply.status).toBe(400);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
    });

    it("a path that escapes with backslashes or dot segments is answered, not followed", async () => {
      const reply = await rawRequest(port, "GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain("root:");
    });

    it("an X-Request-Id that could forge log lines is replaced", async () => {
      const reply = await send("/info", { headers: { "X-Request-Id": '","level":"fatal","message":"forged' } });
      expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.filter((line) => line.level === "fatal")).toEqual([]);
    });
  });

  describe("while draining", () => {
    it("answers new requests with Connection: close while the lifecycle says so", async () => {
      const agent = new Agent({ keepAlive: true });
      expect((await send("/info", { agent })).headers.connection).toBe("keep-alive");
      lifecycle.beginDrain();
      expect((await send("/info", { agent })).headers.connection).toBe("keep-alive");
      lifecycle.setClosesConnections(true);
      const reply = await send("/info", { agent });
      expect(reply.status).toBe(200);
      expect(reply.headers.connection).toBe("close");
      agent.destroy();
    });

    it("closes the connection of a request that was already in flight when draining began", async () => {
      upstream.delayMs = 1_000;
      const agent = new Agent({ keepAlive: true });
      const inFlight = send("/api/dependencies/external", { agent });
      await upstream.waitForRequests(1);
      lifecycle.beginDrain();
      lifecycle.setClosesConnections(true);
      const reply = await inFlight;
      expect(reply.status).toBe(200);
      expect(reply.headers.connection).toBe("close");
      agent.destroy();
    });

    it("says 503 on /ready", async () => {
      lifecycle.beginDrain();
      expect((await send("/ready")).status).toBe(503);
    });
  });
});
