/** The service's performance goals and how each measured figure is judged against them. */
// Only type imports between these helpers: Node runs them by stripping types, and value imports
// would need `.ts` paths that the project's tsc settings refuse.
import type { TargetId } from "./options.ts";

export type Status = "met" | "not met" | "not measured";
export type Comparison = "at least" | "at most";

export interface LoadResult {
  readonly id: TargetId;
  readonly label: string;
  /** Set when the target was not measured, saying why. */
  readonly notRun?: string;
  readonly requestsPerSecond?: number;
  readonly latencyMs?: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly errors?: number;
  readonly non2xx?: number;
  readonly rssBytes?: number;
  /** CPU time (user + system) the target's process used per request during the measured load. */
  readonly cpuMicrosPerRequest?: number;
}

export interface ColdStartResult {
  readonly id: TargetId;
  readonly label: string;
  readonly notRun?: string;
  readonly medianMs?: number;
}

export interface Verdict {
  readonly goal: string;
  readonly measured?: number;
  readonly unit: "×" | "ms" | "MB";
  /** The load tool whose run the figure comes from; absent for cold start. */
  readonly tool?: string;
  readonly comparison: Comparison;
  readonly limit: number;
  readonly status: Status;
  readonly note?: string;
}

export const GOALS = {
  telemetryOffToHono: 0.85,
  tracingOnToHono: 0.5,
  telemetryOffToFlask: 8,
  /** p99 of the service (telemetry off) at most this many times bare Hono's p99, same run, same tool. */
  p99ToHono: 1.5,
  p99Ms: 5,
  p99Connections: 50,
  coldStartOffMs: 120,
  coldStartOtlpMs: 350,
  /** RSS after load of the service (telemetry off) at most this many times bare Hono's. */
  rssToHono: 1.2,
} as const;

export const SERVICE_TARGETS = ["service", "service-otlp-http", "service-otlp-grpc"] as const;
const OTLP_TARGETS = ["service-otlp-http", "service-otlp-grpc"] as const;
/** How goals name the service's modes, whether or not a mode was measured. */
const MODE: Record<(typeof SERVICE_TARGETS)[number], string> = {
  service: "telemetry off",
  "service-otlp-http": "tracing, OTLP http",
  "service-otlp-grpc": "tracing, OTLP grpc",
};

/** a / b, or undefined when either side is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !(b > 0)) return undefined;
  return a / b;
}

/** met when measured is on the right side of the limit (the limit itself counts as met). */
export function judge(measured: number | undefined, comparison: Comparison, limit: number): Status {
  if (measured === undefined || !Number.isFinite(measured)) return "not measured";
  return (comparison === "at least" ? measured >= limit : measured <= limit) ? "met" : "not met";
}

/** Errors and non-2xx answers during a load run, or 0. */
export function failures(result: LoadResult | undefined): number {
  return (result?.errors ?? 0) + (result?.non2xx ?? 0);
}

/** Requests per second of target relative to base; undefined when either was not measured. */
export function throughputRatio(target: LoadResult | undefined, base: LoadResult | undefined): number | undefined {
  return ratio(target?.requestsPerSecond, base?.requestsPerSecond);
}

function verdict(
  goal: string,
  measured: number | undefined,
  unit: Verdict["unit"],
  comparison: Comparison,
  limit: number,
  why: { notMeasured?: string; failedRequests?: number } = {},
): Verdict {
  let status = judge(measured, comparison, limit);
  let note: string | undefined;
  if (status === "not measured") {
    note = why.notMeasured;
  } else if (why.failedRequests) {
    status = "not met";
    note = `${why.failedRequests} errors or non-2xx answers during load`;
  }
  return { goal, ...(measured === undefined ? {} : { measured }), unit, comparison, limit, status, ...(note ? { note } : {}) };
}

function missing(...results: ({ label: string; notRun?: string } | undefined)[]): string | undefined {
  for (const result of results) {
    if (!result) return "target not selected";
    if (result.notRun) return `${result.label}: ${result.notRun}`;
  }
  return undefined;
}

/**
 * Judges the goals on one load tool's figures; `tool` names it in each goal. Every ratio compares
 * figures of the same run and the same tool.
 */
export function evaluateLoadGoals(load: readonly LoadResult[], connections: number, tool: string): Verdict[] {
  const loadOf = (id: TargetId) => load.find((result) => result.id === id);
  const hono = loadOf("bare-hono");
  const flask = loadOf("flask");
  const service = loadOf("service");
  const verdicts: Verdict[] = [];
  const add = (...args: Parameters<typeof verdict>) => verdicts.push({ ...verdict(...args), tool });

  add(`${tool}: telemetry off ≥ 0.85× bare Hono req/s`, throughputRatio(service, hono), "×", "at least", GOALS.telemetryOffToHono,
    { notMeasured: missing(service, hono), failedRequests: failures(service) + failures(hono) });
  for (const id of OTLP_TARGETS) {
    const traced = loadOf(id);
    add(`${tool}: ${MODE[id]} ≥ 0.5× bare Hono req/s`, throughputRatio(traced, hono), "×", "at least", GOALS.tracingOnToHono,
      { notMeasured: missing(traced, hono), failedRequests: failures(traced) + failures(hono) });
  }
  // The anchor's own errors (gunicorn recycling workers) only lower its throughput: they do not
  // invalidate the comparison the way errors on the service's side would.
  add(`${tool}: telemetry off ≥ 8× Flask anchor req/s`, throughputRatio(service, flask), "×", "at least", GOALS.telemetryOffToFlask,
    { notMeasured: missing(service, flask), failedRequests: failures(service) });

  add(`${tool}: telemetry off p99 ≤ 1.5× bare Hono p99`, ratio(service?.latencyMs?.p99, hono?.latencyMs?.p99), "×", "at most", GOALS.p99ToHono,
    { notMeasured: missing(service, hono), failedRequests: failures(service) + failures(hono) });
  for (const id of SERVICE_TARGETS) {
    const result = loadOf(id);
    const wrongConcurrency = connections === GOALS.p99Connections ? undefined : `run used ${connections} connections, the goal is set at ${GOALS.p99Connections}`;
    add(`${tool}: ${MODE[id]}: p99 ≤ 5 ms at 50 connections`, wrongConcurrency ? undefined : result?.latencyMs?.p99, "ms", "at most", GOALS.p99Ms,
      { notMeasured: wrongConcurrency ?? missing(result), failedRequests: failures(result) });
  }

  add(`${tool}: telemetry off RSS after load ≤ 1.2× bare Hono's`, ratio(service?.rssBytes, hono?.rssBytes), "×", "at most", GOALS.rssToHono,
    { notMeasured: missing(service, hono) ?? (service?.rssBytes === undefined || hono?.rssBytes === undefined ? "RSS not readable" : undefined) });
  return verdicts;
}

/** Judges the cold-start goals. */
export function evaluateColdStartGoals(coldStarts: readonly ColdStartResult[]): Verdict[] {
  const coldOf = (id: TargetId) => coldStarts.find((result) => result.id === id);
  const coldOff = coldOf("service");
  const verdicts = [verdict("telemetry off: cold start ≤ 120 ms", coldOff?.medianMs, "ms", "at most", GOALS.coldStartOffMs,
    { notMeasured: missing(coldOff) })];
  for (const id of OTLP_TARGETS) {
    const cold = coldOf(id);
    verdicts.push(verdict(`${MODE[id]}: cold start ≤ 350 ms`, cold?.medianMs, "ms", "at most", GOALS.coldStartOtlpMs,
      { notMeasured: missing(cold) }));
  }
  return verdicts;
}
