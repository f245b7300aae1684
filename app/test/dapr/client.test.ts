import { DaprClient, DaprError } from "../../src/dapr/client";
import { type FakeSidecar, startFakeSidecar, unusedPort } from "../support/fakeSidecar";

describe("DaprClient", () => {
  let sidecar: FakeSidecar;
  let client: DaprClient;

  beforeEach(async () => {
    sidecar = await startFakeSidecar();
    client = new DaprClient({ httpPort: sidecar.port, timeoutMs: 500 });
  });

  afterEach(async () => {
    await sidecar.close();
  });

  describe("state", () => {
    it("saves with POST /v1.0/state/{store} and reads with GET /v1.0/state/{store}/{key}", async () => {
      await client.saveState("statestore", "cart-7", { items: 3 });
      expect(await client.getState("statestore", "cart-7")).toEqual({ found: true, value: { items: 3 } });
      expect(sidecar.requests.map(({ method, path, headers, body }) => ({ method, path, type: headers["content-type"], body }))).toEqual([
        { method: "POST", path: "/v1.0/state/statestore", type: "application/json", body: '[{"key":"cart-7","value":{"items":3}}]' },
        { method: "GET", path: "/v1.0/state/statestore/cart-7", type: undefined, body: "" },
      ]);
    });

    it("reports a missing key (204 from Dapr) as not found", async () => {
      expect(await client.getState("statestore", "missing")).toEqual({ found: false });
    });

    it("encodes store names and keys into the path", async () => {
      await client.getState("my store", "a/b?c");
      expect(sidecar.requests[0]!.path).toBe("/v1.0/state/my%20store/a%2Fb%3Fc");
    });
  });

  it("publishes with POST /v1.0/publish/{pubsub}/{topic}", async () => {
    await client.publish("pubsub", "orders", { orderId: 1 });
    expect(sidecar.requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/v1.0/publish/pubsub/orders", body: '{"orderId":1}' }),
    ]);
  });

  it("invokes another app's method and returns its answer", async () => {
    const result = await client.invoke("inventory", "stock/check", { httpMethod: "POST", body: { sku: "X1" } });
    expect(result).toEqual({ status: 200, data: { app: "inventory", method: "stock/check", verb: "POST", received: { sku: "X1" } } });
    expect(sidecar.requests[0]!.path).toBe("/v1.0/invoke/inventory/method/stock/check");
  });

  it("sends DAPR_API_TOKEN as dapr-api-token when configured", async () => {
    await new DaprClient({ httpPort: sidecar.port, timeoutMs: 500, apiToken: "tok" }).publish("pubsub", "t", {});
    expect(sidecar.requests[0]!.headers["dapr-api-token"]).toBe("tok");
    await client.publish("pubsub", "t", {});
    expect(sidecar.requests[1]!.headers["dapr-api-token"]).toBeUndefined();
  });

  it("gives up after its timeout", async () => {
    // The sidecar would answer after 20 s; the client must give up long before (generous for a busy machine).
    sidecar.delayMs = 20_000;
    const startedAt = Date.now();
    const failure = await client.getState("statestore", "k").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DaprError);
    expect(failure).toMatchObject({ kind: "timeout", message: expect.stringContaining("500 ms") });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it("reports 'unavailable' when no sidecar listens", async () => {
    const port = await unusedPort();
    const failure = await new DaprClient({ httpPort: port, timeoutMs: 500 }).saveState("statestore", "k", 1).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: "unavailable", message: expect.stringContaining(`127.0.0.1:${port}`) });
  });

  it("reports Dapr's error code when the sidecar answers an error", async () => {
    sidecar.failWith = { status: 400, errorCode: "ERR_PUBSUB_NOT_FOUND", message: "pubsub nope is not found" };
    const failure = await client.publish("nope", "t", {}).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: "failed", details: { status: 400, errorCode: "ERR_PUBSUB_NOT_FOUND" } });
  });
});
