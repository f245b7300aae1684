import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A local HTTP server playing the Dapr sidecar's v1.0 HTTP API: an in-memory state store, publish
 * and service invocation, with every request recorded. `delayMs` makes it slow; `failWith` makes
 * it answer an error the way daprd does.
 */
export interface FakeSidecar {
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly state: Map<string, unknown>;
  delayMs: number;
  failWith?: { status: number; errorCode: string; message: string };
  close(): Promise<void>;
}

export async function startFakeSidecar(): Promise<FakeSidecar> {
  const requests: RecordedRequest[] = [];
  const state = new Map<string, unknown>();
  const sidecar: Omit<FakeSidecar, "port" | "close"> = { requests, state, delayMs: 0 };
  const pending = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      requests.push({ method: request.method ?? "", path, headers: request.headers, body });
      const answer = (): void => {
        if (response.destroyed) return;
        if (sidecar.failWith) {
          const { status, errorCode, message } = sidecar.failWith;
          response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ errorCode, message }));
          return;
        }
        let match: RegExpMatchArray | null;
        if (request.method === "GET" && (match = path.match(/^\/v1\.0\/state\/([^/]+)\/([^/?]+)$/))) {
          const key = `${decodeURIComponent(match[1]!)}||${decodeURIComponent(match[2]!)}`;
          if (!state.has(key)) response.writeHead(204).end();
          else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state.get(key)));
        } else if (request.method === "POST" && (match = path.match(/^\/v1\.0\/state\/([^/]+)$/))) {
          for (const item of JSON.parse(body) as { key: string; value: unknown }[]) {
            state.set(`${decodeURIComponent(match[1]!)}||${item.key}`, item.value);
          }
          response.writeHead(204).end();
        } else if (request.method === "POST" && /^\/v1\.0\/publish\/[^/]+\/[^/]+$/.test(path)) {
          response.writeHead(204).end();
        } else if ((match = path.match(/^\/v1\.0\/invoke\/([^/]+)\/method\/(.+)$/))) {
          response
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ app: match[1], method: match[2], verb: request.method, received: body === "" ? null : JSON.parse(body) }));
        } else {
          response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errorCode: "ERR_NOT_FOUND", message: "no route" }));
        }
      };
      if (sidecar.delayMs > 0) {
        const timer = setTimeout(() => {
          pending.delete(timer);
          answer();
        }, sidecar.delayMs);
        pending.add(timer);
      } else answer();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return Object.assign(sidecar, {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A port with nothing listening on it: where "no sidecar" is tested. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
