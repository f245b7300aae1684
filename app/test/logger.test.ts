import { type AccessFields, createLogger, isoTimeCachedPerMillisecond, redactHeaders, writeAccessLine } from "../src/logger";
import { LineBatcher } from "../src/logDestination";
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
    const { logger, lines } = capturingLogger(config, { mixin: () => ({ trace_id: "t".repeat(32), span_id: "s".repeat(16) }) });
    logger.child({ request_id: "r" }).warn("careful");
    expect(lines[0]).toMatchObject({ trace_id: "t".repeat(32), span_id: "s".repeat(16), request_id: "r", level: "warn" });
  });

  it("formats the time fragment as ISO-8601 UTC", () => {
    expect(isoTimeCachedPerMillisecond()).toMatch(/^,"time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/);
  });

  it("gives the time of every millisecond exactly as Date's own ISO format, across seconds, days and years", () => {
    jest.useFakeTimers();
    try {
      const starts = [Date.UTC(2026, 10, 29, 15, 36, 37, 0), Date.UTC(2026, 11, 31, 23, 59, 59, 990), Date.UTC(2028, 1, 28, 23, 59, 58, 995)];
      for (const start of starts) {
        for (let at = start; at < start + 1_200; at += 1) {
          jest.setSystemTime(at);
          expect(isoTimeCachedPerMillisecond()).toBe(`,"time":"${new Date(at).toISOString()}"`);
        }
      }
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("writeAccessLine", () => {
  const config = testConfig({ CONTAINER_APP_REVISION: "web--r1", CONTAINER_APP_REPLICA_NAME: "web--r1-x" });
  const fields: AccessFields = { request_id: "r-1", method: "GET", path: "/info", route: "/info", status: 200, duration_ms: 0.42 };
  const HOSTILE_PATHS = [
    '/a"b',
    "/a\\b",
    "/line\nbreak\r\u2028\u2029",
    "/tab\tnul\u0000bell\u0007",
    '/","level":"fatal',
    "/ünï©ødé/😀/日本",
    "/lone\ud800surrogate",
    "/" + "x".repeat(5000),
  ];

  function capture(options: { mixin?: () => Record<string, unknown>; mixinJson?: () => string; level?: string } = {}) {
    const written: string[] = [];
    const logger = createLogger(options.level ? testConfig({ LOG_LEVEL: options.level }) : config, {
      mixin: options.mixin,
      mixinJson: options.mixinJson,
      destination: { write: (line: string) => void written.push(line) },
    });
    return { logger, written };
  }

  it("writes exactly what pino writes for the same fields, apart from the time", () => {
    const ids = () => ({ trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "89c8ce6ca3948849" });
    const idsJson = () => ',"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"89c8ce6ca3948849"';
    for (const mixins of [{}, { mixin: ids }, { mixin: ids, mixinJson: idsJson }]) {
      for (const level of ["info", "warn", "error"] as const) {
        for (const route of ["/info", undefined]) {
          const { logger, written } = capture(mixins);
          writeAccessLine(logger, level, { ...fields, route });
          logger[level]({ ...fields, route }, "request completed");
          const [fast, viaPino] = written.map((line) => line.replace(/"time":"[^"]+"/, '"time":"T"'));
          expect(fast).toBe(viaPino);
        }
      }
    }
  });

  it("writes exactly what pino writes for every method, path, route and status, the first time and again", () => {
    const variants: Partial<AccessFields>[] = [
      { method: "HEAD" },
      { method: "POST", status: 201 },
      { method: 'GE"T\n', status: 405 },
      { path: "/api/state/k1", route: "/api/state/:key", status: 404 },
      { path: "/api/state/k2", route: "/api/state/:key", status: 503, duration_ms: 12 },
      { path: '/a"b', route: undefined, status: 404 },
      { path: "/Info", route: "/info", status: 500 },
    ];
    for (const variant of variants) {
      for (const round of [1, 2]) {
        const { logger, written } = capture();
        writeAccessLine(logger, "info", { ...fields, ...variant });
        logger.info({ ...fields, ...variant }, "request completed");
        const [fast, viaPino] = written.map((line) => line.replace(/"time":"[^"]+"/, '"time":"T"'));
        expect({ variant, round, line: fast }).toEqual({ variant, round, line: viaPino });
      }
    }
  });

  /** A logger writing through the batcher stdout uses, and the text of everything it wrote. */
  function captureBatched(options: { mixin?: () => Record<string, unknown> } = {}) {
    const writes: Buffer[] = [];
    const batcher = new LineBatcher({ write: (data: Buffer) => void writes.push(data), flush: (callback) => callback?.(), flushSync: () => undefined });
    const logger = createLogger(config, { destination: batcher, mixin: options.mixin });
    const written = () => {
      batcher.flushSync();
      return Buffer.concat(writes).toString("utf8");
    };
    return { logger, written };
  }

  it("writes the same bytes through stdout's batcher as it writes as a string, for every kind of value", () => {
    const variants: Partial<AccessFields>[] = [
      {},
      { method: "HEAD", status: 404, duration_ms: 12 },
      { path: "/api/state/k1", route: "/api/state/:key", status: 503, duration_ms: 1234.5 },
      { request_id: undefined, route: undefined },
      { request_id: "a".repeat(128), method: "POST" },
      { request_id: 'id"\n', method: 'GE"T\n' },
      ...HOSTILE_PATHS.map((path) => ({ path })),
    ];
    for (const level of ["info", "warn", "error"] as const) {
      for (const variant of variants) {
        const batched = captureBatched();
        const { logger, written } = capture();
        writeAccessLine(batched.logger, level, { ...fields, ...variant });
        writeAccessLine(logger, level, { ...fields, ...variant });
        const [viaBatcher, asString] = [batched.written(), written.join("")].map((text) => text.replace(/"time":"[^"]+"/, '"time":"T"'));
        expect({ level, variant, line: viaBatcher }).toEqual({ level, variant, line: asString });
      }
    }
  });

  it("keeps lines through the batcher in the order they were written, whichever way each was built", () => {
    const { logger, written } = captureBatched();
    writeAccessLine(logger, "info", { ...fields, path: "/first" });
    writeAccessLine(logger, "info", { ...fields, path: "/sécond" });
    logger.info("third");
    writeAccessLine(logger, "info", { ...fields, path: "/fourth" });
    const lines = written().trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.path ?? line.message)).toEqual(["/first", "/sécond", "third", "/fourth"]);
  });

  it("carries the base fields as they are now, after the logger's bindings change", () => {
    const { logger, written } = captureBatched();
    writeAccessLine(logger, "info", fields);
    logger.setBindings({ replica: "web--r1-ÿ" });
    writeAccessLine(logger, "info", fields);
    const lines = written().trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.replica)).toEqual(["web--r1-x", "web--r1-ÿ"]);
  });

  it("stays one valid JSON line with every field intact whatever the path, method or id holds", () => {
    for (const path of HOSTILE_PATHS) {
      const { logger, written } = capture();
      writeAccessLine(logger, "warn", { ...fields, path, method: 'GE"T\n', request_id: "id\"\n" });
      expect(written).toHaveLength(1);
      expect(written[0]!.endsWith("\n")).toBe(true);
      // One line for a reader that splits on line feeds (U+2028/2029 are valid inside JSON strings).
      expect(written[0]!.slice(0, -1)).not.toMatch(/[\n\r]/);
      expect(JSON.parse(written[0]!)).toEqual({
        level: "warn",
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        service: config.serviceName,
        version: config.serviceVersion,
        revision: "web--r1",
        replica: "web--r1-x",
        request_id: "id\"\n",
        method: 'GE"T\n',
        path,
        route: "/info",
        status: 200,
        duration_ms: 0.42,
        message: "request completed",
      });
    }
  });

  it("leaves out a missing request id and route, as pino leaves out undefined fields", () => {
    const { logger, written } = capture();
    writeAccessLine(logger, "info", { ...fields, request_id: undefined, route: undefined });
    const line = JSON.parse(written[0]!);
    expect(line).not.toHaveProperty("request_id");
    expect(line).not.toHaveProperty("route");
  });

  it("respects the logger's level", () => {
    const { logger, written } = capture({ level: "warn" });
    writeAccessLine(logger, "info", fields);
    writeAccessLine(logger, "warn", fields);
    writeAccessLine(logger, "error", fields);
    expect(written.map((line) => JSON.parse(line).level)).toEqual(["warn", "error"]);
  });

  it("goes through pino for loggers it did not make, keeping their bindings", () => {
    const { logger, written } = capture();
    writeAccessLine(logger.child({ component: "probe" }), "info", fields);
    expect(JSON.parse(written[0]!)).toMatchObject({ component: "probe", ...fields, message: "request completed" });
  });
});
