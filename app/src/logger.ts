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

let lastMillisecond = 0;
let lastTimeField = "";

/**
 * pino's `,"time":"<ISO-8601 UTC>"` fragment. Formatting a Date costs half of an access-log line, and
 * at load many lines share a millisecond, so the fragment is built once per millisecond.
 */
export function isoTimeCachedPerMillisecond(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTimeField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTimeField;
}

export type LoggerConfig = Pick<Config, "logLevel" | "serviceName" | "serviceVersion" | "revision" | "replica">;

export interface LoggerOptions {
  /** Adds fields to every line; telemetry.ts provides one that adds the active span's ids. */
  readonly mixin?: () => Record<string, unknown>;
  /** Defaults to stdout. */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines on stdout: ISO-8601 UTC `time`, `level` as a word, `message`, the service's identity on
 * every line, `trace_id`/`span_id` inside a traced request (telemetry on), and any fields passed.
 * See {@link stdoutDestination} for how lines reach stdout.
 */
export function createLogger(config: LoggerConfig, { mixin, destination }: LoggerOptions = {}): Logger {
  return pino(
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
    destination ?? stdoutDestination(),
  );
}
