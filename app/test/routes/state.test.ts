import { type FakeSidecar, startFakeSidecar, unusedPort } from "../support/fakeSidecar";
import { json, testApp } from "../support/testApp";

describe("GET/PUT /api/state/:key", () => {
  let sidecar: FakeSidecar;

  beforeEach(async () => {
    sidecar = await startFakeSidecar();
  });

  afterEach(async () => {
    await sidecar.close();
  });

  const appWithSidecar = (env: Record<string, string> = {}) =>
    testApp({ DAPR_HTTP_PORT: String(sidecar.port), DAPR_STATE_STORE: "orders-store", ...env }).app;

  it("saves a JSON value through the sidecar, then reads it back", async () => {
    const app = appWithSidecar();
    const put = await app.request("/api/state/order-42", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ item: "book", quantity: 2 }),
    });
    expect(put.status).toBe(204);
    expect(sidecar.state.get("orders-store||order-42")).toEqual({ item: "book", quantity: 2 });

    const get = await app.request("/api/state/order-42");
    expect(get.status).toBe(200);
    expect(await json(get)).toEqual({ key: "order-42", value: { item: "book", quantity: 2 } });
  });

  it("answers 404 for a key with no state", async () => {
    const response = await appWithSidecar().request("/api/state/nothing-here");
    expect(response.status).toBe(404);
    expect((await json(response)).detail).toContain("nothing-here");
  });

  it.each(["a%7C%7Cb", "x".repeat(129), "sp%20ace"])("rejects the key %s with 400 before calling the sidecar", async (key) => {
    const response = await appWithSidecar().request(`/api/state/${key}`);
    expect(response.status).toBe(400);
    expect(sidecar.requests).toEqual([]);
  });

  it("answers 400 problem+json for a malformed JSON body", async () => {
    const response = await appWithSidecar().request("/api/state/k", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"item": "book",',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(response)).toMatchObject({ status: 400, detail: "The request body is not valid JSON." });
    expect(sidecar.requests).toEqual([]);
  });

  it("answers 400 for an empty body and 415 for a body that is not JSON", async () => {
    const app = appWithSidecar();
    expect((await app.request("/api/state/k", { method: "PUT", headers: { "content-type": "application/json" } })).status).toBe(400);
    const text = await app.request("/api/state/k", { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(text.status).toBe(415);
  });

  it("answers 413 for a body over MAX_BODY_BYTES", async () => {
    const response = await appWithSidecar({ MAX_BODY_BYTES: "64" }).request("/api/state/k", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(100) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(sidecar.requests).toEqual([]);
  });

  it("answers 503 with a clear message when no sidecar runs", async () => {
    const { app } = testApp({ DAPR_HTTP_PORT: String(await unusedPort()) });
    for (const request of [
      app.request("/api/state/k"),
      app.request("/api/state/k", { method: "PUT", headers: { "content-type": "application/json" }, body: "1" }),
    ]) {
      const response = await request;
      expect(response.status).toBe(503);
      expect((await json(response)).detail).toMatch(/No Dapr sidecar is reachable at http:\/\/127\.0\.0\.1:\d+; enable Dapr/);
    }
  });

  it("answers 504 when the sidecar is too slow", async () => {
    sidecar.delayMs = 1_000;
    const response = await appWithSidecar({ DAPR_TIMEOUT_MS: "100" }).request("/api/state/k");
    expect(response.status).toBe(504);
  });

  it("answers 502 with Dapr's error code when the sidecar reports an error", async () => {
    sidecar.failWith = { status: 500, errorCode: "ERR_STATE_STORE_NOT_FOUND", message: "state store orders-store is not found" };
    const response = await appWithSidecar().request("/api/state/k");
    expect(response.status).toBe(502);
    expect(await json(response)).toMatchObject({ dapr_error_code: "ERR_STATE_STORE_NOT_FOUND", detail: expect.stringContaining("not found") });
  });

  it("refuses other methods with 405 and the allowed list", async () => {
    const response = await appWithSidecar().request("/api/state/k", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, PUT");
  });
});
