import { json, testApp } from "../support/testApp";
import type { ServerSpan } from "../../src/middleware/serverSpans";

describe("GET /health", () => {
  it("answers 200 without consulting anything", async () => {
    const { app } = testApp({ DAPR_HTTP_PORT: "1", EXTERNAL_DEPENDENCY_URL: "http://127.0.0.1:1" });
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await json(response)).toEqual({ status: "ok" });
  });

  it("stays 200 while the service drains: liveness is not readiness", async () => {
    const { app, lifecycle } = testApp();
    lifecycle.beginDrain();
    expect((await app.request("/health")).status).toBe(200);
  });

  it("answers HEAD with headers only", async () => {
    const response = await testApp().app.request("/health", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("refuses other methods with a 405 problem that lists the allowed ones", async () => {
    const response = await testApp().app.request("/health", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("GET /ready", () => {
  it("is 503 with a JSON reason while starting", async () => {
    const { app } = testApp({}, { ready: false });
    const response = await app.request("/ready");
    expect(response.status).toBe(503);
    expect(await json(response)).toEqual({ status: "starting", reason: expect.stringContaining("starting") });
  });

  it("is 200 once started", async () => {
    const response = await testApp().app.request("/ready");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ready" });
  });

  it("is 503 from the first moment of shutdown", async () => {
    const { app, lifecycle } = testApp();
    lifecycle.beginDrain();
    const response = await app.request("/ready");
    expect(response.status).toBe(503);
    expect(await json(response)).toEqual({ status: "draining", reason: expect.stringContaining("shutting down") });
  });
});

describe("probe logging and tracing", () => {
  it("writes no access line for probes by default", async () => {
    const { app, lines } = testApp();
    await app.request("/health");
    await app.request("/ready");
    expect(lines).toEqual([]);
  });

  it("writes the usual access line for probes with LOG_PROBES=true", async () => {
    const { app, lines } = testApp({ LOG_PROBES: "true" });
    await app.request("/ready");
    expect(lines).toEqual([
      expect.objectContaining({ message: "request completed", method: "GET", path: "/ready", route: "/ready", status: 200 }),
    ]);
  });

  it("opens no server span for probes, so they are never traced", async () => {
    const span: ServerSpan = { run: (fn, ...args) => fn(...args), end: () => undefined, fail: () => undefined };
    const start = jest.fn(() => span);
    const { app } = testApp({}, { serverSpans: { start } });
    await app.request("/health");
    await app.request("/ready");
    expect(start).not.toHaveBeenCalled();
    await app.request("/info");
    expect(start).toHaveBeenCalledTimes(1);
  });
});
