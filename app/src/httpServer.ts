import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type Server,
  ServerResponse,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Logger } from "pino";
import type { Config } from "./config";
import type { Lifecycle } from "./lifecycle";
import { acceptOrCreateRequestId, REQUEST_ID_HEADER, type ResponseWithRequestId } from "./middleware/requestId";
import { HeaderNames } from "./headerNames";
import { PROBLEM_CONTENT_TYPE, problemBody } from "./problem";
import { SECURITY_HEADERS } from "./securityHeaders";

const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);
const RAW_SECURITY_HEADERS = SECURITY_ENTRIES.map(([name, value]) => `${name}: ${value}\r\n`).join("");
const OWN_HEADER_NAMES = new HeaderNames([...Object.keys(SECURITY_HEADERS), REQUEST_ID_HEADER]);
const REQUEST_ID_HEADER_NAME = new HeaderNames([REQUEST_ID_HEADER]);
for (const [name, value] of SECURITY_ENTRIES) {
  // Checked once here, as Node would check them on every response.
  validateHeaderName(name);
  validateHeaderValue(name, value);
}

/** Node's internal step from status line and headers to the header block (node:_http_outgoing). */
interface StoresHeader {
  _storeHeader(firstLine: string, headers: unknown): void;
}

/**
 * Whether this Node has the step {@link createHttpServer}'s responses hook into. If a Node release
 * renames it, every response takes the merged path instead, which needs nothing of Node's internals.
 */
const PREPENDS_RAW_HEADERS = typeof (ServerResponse.prototype as unknown as Partial<StoresHeader>)._storeHeader === "function";

/** Whether a plain headers object names any of ours, in any case. */
function namesAnyOfOurs(headers: OutgoingHttpHeaders | undefined): boolean {
  if (headers) for (const name in headers) if (OWN_HEADER_NAMES.match(name) !== undefined) return true;
  return false;
}

/**
 * The request's `X-Request-Id`, read from the raw header list: asking for `request.headers` would
 * build Node's headers object for this one value, on every request.
 */
function incomingRequestId(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (REQUEST_ID_HEADER_NAME.match(rawHeaders[i]!) !== undefined) return rawHeaders[i + 1];
  }
  return undefined;
}

