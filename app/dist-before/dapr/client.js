"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DaprClient = exports.DaprError = void 0;
const outbound_1 = require("../outbound");
/**
 * A sidecar call that did not succeed: no sidecar listening ("unavailable"), no answer within the
 * deadline ("timeout"), or an error status from Dapr ("failed", with Dapr's `errorCode` when given).
 */
class DaprError extends Error {
    kind;
    details;
    constructor(kind, message, details = {}, options) {
        super(message, options);
        this.kind = kind;
        this.details = details;
        this.name = "DaprError";
    }
}
exports.DaprError = DaprError;
/**
 * A thin client over the Dapr sidecar's HTTP API (v1.0): state, publish and service invocation.
 * Every call has a deadline, carries the W3C trace context and, when DAPR_API_TOKEN is set, the
 * `dapr-api-token` header. Store, topic and key names are URL-encoded, never interpolated raw.
 */
class DaprClient {
    config;
    baseUrl;
    constructor(config) {
        this.config = config;
        this.baseUrl = `http://127.0.0.1:${config.httpPort}`;
    }
    async getState(store, key) {
        const response = await this.call("GET", `/v1.0/state/${encodeURIComponent(store)}/${encodeURIComponent(key)}`);
        if (response.status === 204 || response.text === "")
            return { found: false };
        return { found: true, value: parseJsonOrText(response.text) };
    }
    async saveState(store, key, value) {
        await this.call("POST", `/v1.0/state/${encodeURIComponent(store)}`, [{ key, value }]);
    }
    async publish(pubsub, topic, data) {
        await this.call("POST", `/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`, data);
    }
    /** Service invocation; the target's own status is returned as is (only Dapr's failures throw). */
    async invoke(appId, method, options = {}) {
        const path = `/v1.0/invoke/${encodeURIComponent(appId)}/method/${method.split("/").map(encodeURIComponent).join("/")}`;
        const response = await this.send(options.httpMethod ?? "POST", path, options.body);
        return { status: response.status, data: parseJsonOrText(response.text) };
    }
    /** A call whose non-2xx answers are Dapr errors. */
    async call(method, path, body) {
        const response = await this.send(method, path, body);
        if (response.status >= 200 && response.status < 300)
            return response;
        const text = response.text;
        const parsed = parseJsonOrText(text);
        const errorCode = typeof parsed?.errorCode === "string" ? parsed.errorCode : undefined;
        const detail = typeof parsed?.message === "string" ? parsed.message : text.slice(0, 200);
        throw new DaprError("failed", `Dapr answered ${response.status}${errorCode ? ` ${errorCode}` : ""}: ${detail}`, {
            status: response.status,
            errorCode,
        });
    }
    /** One request, body read inside the same deadline, so a stalled body is a timeout too. */
    async send(method, path, body) {
        const headers = {};
        if (body !== undefined)
            headers["content-type"] = "application/json";
        if (this.config.apiToken)
            headers["dapr-api-token"] = this.config.apiToken;
        try {
            const response = await (0, outbound_1.outboundFetch)(new URL(path, this.baseUrl), {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
                timeoutMs: this.config.timeoutMs,
            });
            return { status: response.status, text: await response.text() };
        }
        catch (error) {
            const timedOut = error instanceof outbound_1.OutboundError ? error.kind === "timeout" : error.name === "TimeoutError";
            if (timedOut) {
                throw new DaprError("timeout", `The Dapr sidecar at ${this.baseUrl} did not answer within ${this.config.timeoutMs} ms`, {}, { cause: error });
            }
            if (!(error instanceof outbound_1.OutboundError)) {
                throw new DaprError("failed", `The Dapr sidecar's answer could not be read: ${error.message}`, {}, { cause: error });
            }
            throw new DaprError("unavailable", `No Dapr sidecar is reachable at ${this.baseUrl}; enable Dapr for this container app (or run \`dapr run\` locally)`, {}, { cause: error });
        }
    }
}
exports.DaprClient = DaprClient;
function parseJsonOrText(text) {
    if (text === "")
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}
