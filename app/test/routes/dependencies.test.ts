import { unusedPort } from "../support/fakeSidecar";
import { json, testApp } from "../support/testApp";
import { startUpstream, type Upstream } from "../support/upstream";

describe("GET /api/dependencies/external", () => {
  let upstream: Upstream;

  beforeEach(async () => {
    upstream = await startUpstream();
  });

  afterEach(async () => {
    await upstream.close();
  });

  it("calls the configured target and reports how it went", async () => {
    const { app } = testApp({ EXTERNAL_DEPENDENCY_URL: upstream.url });
    const response = await app.request("/api/dependencies/external");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      target: new URL(upstream.url).origin,
      status: 200,
      bytes: upstream.body.length,
      duration_ms: expect.any(Number),
    });
    expect(upstream.received).toEqual([expect.objectContaining({ path: "/status?probe=1" })]);
  });

  it("never takes its target from the request: it is not an open proxy", async () => {
    const { app } = testApp({ EXTERNAL_DEPENDENCY_URL: upstream.url });
    const response = await app.request("/api/dependencies/external?url=http://169.254.169.254/metadata&target=http://evil.example", {
      headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example" },
    });
    expect(response.status).toBe(200);
    expect(upstream.received.map((request) => request.path)).toEqual(["/status?probe=1"]);
  });

  it("answers 503 naming the variable when no target is configured", async () => {
    const response = await testApp().app.request("/api/dependencies/external");
    expect(response.status).toBe(503);
    expect((await json(response)).detail).toContain("EXTERNAL_DEPENDENCY_URL");
  });

  it("maps an error answer from the target to 502", async () => {
    upstream.status = 500;
    const response = await testApp({ EXTERNAL_DEPENDENCY_URL: upstream.url }).app.request("/api/dependencies/external");
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(response)).toMatchObject({ status: 502, upstream_status: 500 });
  });

  it("maps a target that does not answer in time to 504", async () => {
    // The target would answer after 20 s; the timeout must end the call long before (generous for a busy machine).
    upstream.delayMs = 20_000;
    const { app } = testApp({ EXTERNAL_DEPENDENCY_URL: upstream.url, EXTERNAL_DEPENDENCY_TIMEOUT_MS: "100" });
    const startedAt = Date.now();
    const response = await app.request("/api/dependencies/external");
    expect(response.status).toBe(504);
    expect((await json(response)).detail).toContain("100 ms");
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it("maps an unreachable target to 502 and logs the cause", async () => {
    const { app, lines } = testApp({ EXTERNAL_DEPENDENCY_URL: `http://127.0.0.1:${await unusedPort()}/` });
    const response = await app.request("/api/dependencies/external");
    expect(response.status).toBe(502);
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", status: 502, cause: expect.stringContaining("ECONNREFUSED") }));
  });
});
