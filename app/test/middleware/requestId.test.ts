import { Hono } from "hono";
import { acceptOrCreateRequestId, requestId } from "../../src/middleware/requestId";
import { json, testApp } from "../support/testApp";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("requestId", () => {
  it("keeps a sane X-Request-Id from the caller and echoes it", async () => {
    const response = await testApp().app.request("/info", { headers: { "X-Request-Id": "envoy-7f3a9c1e.abc:42" } });
    expect(response.headers.get("x-request-id")).toBe("envoy-7f3a9c1e.abc:42");
  });

  it("generates a UUID when the caller sends none", async () => {
    const response = await testApp().app.request("/info");
    expect(response.headers.get("x-request-id")).toMatch(UUID);
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["with spaces", "two words"],
    ["with quotes that could forge JSON", 'x","level":"fatal'],
    ["with non-ASCII", "idé"],
  ])("replaces an id %s", (_why, incoming) => {
    expect(acceptOrCreateRequestId(incoming)).toMatch(UUID);
  });

  it("puts the id in problem bodies and log lines", async () => {
    const { app, lines } = testApp();
    const response = await app.request("/nowhere", { headers: { "X-Request-Id": "trace-me-1" } });
    expect((await json(response)).request_id).toBe("trace-me-1");
    expect(lines).toEqual([expect.objectContaining({ request_id: "trace-me-1", status: 404 })]);
  });

  it("uses the id the Node response already carries (httpServer.ts) and leaves the header to it", async () => {
    const app = new Hono();
    app.use(requestId());
    app.get("/", (c) => c.text(c.get("requestId")));
    const response = await app.request("/", { headers: { "X-Request-Id": "ignored-here" } }, { outgoing: { requestId: "assigned-on-arrival" } });
    expect(await response.text()).toBe("assigned-on-arrival");
    expect(response.headers.get("x-request-id")).toBeNull();
  });
});
