/** Thrown for an argument Azure would reject: names the field, the value and the rule it breaks. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`Invalid \`${field}\`: ${describe(value)}; ${rule}.`);
    this.name = "ValidationError";
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws a ValidationError unless `value` is an integer in [min, max]. */
export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, value, `must be an integer from ${min} to ${max}`);
  }
}

/** CPU (cores) and memory pairs a Consumption workload profile accepts: 0.25 cores steps, 2 GiB per core. */
export const CPU_MEMORY_PAIRS: ReadonlyArray<readonly [number, string]> = Array.from({ length: 16 }, (_, index) => {
  const cpu = (index + 1) * 0.25;
  return [cpu, `${cpu * 2}Gi`] as const;
});

/** Throws unless cpu/memory is one of the pairs ACA's Consumption profile accepts. */
export function checkCpuMemory(cpu: number, memory: string): void {
  if (!CPU_MEMORY_PAIRS.some(([c]) => c === cpu)) {
    throw new ValidationError("cpu", cpu, `must be one of ${CPU_MEMORY_PAIRS.map(([c]) => c).join(", ")} cores`);
  }
  const expected = `${cpu * 2}Gi`;
  // ARM reads the quantity, not the spelling: ".5Gi", "0.5Gi" and "0.50Gi" are the same request.
  const gibibytes = /^(\d+\.?\d*|\.\d+)Gi$/.exec(memory);
  if (!gibibytes || Number(gibibytes[1]) !== cpu * 2) {
    throw new ValidationError("memory", memory, `ACA's Consumption profile pairs ${cpu} cores with ${expected} (2 GiB per core)`);
  }
}

/** Throws unless 0 ≤ minReplicas ≤ maxReplicas ≤ 1000, maxReplicas ≥ 1. */
export function checkReplicas(minReplicas: number, maxReplicas: number): void {
  checkInteger("minReplicas", minReplicas, 0, 1000);
  checkInteger("maxReplicas", maxReplicas, 1, 1000);
  if (minReplicas > maxReplicas) {
    throw new ValidationError("minReplicas", minReplicas, `must not exceed maxReplicas (${maxReplicas})`);
  }
}

/** Throws unless the HTTP scale rule's concurrent requests per replica is a positive integer. */
export function checkConcurrency(concurrency: number): void {
  checkInteger("concurrency", concurrency, 1, 10_000);
}

/** Throws unless `port` is a TCP port number. */
export function checkPort(field: string, port: number): void {
  checkInteger(field, port, 1, 65_535);
}

/** Throws unless the grace period between SIGTERM and SIGKILL is within ACA's 0–600 s. */
export function checkTerminationGracePeriod(seconds: number): void {
  checkInteger("terminationGracePeriodSeconds", seconds, 0, 600);
}

/** Throws unless the Log Analytics retention is within the PerGB2018 tier's 30–730 days. */
export function checkRetention(days: number): void {
  checkInteger("logRetentionInDays", days, 30, 730);
}

/** Throws when more than one of the named, mutually exclusive args is set. */
export function checkExclusive(args: Record<string, unknown>): void {
  const set = Object.entries(args).filter(([, value]) => value !== undefined);
  if (set.length > 1) {
    const names = set.map(([name]) => `\`${name}\``);
    throw new ValidationError(
      set.map(([name]) => name).join("+"),
      Object.fromEntries(set),
      `only one of ${names.join(" or ")} may be set`,
    );
  }
}

/** Throws unless `path` is an absolute HTTP path (probes). */
export function checkHttpPath(field: string, path: string): void {
  if (typeof path !== "string" || !/^\/[\x21-\x7e]*$/.test(path)) {
    throw new ValidationError(field, path, "must be an HTTP path starting with '/' without spaces");
  }
}

/** Throws unless the image reference is pinned by digest (`<repository>@sha256:<64 hex>`). */
export function checkDigestReference(field: string, reference: string): void {
  if (typeof reference !== "string" || !/^[a-z0-9][a-z0-9.:_/-]*@sha256:[0-9a-f]{64}$/.test(reference)) {
    throw new ValidationError(
      field,
      reference,
      "must be pinned by digest (`<registry>/<repository>@sha256:<64 hex digits>`) so every change makes a new revision",
    );
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless every environment variable name is a valid, unique POSIX name. */
export function checkEnvNames(field: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!ENV_NAME.test(name)) {
      throw new ValidationError(`${field}.${name}`, name, "an environment variable name must be letters, digits and underscores, not starting with a digit");
    }
    if (seen.has(name)) throw new ValidationError(field, name, "environment variable names must be unique");
    seen.add(name);
  }
}

