import { testApp } from "../support/testApp";

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
});
