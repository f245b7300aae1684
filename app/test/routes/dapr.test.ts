import type { CloudEvent, EventHandler } from "../../src/routes/dapr";
import { json, testApp } from "../support/testApp";

const event = (overrides: Record<string, unknown> = {}): CloudEvent => ({
  id: "5929aaac-a5e2-4ca1-859c-edfe73f11565",
  source: "checkout",
  type: "com.dapr.event.sent",
  specversion: "1.0",
  datacontenttype: "application/json",
  topic: "orders",
  pubsubname: "pubsub",
  data: { orderId: 42 },
  ...overrides,
});

const deliver = (app: ReturnType<typeof testApp>["app"], body: string, headers: Record<string, string> = {}) =>
  app.request("/dapr/events", {
    method: "POST",
    headers: { "content-type": "application/cloudevents+json", ...headers },
    body,
  });

describe("GET /dapr/subscribe", () => {
  it("lists the configured topics, all delivered to /dapr/events", async () => {
    const { app } = testApp({ DAPR_PUBSUB_NAME: "servicebus", DAPR_SUBSCRIBE_TOPICS: "orders,payments" });
    const response = await app.request("/dapr/subscribe");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual([
      { pubsubname: "servicebus", topic: "orders", route: "/dapr/events" },
      { pubsubname: "servicebus", topic: "payments", route: "/dapr/events" },
    ]);
  });

  it("lists nothing when no topics are configured", async () => {
    expect(await json(await testApp().app.request("/dapr/subscribe"))).toEqual([]);
  });
});

describe("POST /dapr/events", () => {
  it("hands a CloudEvent to the handler and answers SUCCESS", async () => {
    const onEvent = jest.fn<ReturnType<EventHandler>, Parameters<EventHandler>>(() => "SUCCESS");
    const { app } = testApp({}, { onEvent });
    const response = await deliver(app, JSON.stringify(event()));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "SUCCESS" });
    expect(onEvent).toHaveBeenCalledWith(expect.objectContaining({ id: event().id, data: { orderId: 42 } }), expect.anything());
  });

  it("logs the event by default", async () => {
    const { app, lines } = testApp();
    await deliver(app, JSON.stringify(event()));
    expect(lines).toContainEqual(
      expect.objectContaining({ message: "event received", event_id: event().id, topic: "orders", request_id: expect.any(String) }),
    );
  });

  it("passes on the handler's verdict", async () => {
    const { app } = testApp({}, { onEvent: async () => "DROP" as const });
    expect(await json(await deliver(app, JSON.stringify(event())))).toEqual({ status: "DROP" });
  });

  it("answers RETRY when the handler fails, so Dapr redelivers", async () => {
    const { app, lines } = testApp({}, {
      onEvent: () => {
        throw new Error("database unavailable");
      },
    });
    const response = await deliver(app, JSON.stringify(event()));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "RETRY" });
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", err: expect.objectContaining({ message: "database unavailable" }) }));
  });

  it.each([
    ["malformed JSON", "{not json"],
    ["a JSON array", "[1,2]"],
    ["an object without CloudEvent attributes", JSON.stringify({ orderId: 42 })],
    ["an event without an id", JSON.stringify(event({ id: "" }))],
  ])("answers DROP for %s: it can never succeed, and an error status would be retried", async (_name, body) => {
    const onEvent = jest.fn<ReturnType<EventHandler>, Parameters<EventHandler>>(() => "SUCCESS");
    const response = await deliver(testApp({}, { onEvent }).app, body);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "DROP" });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it("answers 413 for an event over MAX_BODY_BYTES", async () => {
    const response = await deliver(testApp({ MAX_BODY_BYTES: "100" }).app, JSON.stringify(event({ data: "x".repeat(200) })));
    expect(response.status).toBe(413);
  });

  it("only accepts POST", async () => {
    const response = await testApp().app.request("/dapr/events");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  describe("with APP_API_TOKEN set", () => {
    const token = "s3cr3t-token-from-aca";

    it("refuses calls without Dapr's token", async () => {
      const { app } = testApp({ APP_API_TOKEN: token });
      expect((await deliver(app, JSON.stringify(event()))).status).toBe(401);
      expect((await deliver(app, JSON.stringify(event()), { "dapr-api-token": "wrong" })).status).toBe(401);
      expect((await app.request("/dapr/subscribe")).status).toBe(401);
    });

    it("accepts calls with it", async () => {
      const { app } = testApp({ APP_API_TOKEN: token });
      const response = await deliver(app, JSON.stringify(event()), { "dapr-api-token": token });
      expect(await json(response)).toEqual({ status: "SUCCESS" });
    });
  });
});
