"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createHttpServer = createHttpServer;
const node_http_1 = require("node:http");
const node_server_1 = require("@hono/node-server");
const requestId_1 = require("./middleware/requestId");
const problem_1 = require("./problem");
const securityHeaders_1 = require("./securityHeaders");
const SECURITY_ENTRIES = Object.entries(securityHeaders_1.SECURITY_HEADERS);
const LOWERCASE_SECURITY_HEADERS = Object.fromEntries(SECURITY_ENTRIES.map(([name, value]) => [name.toLowerCase(), value]));
const RAW_SECURITY_HEADERS = SECURITY_ENTRIES.map(([name, value]) => `${name}: ${value}\r\n`).join("");
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
function createHttpServer({ fetch, config, lifecycle, logger }) {
    class ServiceResponse extends node_http_1.ServerResponse {
        #requestId;
        /** Assigned on first use, from the request's own `X-Request-Id` when it is sane. */
        get requestId() {
            this.#requestId ??= (0, requestId_1.acceptOrCreateRequestId)(this.req.headers["x-request-id"]);
            return this.#requestId;
        }
        /**
         * Adds the security headers and `X-Request-Id` to the headers Hono's adapter passes here, in one
         * plain object, which keeps Node on its fast path; the response's own headers win over ours.
         */
        writeHead(statusCode, reasonOrHeaders, headersIfReason) {
            if (lifecycle.closesConnections)
                this.shouldKeepAlive = false;
            const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
            const given = (reason === undefined ? reasonOrHeaders : headersIfReason);
            const write = super.writeHead;
            if (Array.isArray(given)) {
                for (const [name, value] of SECURITY_ENTRIES)
                    if (!this.hasHeader(name))
                        this.setHeader(name, value);
                this.setHeader(requestId_1.REQUEST_ID_HEADER, this.requestId);
                return write.call(this, statusCode, ...(reason === undefined ? [given] : [reason, given]));
            }
            const headers = { ...LOWERCASE_SECURITY_HEADERS, "x-request-id": this.requestId };
            if (given)
                for (const name in given)
                    headers[name.toLowerCase()] = given[name];
            return reason === undefined ? write.call(this, statusCode, headers) : write.call(this, statusCode, reason, headers);
        }
    }
    const listener = (0, node_server_1.getRequestListener)(fetch, {
        errorHandler: (error) => {
            const status = error instanceof node_server_1.RequestError ? 400 : 500;
            logger.warn({ err: error, status }, "request rejected before routing");
            return new Response((0, problem_1.problemBody)(status, status === 400 ? "The request URL or Host header is not valid." : "An unexpected error occurred."), {
                status,
                headers: { "Content-Type": problem_1.PROBLEM_CONTENT_TYPE },
            });
        },
    });
    const server = (0, node_http_1.createServer)({
        ServerResponse: ServiceResponse,
        headersTimeout: config.server.headersTimeoutMs,
        requestTimeout: config.server.requestTimeoutMs,
        keepAliveTimeout: config.server.keepAliveTimeoutMs,
    }, listener);
    server.on("clientError", (error, socket) => {
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
    server.on("connect", (_request, socket) => {
        logger.warn({ status: 405 }, "CONNECT rejected");
        socket.end(rawProblemResponse(405, "CONNECT is not supported.", ALLOW));
    });
    return server;
}
/** Every method some route of this API serves. */
const ALLOW = "Allow: GET, HEAD, POST, PUT\r\n";
function clientErrorStatus(code) {
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
function clientErrorDetail(status) {
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
function rawProblemResponse(status, detail, extraHeaders = "") {
    const body = (0, problem_1.problemBody)(status, detail);
    return (`HTTP/1.1 ${status} ${node_http_1.STATUS_CODES[status]}\r\n` +
        `Content-Type: ${problem_1.PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "Connection: close\r\n" +
        RAW_SECURITY_HEADERS +
        extraHeaders +
        "\r\n" +
        body);
}
