import { EventEmitter, once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP server standing in for an external dependency; it records what it receives. */
export interface Upstream {
  readonly url: string;
  readonly received: { path: string; headers: IncomingHttpHeaders }[];
  status: number;
  delayMs: number;
  body: string;
  /** Resolves once this many requests have arrived in total (rejects after `timeoutMs`). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const received: Upstream["received"] = [];
  const state = { status: 200, delayMs: 0, body: '{"ok":true}' };
  const pending = new Set<NodeJS.Timeout>();
  const arrivals = new EventEmitter();
  const server = createServer((request, response) => {
    received.push({ path: request.url ?? "", headers: request.headers });
    arrivals.emit("request");
    const answer = () => {
      if (!response.destroyed) response.writeHead(state.status, { "content-type": "application/json" }).end(state.body);
    };
    if (state.delayMs > 0) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer();
      }, state.delayMs);
      pending.add(timer);
    } else answer();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/status?probe=1`,
    received,
    waitForRequests: async (count: number, timeoutMs = 30_000) => {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (received.length < count) {
        await once(arrivals, "request", { signal: deadline }).catch(() => {
          throw new Error(`the upstream received ${received.length} requests within ${timeoutMs} ms, not ${count}`);
        });
      }
    },
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