export interface HttpServerOptions {
  readonly fetch: (request: Request, env: unknown) => Response | Promise<Response>;
  readonly config: Pick<Config, "server">;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

/**
 * The node:http server around the Hono app, with the transport-level rules:
 * - timeouts set on purpose (see docs/service.md): headers 10 s against slow-header attacks, whole
 *   request 30 s, keep-alive 65 s so an idle connection outlives the proxies' 60 s idle timeouts and
 *   the proxy, not us, closes it (closing first races with a request already on the wire);
 * - the security headers and `X-Request-Id` on every response, added on the Node response itself:
 *   cheaper than a per-request Headers object in Hono, and it covers responses written before routing;
 * - while the lifecycle says so (most of shutdown, see connectionDrain.ts), every response still to be
 *   written says `Connection: close`;
 * - requests Node or the adapter refuse before routing (bad request line, unknown method, bad header,
 *   header too large, bad Host, CONNECT) still get a JSON problem, and the server carries on.
 * It does not listen: server.ts binds the port.
 */
export function createHttpServer({ fetch, config, lifecycle, logger }: HttpServerOptions): Server {
  class ServiceResponse extends ServerResponse implements ResponseWithRequestId {
    #requestId: string | undefined;
    #prependOwnHeaders = false;

    /** Assigned on first use, from the request's own `X-Request-Id` when it is sane. */
    get requestId(): string {
      this.#requestId ??= acceptOrCreateRequestId(incomingRequestId(this.req.rawHeaders));
      return this.#requestId;
    }

    /**
     * Adds the security headers and `X-Request-Id`; the response's own headers win over ours. In the
     * usual case (the headers come in one plain object naming none of ours, nothing set before) ours
     * are written as they are, ahead of the others (see `_storeHeader` below); otherwise they are
     * merged into the given headers and go through Node's checks like any other.
     */
    override writeHead(statusCode: number, reasonOrHeaders?: unknown, headersIfReason?: unknown): this {
      if (lifecycle.closesConnections) this.shouldKeepAlive = false;
      const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
      const given = (reason === undefined ? reasonOrHeaders : headersIfReason) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
      const write = super.writeHead as (...args: unknown[]) => this;
      if (PREPENDS_RAW_HEADERS && !Array.isArray(given) && this.getHeaderNames().length === 0 && !namesAnyOfOurs(given)) {
        this.#prependOwnHeaders = true;
        return reason === undefined ? write.call(this, statusCode, given) : write.call(this, statusCode, reason, given);
      }
      if (Array.isArray(given)) {
        for (const [name, value] of SECURITY_ENTRIES) if (!this.hasHeader(name)) this.setHeader(name, value);
        if (!this.hasHeader(REQUEST_ID_HEADER)) this.setHeader(REQUEST_ID_HEADER, this.requestId);
        return write.call(this, statusCode, ...(reason === undefined ? [given] : [reason, given]));
      }
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of SECURITY_ENTRIES) if (!this.hasHeader(name)) headers[name.toLowerCase()] = value;
      if (!this.hasHeader(REQUEST_ID_HEADER)) headers["x-request-id"] = this.requestId;
      if (given) for (const name in given) headers[name.toLowerCase()] = given[name];
      return reason === undefined ? write.call(this, statusCode, headers) : write.call(this, statusCode, reason, headers);
    }

    /**
     * Node's own step that turns the status line and the headers into the header block. Our headers
     * are constants and an id that is a UUID or passed {@link acceptOrCreateRequestId}'s check, so they
     * go in as one prepared piece right after the status line: Node's per-header name and value checks
     * would repeat, on every response, what is known when the module loads (measured: the largest
     * share of what the service added to a response). Node still treats the response's own headers as
     * before, Connection and Content-Length included.
     */
    _storeHeader(firstLine: string, headers: unknown): void {
      if (this.#prependOwnHeaders) firstLine += `${RAW_SECURITY_HEADERS}X-Request-Id: ${this.requestId}\r\n`;
      (ServerResponse.prototype as unknown as StoresHeader)._storeHeader.call(this, firstLine, headers);
    }
  }

  const listener = getRequestListener(fetch, {
    errorHandler: (error) => {
      const status = error instanceof RequestError ? 400 : 500;
      logger.warn({ err: error, status }, "request rejected before routing");
      return new Response(problemBody(status, status === 400 ? "The request URL or Host header is not valid." : "An unexpected error occurred."), {
        status,
        headers: { "Content-Type": PROBLEM_CONTENT_TYPE },
      });
    },
  });

  const server: Server = createServer(
    {
      ServerResponse: ServiceResponse as typeof ServerResponse,
      headersTimeout: config.server.headersTimeoutMs,
      requestTimeout: config.server.requestTimeoutMs,
      keepAliveTimeout: config.server.keepAliveTimeoutMs,
    },
    listener,
  );

  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: ServerResponse | null }) => {
    // As Node's own handler does: nothing to say to a socket that is gone or mid-way through a response.
    if (error.code === "ECONNRESET" || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error.code);
    logger.warn({ code: error.code, status }, "malformed request rejected");
    socket.end(rawProblemResponse(status, clientErrorDetail(status), status === 405 ? ALLOW : ""));
  });

  // CONNECT is a tunnel request, not a method of this API; Node would otherwise drop the socket silently.
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    logger.warn({ status: 405 }, "CONNECT rejected");
    socket.end(rawProblemResponse(405, "CONNECT is not supported.", ALLOW));
  });

  return server;
}

/** Every method some route of this API serves. */
const ALLOW = "Allow: GET, HEAD, POST, PUT\r\n";

function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return 431;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408;
    case "HPE_INVALID_METHOD":
      return 405;
    default:
      return 400;
  }
}

function clientErrorDetail(status: number): string {
  switch (status) {
    case 431:
      return "The request headers are too large.";
    case 408:
      return "The request was not received in time.";
    case 405:
      return "The request method is not supported.";
    default:
      return "The request is not valid HTTP.";
  }
}

/** A complete HTTP/1.1 response for a socket that never reached the request handler. */
function rawProblemResponse(status: number, detail: string, extraHeaders = ""): string {
  const body = problemBody(status, detail);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n" +
    RAW_SECURITY_HEADERS +
    extraHeaders +
    "\r\n" +
    body
  );
}
