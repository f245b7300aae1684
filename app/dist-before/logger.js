"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.REDACTING_SERIALIZERS = void 0;
exports.redactHeaders = redactHeaders;
exports.isoTimeCachedPerMillisecond = isoTimeCachedPerMillisecond;
exports.createLogger = createLogger;
exports.writeAccessLine = writeAccessLine;
const pino_1 = __importDefault(require("pino"));
const logDestination_1 = require("./logDestination");
const REDACTED = "[redacted]";
const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "dapr-api-token", "x-api-key"];
/** A copy of a headers object (plain or `Headers`) with credentials replaced. */
function redactHeaders(headers) {
    if (headers === null || typeof headers !== "object")
        return headers;
    const entries = typeof headers.forEach === "function" && typeof headers.get === "function"
        ? headerEntries(headers)
        : Object.entries(headers);
    const copy = {};
    for (const [name, value] of entries)
        copy[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? REDACTED : value;
    return copy;
}
function headerEntries(headers) {
    const entries = [];
    headers.forEach((value, name) => entries.push([name, value]));
    return entries;
}
/** Redacts the headers of a request- or response-like field, keeping its other properties. */
function redactMessage(message) {
    if (message === null || typeof message !== "object" || !("headers" in message))
        return message;
    return { ...message, headers: redactHeaders(message.headers) };
}
/**
 * Credentials never reach a log line: fields named like a credential header are replaced, and so are
 * those headers inside `headers`, `req`/`request` and `res`/`response` fields. Serializers rather
 * than pino's path redaction, which costs more than the rest of an access-log line on every call.
 */
exports.REDACTING_SERIALIZERS = {
    ...Object.fromEntries(SECRET_HEADERS.map((name) => [name, () => REDACTED])),
    headers: redactHeaders,
    req: redactMessage,
    request: redactMessage,
    res: redactMessage,
    response: redactMessage,
};
let lastMillisecond = 0;
let lastTimeField = "";
/**
 * pino's `,"time":"<ISO-8601 UTC>"` fragment. Formatting a Date costs half of an access-log line, and
 * at load many lines share a millisecond, so the fragment is built once per millisecond.
 */
function isoTimeCachedPerMillisecond() {
    const now = Date.now();
    if (now !== lastMillisecond) {
        lastMillisecond = now;
        lastTimeField = `,"time":"${new Date(now).toISOString()}"`;
    }
    return lastTimeField;
}
/**
 * JSON lines on stdout: ISO-8601 UTC `time`, `level` as a word, `message`, the service's identity on
 * every line, `trace_id`/`span_id` inside a traced request (telemetry on), and any fields passed.
 * See {@link stdoutDestination} for how lines reach stdout.
 */
function createLogger(config, { mixin, destination } = {}) {
    const stream = destination ?? (0, logDestination_1.stdoutDestination)();
    const logger = (0, pino_1.default)({
        level: config.logLevel,
        messageKey: "message",
        base: {
            service: config.serviceName,
            version: config.serviceVersion,
            revision: config.revision,
            replica: config.replica,
        },
        timestamp: isoTimeCachedPerMillisecond,
        formatters: { level: (label) => ({ level: label }) },
        mixin,
        serializers: { ...exports.REDACTING_SERIALIZERS, err: pino_1.default.stdSerializers.err },
    }, stream);
    ACCESS_WRITERS.set(logger, { stream, mixin });
    return logger;
}
const ACCESS_WRITERS = new WeakMap();
const LEVEL_VALUES = { info: 30, warn: 40, error: 50 };
const LINE_STARTS = { info: '{"level":"info"', warn: '{"level":"warn"', error: '{"level":"error"' };
/**
 * Writes one `request completed` line: the same JSON, fields and order as
 * `logger[level](fields, "request completed")` would write, built by concatenation because its shape
 * is known. pino walks the fields object, looks up serializers and escapes each value on every call,
 * which under load costs more than the rest of the request's bookkeeping. Every value that can come
 * from the request goes through JSON.stringify, so quotes, newlines or any other character in a path
 * cannot break the line. Loggers not made by {@link createLogger} (children, other configurations) go
 * through pino.
 */
function writeAccessLine(logger, level, fields) {
    if (logger.levelVal > LEVEL_VALUES[level])
        return;
    const writer = ACCESS_WRITERS.get(logger);
    if (writer === undefined) {
        logger[level](fields, "request completed");
        return;
    }
    let line = LINE_STARTS[level] + isoTimeCachedPerMillisecond() + logger[CHINDINGS];
    if (writer.mixin) {
        const extra = writer.mixin();
        for (const key in extra) {
            if (key in fields)
                continue;
            const value = JSON.stringify(extra[key]);
            if (value !== undefined)
                line += `,${JSON.stringify(key)}:${value}`;
        }
    }
    if (fields.request_id !== undefined)
        line += `,"request_id":${JSON.stringify(fields.request_id)}`;
    line += `,"method":${JSON.stringify(fields.method)},"path":${JSON.stringify(fields.path)}`;
    if (fields.route !== undefined)
        line += `,"route":${JSON.stringify(fields.route)}`;
    line += `,"status":${fields.status},"duration_ms":${fields.duration_ms},"message":"request completed"}\n`;
    writer.stream.write(line);
}
/** pino's serialized base fields (`,"service":…,"replica":…`), kept on the logger under this symbol. */
const CHINDINGS = pino_1.default.symbols.chindingsSym;