/** Throws unless `name` is a valid Container Apps secret name (lowercase alphanumerics and '-', ≤ 253). */
export function checkSecretName(field: string, name: string): void {
  if (typeof name !== "string" || name.length > 253 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) {
    throw new ValidationError(field, name, "a secret name must be 1-253 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
  }
}

/** Throws unless `url` is a Key Vault secret URL (`https://<vault>.vault.azure.net/secrets/<name>[/<version>]`). */
export function checkKeyVaultSecretUrl(field: string, url: string): void {
  if (typeof url !== "string" || !/^https:\/\/[a-zA-Z0-9-]{3,24}\.vault\.[a-z0-9.]+\/secrets\/[a-zA-Z0-9-]{1,127}(\/[0-9a-f]{32})?\/?$/.test(url)) {
    throw new ValidationError(field, url, "must be a Key Vault secret URL, https://<vault>.vault.azure.net/secrets/<name>[/<version>]");
  }
}

/** Throws unless the tags fit Azure's limits: ≤ 50 tags, keys ≤ 512 without < > % & \ ? /, values ≤ 256. */
export function checkTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new ValidationError("tags", `${entries.length} tags`, "Azure allows at most 50 tags per resource");
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 512 || /[<>%&\\?/]/.test(key)) {
      throw new ValidationError(`tags`, key, "a tag name must be 1-512 characters without < > % & \\ ? /");
    }
    if (typeof value !== "string" || value.length > 256) {
      throw new ValidationError(`tags.${key}`, value, "a tag value must be a string of at most 256 characters");
    }
  }
}

/** One traffic split entry: a revision (or the latest one) and its share. */
export interface TrafficWeight {
  /** A revision name; omit and set `latestRevision` for the newest. */
  readonly revisionName?: string;
  /** True for the newest revision. */
  readonly latestRevision?: boolean;
  /** Share of traffic in percent, integer 0–100. */
  readonly weight: number;
  /** Optional label giving the revision its own URL. */
  readonly label?: string;
}

/** Throws unless the weights are integers that sum to 100 and each entry names exactly one revision. */
export function checkTrafficWeights(weights: readonly TrafficWeight[]): void {
  if (weights.length === 0) throw new ValidationError("traffic", weights, "must list at least one revision");
  weights.forEach((entry, index) => {
    checkInteger(`traffic[${index}].weight`, entry.weight, 0, 100);
    if ((entry.revisionName === undefined) === (entry.latestRevision !== true)) {
      throw new ValidationError(`traffic[${index}]`, entry, "each entry sets exactly one of `revisionName` or `latestRevision: true`");
    }
  });
  const latest = weights.filter((entry) => entry.latestRevision === true).length;
  if (latest > 1) throw new ValidationError("traffic", weights, "at most one entry may be the latest revision");
  const labels = weights.map((entry) => entry.label).filter((label): label is string => label !== undefined);
  if (new Set(labels).size !== labels.length) throw new ValidationError("traffic", labels, "labels must be unique");
  const total = weights.reduce((sum, entry) => sum + entry.weight, 0);
  if (total !== 100) throw new ValidationError("traffic", weights.map((entry) => entry.weight), `weights must sum to 100, not ${total}`);
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new ValidationError(field, value, `must be one of ${allowed.join(", ")}`);
}

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/**
 * Throws unless `expression` is a five-field cron expression (minute, hour, day of month, month, day of week),
 * the format Container Apps jobs take, evaluated in UTC
 * (https://learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs). Each field is `*` or a comma list of
 * values and ranges, each with an optional `/step`; months and days of the week may also be named (JAN, MON).
 */
export function checkCronExpression(field: string, expression: string): void {
  const fields = typeof expression === "string" ? expression.trim().split(/\s+/) : [];
  if (fields.length !== 5) {
    throw new ValidationError(field, expression, 'must be a cron expression of five fields, minute hour day-of-month month day-of-week (e.g. "0 2 * * *"), evaluated in UTC');
  }
  fields.forEach((text, index) => {
    const rule = CRON_FIELDS[index]!;
    const value = (part: string): number | undefined => {
      const named = rule.names?.indexOf(part.toUpperCase()) ?? -1;
      if (named >= 0) return named + rule.min;
      return /^\d+$/.test(part) ? Number(part) : undefined;
    };
    const valid = text.split(",").every((item) => {
      const [range, step, ...extra] = item.split("/");
      if (extra.length > 0 || (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1))) return false;
      if (range === "*") return true;
      const bounds = range!.split("-");
      if (bounds.length > 2) return false;
      const numbers = bounds.map(value);
      if (numbers.some((number) => number === undefined || number < rule.min || number > rule.max)) return false;
      return numbers.length === 1 || numbers[0]! <= numbers[1]!;
    });
    if (!valid) {
      throw new ValidationError(field, expression, `the ${rule.name} field "${text}" must be *, or values ${rule.min}-${rule.max}${rule.names ? ` (or ${rule.names[0]}-${rule.names.at(-1)})` : ""} as a list, a range and an optional /step`);
    }
  });
}
