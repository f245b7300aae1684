import { createLogger, isoTimeCachedPerMillisecond, redactHeaders } from "../src/logger";
import { capturingLogger, testConfig } from "./support/testApp";

describe("createLogger", () => {
  const config = testConfig({ CONTAINER_APP_REVISION: "web--r1", CONTAINER_APP_REPLICA_NAME: "web--r1-x" });

  it("writes one JSON object per line with time, level, message and the service's identity", () => {
    const written: string[] = [];
    const logger = createLogger(config, { destination: { write: (line: string) => void written.push(line) } });
    logger.info({ order_id: 42, nested: { ok: true } }, "order placed");
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith("\n")).toBe(true);
    const line = JSON.parse(written[0]!);
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      level: "info",
      message: "order placed",
      service: "aca-reference-service",
      version: config.serviceVersion,
      revision: "web--r1",
      replica: "web--r1-x",
      order_id: 42,
      nested: { ok: true },
    });
    expect(Math.abs(Date.parse(line.time) - Date.now())).toBeLessThan(5_000);
  });

  it("serializes errors with type, message and stack", () => {
    const { logger, lines } = capturingLogger(config);
    logger.error({ err: new RangeError("out of range") }, "failed");
    expect(lines[0]).toMatchObject({ level: "error", err: { type: "RangeError", message: "out of range", stack: expect.stringContaining("RangeError") } });
  });

  it("redacts credentials wherever headers are logged", () => {
    const { logger, lines } = capturingLogger(config);
    const headers = { Authorization: "Bearer abc", cookie: "session=1", accept: "application/json", "dapr-api-token": "t" };
    logger.info({ headers, req: { method: "GET", headers }, authorization: "Basic xyz", cookie: "a=b" }, "request");
    const line = JSON.stringify(lines[0]);
    expect(line).not.toMatch(/Bearer abc|session=1|Basic xyz|a=b|"t"/);
    expect(lines[0]).toMatchObject({
      headers: { Authorization: "[redacted]", cookie: "[redacted]", accept: "application/json", "dapr-api-token": "[redacted]" },
      req: { method: "GET", headers: { Authorization: "[redacted]" } },
      authorization: "[redacted]",
      cookie: "[redacted]",
    });
    expect(headers.Authorization).toBe("Bearer abc");
  });

  it("redacts a Headers object too", () => {
    expect(redactHeaders(new Headers({ authorization: "Bearer x", "x-trace": "1" }))).toEqual({ authorization: "[redacted]", "x-trace": "1" });
  });

  it("adds the mixin's fields (the active span's ids, with telemetry on) to every line", () => {
    const { logger, lines } = capturingLogger(config, () => ({ trace_id: "t".repeat(32), span_id: "s".repeat(16) }));
    logger.child({ request_id: "r" }).warn("careful");
    expect(lines[0]).toMatchObject({ trace_id: "t".repeat(32), span_id: "s".repeat(16), request_id: "r", level: "warn" });
  });

  it("formats the time fragment as ISO-8601 UTC", () => {
    expect(isoTimeCachedPerMillisecond()).toMatch(/^,"time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/);
  });
});
