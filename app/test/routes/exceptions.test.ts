import { json, testApp } from "../support/testApp";

describe("GET /api/exceptions/test-error", () => {
  it("answers a 500 problem that carries the request id but no stack or internals", async () => {
    const { app } = testApp();
    const response = await app.request("/api/exceptions/test-error", { headers: { "X-Request-Id": "req-500-test" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await json(response);
    expect(body).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: expect.stringContaining("request_id"),
      instance: "/api/exceptions/test-error",
      request_id: "req-500-test",
    });
    expect(JSON.stringify(body)).not.toMatch(/Deliberate|at |\.ts|\.js/);
  });

  it("logs the error with its stack and the request id, then the access line", async () => {
    const { app, lines } = testApp();
    await app.request("/api/exceptions/test-error", { headers: { "X-Request-Id": "req-500-log" } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        message: "unhandled error",
        request_id: "req-500-log",
        err: expect.objectContaining({
          type: "DeliberateTestError",
          message: expect.stringContaining("Deliberate test error"),
          stack: expect.stringContaining("routes/exceptions"),
        }),
      }),
      expect.objectContaining({ level: "error", message: "request completed", status: 500, route: "/api/exceptions/test-error" }),
    ]);
  });

  it("keeps serving afterwards", async () => {
    const { app } = testApp();
    await app.request("/api/exceptions/test-error");
    expect((await app.request("/info")).status).toBe(200);
  });
});
