import { timingSafeEqual } from "node:crypto";
import type { Hono, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { Config } from "../config";
import { limitBody } from "../jsonBody";
import { requestLogger } from "../middleware/requestId";
import { ProblemError, refuseOtherMethods } from "../problem";

/** What Dapr should do with a delivered message. */
export type EventOutcome = "SUCCESS" | "RETRY" | "DROP";

/** The CloudEvents 1.0 envelope Dapr delivers, with the fields Dapr adds (`topic`, `pubsubname`). */
export interface CloudEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly specversion: string;
  readonly topic?: string;
  readonly pubsubname?: string;
  readonly datacontenttype?: string;
  readonly data?: unknown;
  readonly [extension: string]: unknown;
}

/** Application logic for delivered events. Throwing means "try again later" (RETRY). */
export type EventHandler = (event: CloudEvent, logger: Logger) => EventOutcome | Promise<EventOutcome>;

export const EVENTS_ROUTE = "/dapr/events";

const logEvent: EventHandler = (event, logger) => {
  logger.info({ event_id: event.id, event_type: event.type, topic: event.topic, source: event.source }, "event received");
  return "SUCCESS";
};

/**
 * Dapr's side of pub/sub: GET /dapr/subscribe lists the topics of DAPR_SUBSCRIBE_TOPICS, all
 * delivered to POST /dapr/events, which always answers 200 with `{status}`: SUCCESS, RETRY when the
 * handler throws, DROP for a message that can never succeed (not JSON, not a CloudEvent) — a 4xx
 * would make Dapr retry it forever. When APP_API_TOKEN is set, /dapr/* requires Dapr's token.
 */
export function registerDapr(
  app: Hono,
  { config, logger, onEvent = logEvent }: { config: Config; logger: Logger; onEvent?: EventHandler },
): void {
  const { pubsubName, subscribeTopics, appApiToken } = config.dapr;
  const subscriptions = JSON.stringify(
    subscribeTopics.map((topic) => ({ pubsubname: pubsubName, topic, route: EVENTS_ROUTE })),
  );

  if (appApiToken !== undefined) app.use("/dapr/*", requireDaprToken(appApiToken));

  app.get("/dapr/subscribe", function subscribe(c) {
    return c.body(subscriptions, 200, { "Content-Type": "application/json" });
  });
  refuseOtherMethods(app, "/dapr/subscribe", ["GET", "HEAD"]);

  app.post(EVENTS_ROUTE, limitBody(config.maxBodyBytes), async function deliverEvent(c) {
    const log = requestLogger(logger, c);
    const event = parseCloudEvent(await c.req.text());
    if (typeof event === "string") {
      log.warn({ reason: event }, "event dropped");
      return c.json({ status: "DROP" satisfies EventOutcome });
    }
    let status: EventOutcome;
    try {
      status = await onEvent(event, log);
    } catch (err) {
      log.error({ err, event_id: event.id, topic: event.topic }, "event handler failed; Dapr will redeliver");
      status = "RETRY";
    }
    return c.json({ status });
  });
  refuseOtherMethods(app, EVENTS_ROUTE, ["POST"]);
}

/** The event, or why it can never be processed. */
function parseCloudEvent(text: string): CloudEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "body is not a JSON object";
  const event = value as Record<string, unknown>;
  for (const field of ["id", "source", "type", "specversion"]) {
    if (typeof event[field] !== "string" || event[field] === "") return `CloudEvent attribute "${field}" is missing`;
  }
  return event as unknown as CloudEvent;
}

function requireDaprToken(expected: string): MiddlewareHandler {
  const expectedBytes = Buffer.from(expected);
  return async function requireDaprToken(c, next) {
    const given = Buffer.from(c.req.header("dapr-api-token") ?? "");
    if (given.length !== expectedBytes.length || !timingSafeEqual(given, expectedBytes)) {
      throw new ProblemError(401, "This endpoint is for the Dapr sidecar; the dapr-api-token header is missing or wrong.");
    }
    await next();
  };
}
