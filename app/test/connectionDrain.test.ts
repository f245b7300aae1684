import { once } from "node:events";
import type { Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { ConnectionDrain, type DrainTimings } from "../src/connectionDrain";
import { createHttpServer } from "../src/httpServer";
import { Lifecycle } from "../src/lifecycle";
import { parseResponse, send } from "./support/http";
import { capturingLogger, testConfig } from "./support/testApp";

/** The real node:http server of the service, with a handler the test controls, on loopback. */
describe("ConnectionDrain", () => {
  let server: Server;
  let lifecycle: Lifecycle;
  let port: number;
  /** Requests to /slow wait for this to be called. */
  let releaseSlow: () => void;
  let slowReleased: Promise<void>;

  async function startServer(timings: Partial<DrainTimings>): Promise<ConnectionDrain> {
    const config = testConfig();
    const { logger } = capturingLogger(config);
    lifecycle = new Lifecycle();
    lifecycle.markReady();
    slowReleased = new Promise((resolve) => (releaseSlow = resolve));
    const fetch = async (request: Request) => {
      if (new URL(request.url).pathname === "/slow") await slowReleased;
      return new Response("answered");
    };
    server = createHttpServer({ fetch, config, lifecycle, logger });
    const drain = new ConnectionDrain(server, lifecycle, { listenerQuietMs: 20, sweepIntervalMs: 10, ...timings });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
    return drain;
  }

  afterEach(async () => {
    releaseSlow();
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  });

  /** A raw client connection, once the server has accepted it. */
  async function openConnection(): Promise<{ client: Socket; received: () => string; ended: Promise<void> }> {
    const accepted = once(server, "connection");
    const client = connect(port, "127.0.0.1");
    let text = "";
    client.setEncoding("latin1");
    client.on("data", (chunk: string) => (text += chunk));
    // A reset also ends it; what was received tells the tests apart.
    client.on("error", () => undefined);
    const ended = once(client, "close").then(() => undefined);
    await accepted;
    return { client, received: () => text, ended };
  }

  function listenerClosed(): { callback: (open: number) => void; closed: Promise<number> } {
    let callback!: (open: number) => void;
    const closed = new Promise<number>((resolve) => (callback = resolve));
    return { callback, closed };
  }

  it("answers the first request of a connection accepted just before the listener closed", async () => {
    // node:http's server.close() destroys such a connection: to it, no request is in progress yet.
    const drain = await startServer({ idleGraceMs: 5_000 });
    const { client, received, ended } = await openConnection();
    lifecycle.beginDrain();
    const listener = listenerClosed();
    const drained = drain.drain({ drainDelayMs: 0, deadline: new AbortController().signal, onListenerClosed: listener.callback });
    expect(await listener.closed).toBe(1);

    client.write("GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await ended;
    const response = parseResponse(received());
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(response.body).toBe("answered");
    expect(await drained).toEqual({ forced: false, destroyed: 0 });
  });

  it("refuses new connections once the listener is closed", async () => {
    const drain = await startServer({});
    lifecycle.beginDrain();
    await drain.drain({ drainDelayMs: 0, deadline: new AbortController().signal });
    await expect(send(`http://127.0.0.1:${port}/info`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("serves during the drain delay, each response closing its connection", async () => {
    const drain = await startServer({});
    lifecycle.beginDrain();
    const deadline = new AbortController();
    const drained = drain.drain({ drainDelayMs: 60_000, deadline: deadline.signal });
    const reply = await send(`http://127.0.0.1:${port}/info`);
    expect([reply.status, reply.headers.connection]).toEqual([200, "close"]);
    expect(server.listening).toBe(true);
    // Only the deadline ends step 1 early.
    deadline.abort();
    expect(await drained).toEqual({ forced: false, destroyed: 0 });
    expect(server.listening).toBe(false);
  });

  it("finishes a request in flight, its response saying Connection: close, then closes", async () => {
    const drain = await startServer({});
    const { client, received, ended } = await openConnection();
    client.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
    lifecycle.beginDrain();
    const listener = listenerClosed();
    const drained = drain.drain({ drainDelayMs: 0, deadline: new AbortController().signal, onListenerClosed: listener.callback });
    expect(await listener.closed).toBe(1);
    releaseSlow();
    await ended;
    expect(parseResponse(received())).toMatchObject({ status: 200, headers: expect.objectContaining({ connection: "close" }) });
    expect(await drained).toEqual({ forced: false, destroyed: 0 });
  });

  it("closes a connection idle through the whole grace period without waiting for the deadline", async () => {
    const drain = await startServer({ idleGraceMs: 50 });
    const { ended } = await openConnection();
    lifecycle.beginDrain();
    const drained = drain.drain({ drainDelayMs: 100, deadline: new AbortController().signal });
    await ended;
    expect(await drained).toEqual({ forced: false, destroyed: 0 });
  });

  it("destroys the connections still open when the deadline aborts", async () => {
    const drain = await startServer({});
    const { client, ended } = await openConnection();
    client.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
    lifecycle.beginDrain();
    const deadline = new AbortController();
    const listener = listenerClosed();
    const drained = drain.drain({ drainDelayMs: 0, deadline: deadline.signal, onListenerClosed: listener.callback });
    await listener.closed;
    deadline.abort();
    expect(await drained).toEqual({ forced: true, destroyed: 1 });
    await ended;
  });
});
