"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EVENTS_ROUTE = void 0;
exports.registerDapr = registerDapr;
const node_crypto_1 = require("node:crypto");
const jsonBody_1 = require("../jsonBody");
const requestId_1 = require("../middleware/requestId");
const problem_1 = require("../problem");
exports.EVENTS_ROUTE = "/dapr/events";
const logEvent = (event, logger) => {
    logger.info({ event_id: event.id, event_type: event.type, topic: event.topic, source: event.source }, "event received");
    return "SUCCESS";
};
/**
 * Dapr's side of pub/sub: GET /dapr/subscribe lists the topics of DAPR_SUBSCRIBE_TOPICS, all
 * delivered to POST /dapr/events, which always answers 200 with `{status}`: SUCCESS, RETRY when the
 * handler throws, DROP for a message that can never succeed (not JSON, not a CloudEvent) — a 4xx
 * would make Dapr retry it forever. When APP_API_TOKEN is set, /dapr/* requires Dapr's token.
 */
function registerDapr(app, { config, logger, onEvent = logEvent }) {
    const { pubsubName, subscribeTopics, appApiToken } = config.dapr;
    const subscriptions = JSON.stringify(subscribeTopics.map((topic) => ({ pubsubname: pubsubName, topic, route: exports.EVENTS_ROUTE })));
    if (appApiToken !== undefined)
        app.use("/dapr/*", requireDaprToken(appApiToken));
    app.get("/dapr/subscribe", function subscribe(c) {
        return c.body(subscriptions, 200, { "Content-Type": "application/json" });
    });
    (0, problem_1.refuseOtherMethods)(app, "/dapr/subscribe", ["GET", "HEAD"]);
    app.post(exports.EVENTS_ROUTE, (0, jsonBody_1.limitBody)(config.maxBodyBytes), async function deliverEvent(c) {
        const log = (0, requestId_1.requestLogger)(logger, c);
        const event = parseCloudEvent(await c.req.text());
        if (typeof event === "string") {
            log.warn({ reason: event }, "event dropped");
            return c.json({ status: "DROP" });
        }
        let status;
        try {
            status = await onEvent(event, log);
        }
        catch (err) {
            log.error({ err, event_id: event.id, topic: event.topic }, "event handler failed; Dapr will redeliver");
            status = "RETRY";
        }
        return c.json({ status });
    });
    (0, problem_1.refuseOtherMethods)(app, exports.EVENTS_ROUTE, ["POST"]);
}
/** The event, or why it can never be processed. */
function parseCloudEvent(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return "body is not JSON";
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
        return "body is not a JSON object";
    const event = value;
    for (const field of ["id", "source", "type", "specversion"]) {
        if (typeof event[field] !== "string" || event[field] === "")
            return `CloudEvent attribute "${field}" is missing`;
    }
    return event;
}
function requireDaprToken(expected) {
    const expectedBytes = Buffer.from(expected);
    return async function requireDaprToken(c, next) {
        const given = Buffer.from(c.req.header("dapr-api-token") ?? "");
        if (given.length !== expectedBytes.length || !(0, node_crypto_1.timingSafeEqual)(given, expectedBytes)) {
            throw new problem_1.ProblemError(401, "This endpoint is for the Dapr sidecar; the dapr-api-token header is missing or wrong.");
        }
        await next();
    };
}
