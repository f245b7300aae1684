import { Hono } from "hono";
import { observe } from "../../src/middleware/accessLog";
import { EVENTS_ROUTE } from "../../src/routes/dapr";
import { capturingLogger, testApp, testConfig } from "../support/testApp";

describe("accessLog", () => {
  it("writes one line per request with method, path, route template, status and duration", async () => {
    const { app, lines } = testApp({ DAPR_HTTP_PORT: "1" });
    await app.request("/info", { headers: { "X-Request-Id": "r-1" } });
    await app.request("/api/state/a%7C%7Cb", { headers: { "X-Request-Id": "r-2" } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        message: "request completed",
        request_id: "r-1",
        method: "GET",
        path: "/info",
        route: "/info",
        status: 200,
        duration_ms: expect.any(Number),
      }),
      expect.objectContaining({ level: "warn", request_id: "r-2", path: "/api/state/a||b", route: "/api/state/:key", status: 400 }),
    ]);
  });

  it("gives no route for a path that matched none", async () => {
    const { app, lines } = testApp();
    await app.request("/wp-admin");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 404, path: "/wp-admin" });
    expect(lines[0]).not.toHaveProperty("route");
  });

  it("logs server errors at error level", async () => {
    const { app, lines } = testApp();
    await app.request("/api/exceptions/test-error");
    expect(lines.at(-1)).toMatchObject({ level: "error", status: 500 });
  });

  it("is silent below LOG_LEVEL", async () => {
    const { app, lines } = testApp({ LOG_LEVEL: "warn" });
    await app.request("/info");
    expect(lines).toEqual([]);
  });

  it("writes one line, with the final status, for a request that route middleware refuses", async () => {
    const { app, lines } = testApp({ APP_API_TOKEN: "secret-token", MAX_BODY_BYTES: "8" });
    await app.request("/dapr/subscribe", { headers: { "X-Request-Id": "r-401" } });
    await app.request("/dapr/events", {
      method: "POST",
      headers: { "X-Request-Id": "r-413", "dapr-api-token": "secret-token", "content-type": "application/json" },
      body: JSON.stringify({ long: "more than eight bytes" }),
    });
    const accessLines = lines.filter((line) => line.message === "request completed");
    expect(accessLines).toEqual([
      expect.objectContaining({ level: "warn", request_id: "r-401", path: "/dapr/subscribe", status: 401 }),
      expect.objectContaining({ level: "warn", request_id: "r-413", path: "/dapr/events", route: EVENTS_ROUTE, status: 413 }),
    ]);
  });

  it("writes one line for a refused method and for HEAD", async () => {
    const { app, lines } = testApp();
    expect((await app.request("/info", { method: "DELETE" })).status).toBe(405);
    expect((await app.request("/info", { method: "HEAD" })).status).toBe(200);
    expect((await app.request("/dapr/events", { method: "HEAD" })).status).toBe(405);
    expect(lines.map(({ method, path, route, status }) => ({ method, path, route, status }))).toEqual([
      { method: "DELETE", path: "/info", route: "/info", status: 405 },
      { method: "HEAD", path: "/info", route: "/info", status: 200 },
      { method: "HEAD", path: "/dapr/events", route: EVENTS_ROUTE, status: 405 },
    ]);
  });

  it("keeps a route with one handler on Hono's synchronous single-handler path", () => {
    const { app, lines } = testApp();
    // One matched handler, no app-wide middleware: Hono calls it directly and returns its Response
    // without compose() or a promise; any app.use() in front of the routes would break both.
    for (const path of ["/info", "/health", "/ready", "/api/state/k"]) expect(app.router.match("GET", path)[0]).toHaveLength(1);
    const response = app.fetch(new Request("http://localhost/info"));
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(200);
    expect(lines).toEqual([expect.objectContaining({ path: "/info", status: 200 })]);
  });

  describe("the route it reports when several observed handlers serve one request", () => {
    function chained() {
      const { logger, lines } = capturingLogger(testConfig());
      const onError = () => new Response("{}", { status: 500 });
      const app = new Hono();
      app.on("GET", "/items/*", observe((c, next) => (c.req.query("stop") === undefined ? next() : c.body("stopped", 403)), { logger, onError, route: "/items/*" }));
      app.on("GET", "/items/:id", observe((c) => c.body(c.req.param("id")), { logger, onError, route: "/items/:id" }));
      return { app, lines };
    }

    it("gives the template of the handler that answered, not of the middleware in front of it", async () => {
      const { app, lines } = chained();
      expect(await (await app.request("/items/42")).text()).toBe("42");
      expect(lines).toEqual([expect.objectContaining({ path: "/items/42", route: "/items/:id", status: 200 })]);
    });

    it("gives the middleware's own template when the middleware answers", async () => {
      const { app, lines } = chained();
      expect((await app.request("/items/42?stop")).status).toBe(403);
      expect(lines).toEqual([expect.objectContaining({ path: "/items/42", route: "/items/*", status: 403 })]);
    });
  });
});
