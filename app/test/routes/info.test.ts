import { json, testApp } from "../support/testApp";

describe("GET /info", () => {
  it("says what runs where", async () => {
    const { app, config } = testApp({
      CONTAINER_APP_REVISION: "web--rev7",
      CONTAINER_APP_REPLICA_NAME: "web--rev7-abc12",
      OTEL_SERVICE_NAME: "orders-api",
    });
    const response = await app.request("/info");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await json(response)).toEqual({
      service: "orders-api",
      version: config.serviceVersion,
      node: process.version,
      revision: "web--rev7",
      replica: "web--rev7-abc12",
      uptime_seconds: expect.any(Number),
      telemetry: { mode: "off" },
    });
  });

  it("reports the telemetry mode and sampler when telemetry is on", async () => {
    const { app } = testApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4317",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.1",
    });
    expect((await json(await app.request("/info"))).telemetry).toEqual({
      mode: "otlp-grpc",
      sampler: "parentbased_traceidratio",
      sampler_ratio: 0.1,
    });
  });

  it("reports the uptime in whole seconds, as it moves on", async () => {
    const { app } = testApp();
    const uptime = jest.spyOn(process, "uptime");
    try {
      const reported = [];
      for (const seconds of [41.2, 41.4, 41.6, 42.4, 7_200.5]) {
        uptime.mockReturnValue(seconds);
        reported.push((await json(await app.request("/info"))).uptime_seconds);
      }
      expect(reported).toEqual([41, 41, 42, 42, 7_201]);
    } finally {
      uptime.mockRestore();
    }
  });
});
