import {
  CPU_MEMORY_PAIRS,
  ValidationError,
  checkConcurrency,
  checkCpuMemory,
  checkCronExpression,
  checkDigestReference,
  checkEnvNames,
  checkExclusive,
  checkHttpPath,
  checkKeyVaultSecretUrl,
  checkPort,
  checkReplicas,
  checkRetention,
  checkSecretName,
  checkTags,
  checkTerminationGracePeriod,
  checkTrafficWeights,
} from "../../components/validation";

function errorOf(action: () => void): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

describe("argument validation", () => {
  it("accepts every CPU/memory pair of the Consumption profile, 0.25 to 4 cores", () => {
    expect(CPU_MEMORY_PAIRS).toHaveLength(16);
    for (const [cpu, memory] of CPU_MEMORY_PAIRS) expect(() => checkCpuMemory(cpu, memory)).not.toThrow();
    expect(CPU_MEMORY_PAIRS[1]).toEqual([0.5, "1Gi"]);
    expect(CPU_MEMORY_PAIRS[15]).toEqual([4, "8Gi"]);
  });

  it("rejects a CPU count ACA does not offer, naming cpu, its value and the choices", () => {
    const error = errorOf(() => checkCpuMemory(0.3, "1Gi"));
    expect(error.field).toBe("cpu");
    expect(error.value).toBe(0.3);
    expect(error.message).toBe("Invalid `cpu`: 0.3; must be one of 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4 cores.");
  });

  it("rejects memory that does not pair with the CPU", () => {
    const error = errorOf(() => checkCpuMemory(0.5, "2Gi"));
    expect(error.field).toBe("memory");
    expect(error.message).toContain("pairs 0.5 cores with 1Gi");
  });

  it("accepts every spelling of the paired quantity that Azure accepts", () => {
    for (const memory of [".5Gi", "0.5Gi", "0.50Gi"]) expect(() => checkCpuMemory(0.25, memory)).not.toThrow();
    for (const memory of ["1.0Gi", "1.Gi", "01Gi"]) expect(() => checkCpuMemory(0.5, memory)).not.toThrow();
  });

  it("rejects memory in another unit or with no unit, naming the field", () => {
    for (const memory of ["512Mi", "1", "1GB", "Gi", "1 Gi"]) expect(errorOf(() => checkCpuMemory(0.5, memory)).field).toBe("memory");
  });

  it("rejects minReplicas above maxReplicas", () => {
    const error = errorOf(() => checkReplicas(5, 3));
    expect(error.message).toBe("Invalid `minReplicas`: 5; must not exceed maxReplicas (3).");
  });

  it.each([
    [-1, 3, "minReplicas"],
    [0, 0, "maxReplicas"],
    [1.5, 3, "minReplicas"],
    [0, 1001, "maxReplicas"],
  ])("rejects replicas %p..%p, naming %s", (min, max, field) => {
    expect(errorOf(() => checkReplicas(min, max)).field).toBe(field);
  });

  it("accepts scale to zero and equal bounds", () => {
    expect(() => checkReplicas(0, 3)).not.toThrow();
    expect(() => checkReplicas(2, 2)).not.toThrow();
  });

  it.each([0, -5, 2.5, Number.NaN])("rejects concurrency %p", (value) => {
    const error = errorOf(() => checkConcurrency(value));
    expect(error.field).toBe("concurrency");
    expect(error.message).toContain("must be an integer from 1 to 10000");
  });

  it.each([0, 65_536, -1, 80.5])("rejects port %p", (port) => {
    expect(errorOf(() => checkPort("targetPort", port)).message).toContain("Invalid `targetPort`");
  });

  it("accepts the ends of the port range", () => {
    expect(() => checkPort("targetPort", 1)).not.toThrow();
    expect(() => checkPort("targetPort", 65_535)).not.toThrow();
  });

  it("bounds the termination grace period and Log Analytics retention", () => {
    expect(errorOf(() => checkTerminationGracePeriod(601)).field).toBe("terminationGracePeriodSeconds");
    expect(errorOf(() => checkRetention(7)).message).toContain("from 30 to 730");
    expect(() => checkRetention(30)).not.toThrow();
  });

  it("names both fields when mutually exclusive args are set together", () => {
    const error = errorOf(() => checkExclusive({ image: "x", appPath: "./app" }));
    expect(error.message).toContain("only one of `image` or `appPath` may be set");
    expect(() => checkExclusive({ image: "x", appPath: undefined })).not.toThrow();
  });

  it("accepts traffic weights that sum to 100 and rejects those that do not", () => {
    expect(() =>
      checkTrafficWeights([
        { revisionName: "web--v1", weight: 80 },
        { latestRevision: true, weight: 20, label: "canary" },
      ]),
    ).not.toThrow();
    const error = errorOf(() =>
      checkTrafficWeights([
        { revisionName: "web--v1", weight: 80 },
        { latestRevision: true, weight: 30 },
      ]),
    );
    expect(error.message).toContain("weights must sum to 100, not 110");
  });

  it("rejects a traffic entry that names no revision or two, and duplicate labels", () => {
    expect(errorOf(() => checkTrafficWeights([{ weight: 100 }])).field).toBe("traffic[0]");
    expect(errorOf(() => checkTrafficWeights([{ weight: 100, latestRevision: true, revisionName: "a" }])).field).toBe("traffic[0]");
    expect(
      errorOf(() =>
        checkTrafficWeights([
          { revisionName: "a", weight: 50, label: "x" },
          { revisionName: "b", weight: 50, label: "x" },
        ]),
      ).message,
    ).toContain("labels must be unique");
    expect(errorOf(() => checkTrafficWeights([])).message).toContain("at least one revision");
    expect(errorOf(() => checkTrafficWeights([{ revisionName: "a", weight: 101 }])).field).toBe("traffic[0].weight");
  });

  it("insists on digest-pinned image references", () => {
    const digest = "a".repeat(64);
    expect(() => checkDigestReference("image", `myacr.azurecr.io/web@sha256:${digest}`)).not.toThrow();
    expect(errorOf(() => checkDigestReference("image", "myacr.azurecr.io/web:latest")).message).toContain("must be pinned by digest");
    expect(() => checkDigestReference("image", `web@sha256:${digest.slice(1)}`)).toThrow(ValidationError);
  });

  it("checks probe paths, env var names, secret names and Key Vault URLs", () => {
    expect(() => checkHttpPath("probes.liveness.path", "/health")).not.toThrow();
    expect(errorOf(() => checkHttpPath("probes.liveness.path", "health")).field).toBe("probes.liveness.path");
    expect(() => checkEnvNames("env", ["PORT", "_X", "a1"])).not.toThrow();
    expect(errorOf(() => checkEnvNames("env", ["1BAD"])).field).toBe("env.1BAD");
    expect(errorOf(() => checkEnvNames("env", ["A", "A"])).message).toContain("must be unique");
    expect(() => checkSecretName("secrets[0].name", "db-password")).not.toThrow();
    expect(errorOf(() => checkSecretName("secrets[0].name", "DB_PASSWORD")).field).toBe("secrets[0].name");
    expect(() => checkKeyVaultSecretUrl("u", "https://kv-web.vault.azure.net/secrets/db-password")).not.toThrow();
    expect(() => checkKeyVaultSecretUrl("u", `https://kv-web.vault.azure.net/secrets/db/${"0".repeat(32)}`)).not.toThrow();
    expect(errorOf(() => checkKeyVaultSecretUrl("u", "http://kv-web.vault.azure.net/secrets/db")).message).toContain("Key Vault secret URL");
  });

  it("enforces Azure's tag limits", () => {
    expect(() => checkTags({ team: "payments", "cost-center": "42" })).not.toThrow();
    expect(errorOf(() => checkTags({ "bad/key": "v" })).message).toContain("a tag name must be");
    expect(errorOf(() => checkTags({ k: "v".repeat(257) })).field).toBe("tags.k");
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect(errorOf(() => checkTags(many)).message).toContain("at most 50 tags");
  });

  it.each(["0 2 * * *", "*/15 * * * *", "0 0 1 * *", "0 9-17/2 * * MON-FRI", "30 1 1,15 JAN,jul 0", "0 0 * * 6"])("accepts the cron expression %s", (expression) => {
    expect(() => checkCronExpression("cronExpression", expression)).not.toThrow();
  });

  it.each<[string, string]>([
    ["0 0 2 * * *", "must be a cron expression of five fields"],
    ["@daily", "must be a cron expression of five fields"],
    ["60 * * * *", 'the minute field "60" must be *, or values 0-59'],
    ["0 24 * * *", 'the hour field "24" must be *, or values 0-23'],
    ["0 0 0 * *", 'the day of month field "0" must be *, or values 1-31'],
    ["0 0 * 13 *", 'the month field "13" must be *, or values 1-12 (or JAN-DEC)'],
    ["0 0 * * 7", 'the day of week field "7" must be *, or values 0-6 (or SUN-SAT)'],
    ["0 5-2 * * *", 'the hour field "5-2"'],
    ["*/0 * * * *", 'the minute field "*/0"'],
    ["0 0 ? * *", 'the day of month field "?"'],
  ])("refuses the cron expression %s, naming the field at fault", (expression, message) => {
    const error = errorOf(() => checkCronExpression("cronExpression", expression));
    expect(error.field).toBe("cronExpression");
    expect(error.message).toContain(message);
  });
});
