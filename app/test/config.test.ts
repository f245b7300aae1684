import { ConfigError, loadConfig } from "../src/config";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has working defaults for every variable", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: "0.0.0.0",
      serviceName: "aca-reference-service",
      revision: "local",
      logLevel: "info",
      logProbes: false,
      maxBodyBytes: 1_048_576,
      shutdown: { drainDelayMs: 3_000, timeoutMs: 25_000 },
      server: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 },
      externalDependency: { url: undefined, timeoutMs: 3_000 },
      dapr: { httpPort: 3500, timeoutMs: 2_000, stateStore: "statestore", pubsubName: "pubsub", subscribeTopics: [] },
      telemetry: { mode: "off", sampler: "parentbased_always_on", samplerRatio: 1 },
    });
    expect(config.serviceVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("keeps the default shutdown inside ACA's 30 s grace period, telemetry flush included", () => {
    const { shutdown } = loadConfig({});
    expect(shutdown.timeoutMs + 2_000).toBeLessThan(30_000);
  });

  it("reads the ACA revision and replica names", () => {
    expect(loadConfig({ CONTAINER_APP_REVISION: "web--abc123", CONTAINER_APP_REPLICA_NAME: "web--abc123-5f7d9" })).toMatchObject({
      revision: "web--abc123",
      replica: "web--abc123-5f7d9",
    });
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "80.5"],
    ["SHUTDOWN_TIMEOUT_MS", "soon"],
    ["LOG_LEVEL", "loud"],
    ["LOG_PROBES", "maybe"],
    ["MAX_BODY_BYTES", "0"],
    ["DAPR_HTTP_PORT", "-1"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"],
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"],
    ["OTEL_TRACES_SAMPLER", "sometimes"],
    ["EXTERNAL_DEPENDENCY_URL", "ftp://example.com"],
    ["DAPR_STATE_STORE", "state store"],
    ["DAPR_SUBSCRIBE_TOPICS", "orders,bad topic"],
    ["HOST", "local host"],
  ])("rejects %s=%s with a message that names the variable", (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
    expect(problems[0]).toContain(value);
  });

  it("reports every bad variable at once", () => {
    const problems = problemsOf({ PORT: "abc", LOG_LEVEL: "loud", OTEL_TRACES_SAMPLER: "sometimes" });
    expect(problems.map((problem) => problem.split(" ")[0])).toEqual(["PORT", "LOG_LEVEL", "OTEL_TRACES_SAMPLER"]);
  });

  it("requires the drain delay to end before the shutdown deadline", () => {
    expect(problemsOf({ SHUTDOWN_DRAIN_DELAY_MS: "30000", SHUTDOWN_TIMEOUT_MS: "20000" })[0]).toMatch(
      /SHUTDOWN_DRAIN_DELAY_MS .* less than SHUTDOWN_TIMEOUT_MS/,
    );
  });

  it("requires the headers timeout not to exceed the request timeout", () => {
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: "40000", HTTP_REQUEST_TIMEOUT_MS: "30000" })[0]).toMatch(
      /HTTP_HEADERS_TIMEOUT_MS .* HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  describe("telemetry", () => {
    it("stays off without OTEL_EXPORTER_OTLP_ENDPOINT, whatever else is set", () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_TRACES_SAMPLER: "always_on" }).telemetry.mode).toBe("off");
    });

    it("uses gRPC when ACA's agent asks for it, http/protobuf otherwise", () => {
      const endpoint = "http://otel-agent:4317";
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }).telemetry).toMatchObject({
        mode: "otlp-grpc",
        endpoint,
      });
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).telemetry.mode).toBe("otlp-http-protobuf");
    });

    it("can be switched off with OTEL_SDK_DISABLED even when an endpoint is set", () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://agent:4318", OTEL_SDK_DISABLED: "true" }).telemetry.mode).toBe("off");
    });

    it("reads the ratio of the ratio samplers", () => {
      expect(loadConfig({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }).telemetry).toMatchObject({
        sampler: "parentbased_traceidratio",
        samplerRatio: 0.25,
      });
    });

    it.each(["1.5", "-0.1", "half"])("rejects OTEL_TRACES_SAMPLER_ARG=%s", (ratio) => {
      expect(problemsOf({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: ratio })[0]).toContain(
        "OTEL_TRACES_SAMPLER_ARG",
      );
    });

    it("takes SERVICE_VERSION, which the components set to the image digest, as the version, else the package's", () => {
      expect(loadConfig({ SERVICE_VERSION: "cr.azurecr.io/web@sha256:abc" }).serviceVersion).toBe("cr.azurecr.io/web@sha256:abc");
      expect(loadConfig({}).serviceVersion).toMatch(/^\d+\.\d+\.\d+/);
    });

    it("takes OTEL_SERVICE_NAME as the service name for logs and traces", () => {
      expect(loadConfig({ OTEL_SERVICE_NAME: "orders-api" }).serviceName).toBe("orders-api");
    });
  });

  it("splits DAPR_SUBSCRIBE_TOPICS on commas", () => {
    expect(loadConfig({ DAPR_SUBSCRIBE_TOPICS: "orders, payments" }).dapr.subscribeTopics).toEqual(["orders", "payments"]);
  });
});
