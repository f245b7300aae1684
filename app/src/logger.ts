import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "./config";
import { stdoutDestination } from "./logDestination";

const REDACTED = "[redacted]";
const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "dapr-api-token", "x-api-key"];

/** A copy of a headers object (plain or `Headers`) with credentials replaced. */
export function redactHeaders(headers: unknown): unknown {
  if (headers === null || typeof headers !== "object") return headers;
  const entries: Iterable<[string, unknown]> =
    typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function"
      ? headerEntries(headers as Headers)
      : Object.entries(headers);
  const copy: Record<string, unknown> = {};
  for (const [name, value] of entries) copy[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? REDACTED : value;
  return copy;
}

function headerEntries(headers: Headers): [string, string][] {
  const entries: [string, string][] = [];
  headers.forEach((value, name) => entries.push([name, value]));
  return entries;
}

/** Redacts the headers of a request- or response-like field, keeping its other properties. */
function redactMessage(message: unknown): unknown {
  if (message === null || typeof message !== "object" || !("headers" in message)) return message;
  return { ...message, headers: redactHeaders((message as { headers: unknown }).headers) };
}

/**
 * Credentials never reach a log line: fields named like a credential header are replaced, and so are
 * those headers inside `headers`, `req`/`request` and `res`/`response` fields. Serializers rather
 * than pino's path redaction, which costs more than the rest of an access-log line on every call.
 */
export const REDACTING_SERIALIZERS: Record<string, (value: unknown) => unknown> = {
  ...Object.fromEntries(SECRET_HEADERS.map((name) => [name, () => REDACTED])),
  headers: redactHeaders,
  req: redactMessage,
  request: redactMessage,
  res: redactMessage,
  response: redactMessage,
};

let lastMillisecond = -1;
let lastTimeField = "";
let lastSecond = -1;
let secondPrefix = "";

/**
 * pino's `,"time":"<ISO-8601 UTC>"` fragment. Formatting a Date costs more than the rest of an
 * access-log line, so it is done once per second; each millisecond then only appends its three
 * digits, and lines sharing a millisecond share the fragment.
 */
export function isoTimeCachedPerMillisecond(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    const second = Math.floor(now / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      // "2026-11-29T15:36:37." — everything up to the milliseconds.
      secondPrefix = `,"time":"${new Date(second * 1000).toISOString().slice(0, 20)}`;
    }
    const milliseconds = now - second * 1000;
    lastTimeField = `${secondPrefix}${milliseconds < 10 ? "00" : milliseconds < 100 ? "0" : ""}${milliseconds}Z"`;
  }
  return lastTimeField;
}

export type LoggerConfig = Pick<Config, "logLevel" | "serviceName" | "serviceVersion" | "revision" | "replica">;

export interface LoggerOptions {
  /** Adds fields to every line; telemetry.ts provides one that adds the active span's ids. */
  readonly mixin?: () => Record<string, unknown>;
  /**
   * The mixin's fields as the JSON members an access line carries (`,"trace_id":"…","span_id":"…"`,
   * or "" for none), built without the object: access lines use it instead of the mixin when given.
   */
  readonly mixinJson?: () => string;
  /** Defaults to stdout. */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines on stdout: ISO-8601 UTC `time`, `level` as a word, `message`, the service's identity on
 * every line, `trace_id`/`span_id` inside a traced request (telemetry on), and any fields passed.
 * See {@link stdoutDestination} for how lines reach stdout.
 */
export function createLogger(config: LoggerConfig, { mixin, mixinJson, destination }: LoggerOptions = {}): Logger {
  const stream = destination ?? stdoutDestination();
  const logger = pino(
    {
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
      serializers: { ...REDACTING_SERIALIZERS, err: pino.stdSerializers.err },
    },
    stream,
  );
  ACCESS_WRITERS.set(logger, { stream, mixin, mixinJson });
  return logger;
}

/** What an access line needs of a logger made by {@link createLogger}, which pino keeps private. */
interface AccessWriter {
  readonly stream: DestinationStream;
  readonly mixin?: () => Record<string, unknown>;
  readonly mixinJson?: () => string;
}

const ACCESS_WRITERS = new WeakMap<Logger, AccessWriter>();
const LEVEL_VALUES = { info: 30, warn: 40, error: 50 } as const;
const LINE_STARTS = { info: '{"level":"info"', warn: '{"level":"warn"', error: '{"level":"error"' } as const;

export interface AccessFields {
  readonly request_id: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly route: string | undefined;
  readonly status: number;
  readonly duration_ms: number;
}

/**
 * Writes one `request completed` line: the same JSON, fields and order as
 * `logger[level](fields, "request completed")` would write, built by concatenation because its shape
 * is known. pino walks the fields object, looks up serializers and escapes each value on every call,
 * which under load costs more than the rest of the request's bookkeeping. Every value that can come
 * from the request goes through JSON.stringify, so quotes, newlines or any other character in a path
 * cannot break the line. Loggers not made by {@link createLogger} (children, other configurations) go
 * through pino.
 */
export function writeAccessLine(logger: Logger, level: "info" | "warn" | "error", fields: AccessFields): void {
  if (logger.levelVal > LEVEL_VALUES[level]) return;
  const writer = ACCESS_WRITERS.get(logger);
  if (writer === undefined) {
    logger[level](fields, "request completed");
    return;
  }
  let line = LINE_STARTS[level] + isoTimeCachedPerMillisecond() + (logger as unknown as Record<symbol, string>)[CHINDINGS];
  if (writer.mixinJson) {
    line += writer.mixinJson();
  } else if (writer.mixin) {
    const extra = writer.mixin();
    for (const key in extra) {
      if (key in fields) continue;
      const value = JSON.stringify(extra[key]);
      if (value !== undefined) line += `,${JSON.stringify(key)}:${value}`;
    }
  }
  if (fields.request_id !== undefined) line += `,"request_id":${JSON.stringify(fields.request_id)}`;
  const route = fields.route === undefined ? undefined : jsonOfFewValues(fields.route);
  // The path of a static route is its template: one JSON text for both.
  const path = route !== undefined && fields.path === fields.route ? route : JSON.stringify(fields.path);
  line += `,"method":${jsonOfFewValues(fields.method)},"path":${path}`;
  if (route !== undefined) line += `,"route":${route}`;
  line += `,"status":${fields.status},"duration_ms":${fields.duration_ms},"message":"request completed"}\n`;
  writer.stream.write(line);
}

const FEW_VALUES_JSON = new Map<string, string>();
const FEW_VALUES_LIMIT = 512;

/**
 * `JSON.stringify` of a string from a small set (methods, route templates), remembered: a lookup
 * costs less than encoding the same few strings again on every request. Past the limit (a client
 * sending endless made-up methods) it stops remembering and simply encodes.
 */
function jsonOfFewValues(value: string): string {
  let json = FEW_VALUES_JSON.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (FEW_VALUES_JSON.size < FEW_VALUES_LIMIT) FEW_VALUES_JSON.set(value, json);
  }
  return json;
}

/** pino's serialized base fields (`,"service":…,"replica":…`), kept on the logger under this symbol. */
const CHINDINGS = pino.symbols.chindingsSym;
