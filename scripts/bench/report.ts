/** The benchmark's results: their JSON shape and the plain-text tables printed on stdout. */
import type { BenchOptions } from "./options.ts";
import type { ColdStartResult, LoadResult, Verdict } from "./verdicts.ts";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly kernel: string;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd?: readonly number[];
}

export interface OtlpExports {
  readonly protocol: "http/protobuf" | "grpc";
  readonly exportRequests: number;
  readonly spans: number;
  /** Requests sent to the target, warm-up included, for comparison with spans. */
  readonly requestsSent: number;
}

export interface MeasuredLoad extends LoadResult {
  /** Bare Hono's CPU per request divided by this target's: reads like ratioToBareHono. */
  readonly cpuRatioToBareHono?: number;
  /** VmRSS once ready, before any load. */
  readonly idleRssBytes?: number;
  readonly requests?: number;
  readonly durationSeconds?: number;
  readonly ratioToBareHono?: number;
  readonly ratioToFlask?: number;
  readonly otlp?: OtlpExports;
  /** Requests per second of every round, when there was more than one. */
  readonly roundsRequestsPerSecond?: readonly number[];
}

export interface MeasuredColdStart extends ColdStartResult {
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly samplesMs?: readonly number[];
}

/** Every target's figures from one load tool. */
export interface ToolLoad {
  readonly tool: string;
  readonly version?: string;
  readonly latencyResolutionMs?: number;
  /** Set when the tool could not run, saying why. */
  readonly notRun?: string;
  readonly results: readonly MeasuredLoad[];
}

export interface ToolSettings {
  readonly name: string;
  readonly version?: string;
  /** Smallest latency step the tool reports: 1 ms for autocannon, 1 µs for wrk. */
  readonly latencyResolutionMs?: number;
  readonly notRun?: string;
}

export interface Report {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly settings: {
    readonly tools: readonly ToolSettings[];
    readonly path: string;
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly coldStarts: number;
    readonly rounds: number;
    readonly wrkThreads?: number;
  };
  readonly load: readonly ToolLoad[];
  readonly coldStart: readonly MeasuredColdStart[];
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

type Align = "left" | "right";
type Row = readonly string[] | { readonly label: string; readonly note: string };

/** Lays rows out in columns; a { label, note } row prints its note across the other columns. */
export function formatTable(header: readonly string[], rows: readonly Row[], align: readonly Align[]): string {
  const cells = rows.filter((row): row is readonly string[] => Array.isArray(row));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)));
  widths[0] = Math.max(widths[0] ?? 0, ...rows.map((row) => ("label" in row ? row.label.length : 0)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => {
      const width = widths[column] ?? 0;
      return (align[column] ?? "left") === "left" ? cell.padEnd(width) : cell.padStart(width);
    }).join("  ").trimEnd();
  return [
    line(header),
    ...rows.map((row) => ("label" in row ? `${row.label.padEnd(widths[0] ?? 0)}  ${row.note}` : line(row))),
  ].join("\n");
}

function megabytes(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / 1e6;
}

export function formatNumber(value: number | undefined, decimals: number): string {
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(decimals);
}

/** Latency at the tool's resolution: whole milliseconds print as integers, and 0 as "<1". */
export function formatLatency(value: number | undefined, resolutionMs: number): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  if (resolutionMs >= 1) return value < resolutionMs ? `<${resolutionMs}` : value.toFixed(0);
  return value.toFixed(2);
}

function formatMeasured(verdict: Verdict): string {
  if (verdict.measured === undefined) return "–";
  return verdict.unit === "×" ? `${verdict.measured.toFixed(2)}×` : `${verdict.measured.toFixed(1)} ${verdict.unit}`;
}

function formatLimit(verdict: Verdict): string {
  const sign = verdict.comparison === "at least" ? "≥" : "≤";
  return verdict.unit === "×" ? `${sign} ${verdict.limit}×` : `${sign} ${verdict.limit} ${verdict.unit}`;
}

export function settingsLine(options: Pick<BenchOptions, "path" | "connections" | "duration" | "warmup" | "threads" | "rounds">, toolLoad: Pick<ToolLoad, "tool" | "version">): string {
  const tool = toolLoad.tool === "wrk" ? `wrk ${toolLoad.version}, ${options.threads} thread${options.threads === 1 ? "" : "s"}` : `autocannon ${toolLoad.version}`;
  const rounds = options.rounds > 1 ? `, best of ${options.rounds} interleaved rounds` : "";
  return `GET ${options.path}, ${options.connections} connections, ${options.duration} s measured after ${options.warmup} s warm-up${rounds}, ${tool}, 127.0.0.1`;
}

/** The human-readable report. */
export function renderReport(report: Report, settings: (toolLoad: ToolLoad) => string): string {
  const { machine } = report;
  const sections: string[] = [];
  sections.push(
    `Benchmark ${report.date}\n` +
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}, Linux ${machine.kernel}, ` +
    `load average ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(" ")} at start` +
    (machine.loadAverageAtEnd ? `, ${machine.loadAverageAtEnd.map((value) => value.toFixed(2)).join(" ")} at end` : "") +
    `\nCommand: ${report.command}`,
  );

  for (const toolLoad of report.load) {
    if (toolLoad.notRun) {
      sections.push(`Load with ${toolLoad.tool}: not run: ${toolLoad.notRun}`);
      continue;
    }
    const resolution = toolLoad.latencyResolutionMs ?? 1;
    sections.push(`Load with ${toolLoad.tool}: ${settings(toolLoad)}\n` + formatTable(
      ["target", "req/s", "× Hono", "× Flask", "p50 ms", "p99 ms", "max ms", "errors", "non-2xx", "RSS idle MB", "RSS after MB", "CPU µs/req", "CPU × Hono"],
      toolLoad.results.map((result) => result.notRun
        ? { label: result.label, note: `not run: ${result.notRun}` }
        : [
          result.label,
          formatNumber(result.requestsPerSecond, 0),
          formatNumber(result.ratioToBareHono, 2),
          formatNumber(result.ratioToFlask, 1),
          formatLatency(result.latencyMs?.p50, resolution),
          formatLatency(result.latencyMs?.p99, resolution),
          formatLatency(result.latencyMs?.max, resolution),
          String(result.errors ?? "–"),
          String(result.non2xx ?? "–"),
          formatNumber(megabytes(result.idleRssBytes), 1),
          formatNumber(megabytes(result.rssBytes), 1),
          formatNumber(result.cpuMicrosPerRequest, 1),
          formatNumber(result.cpuRatioToBareHono, 2),
        ]),
      ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right"],
    ));

    const rounds = toolLoad.results.filter((result) => result.roundsRequestsPerSecond);
    if (rounds.length > 0) {
      sections.push(`Requests per second in each round (${toolLoad.tool}):\n` + rounds.map(({ label, roundsRequestsPerSecond }) =>
        `  ${label}: ${roundsRequestsPerSecond?.map((value) => value.toFixed(0)).join(", ")}`).join("\n"));
    }

    const exports = toolLoad.results.filter((result) => result.otlp);
    if (exports.length > 0) {
      sections.push(`OTLP sink received (${toolLoad.tool}):\n` + exports.map(({ label, otlp }) =>
        `  ${label}: ${otlp?.spans} spans in ${otlp?.exportRequests} exports for ${otlp?.requestsSent} requests counted by the load tool`).join("\n") +
        "\n  (requests still in flight when a run stops are served and traced but not counted by the load tool)");
    }
  }

  if (report.coldStart.length > 0) {
    sections.push(`Cold start: spawn → first 200 on GET /ready, polled every 2 ms; median of ${report.settings.coldStarts} spawns after one discarded spawn\n` +
      formatTable(
        ["target", "median ms", "min ms", "max ms"],
        report.coldStart.map((result) => result.notRun
          ? { label: result.label, note: `not run: ${result.notRun}` }
          : [result.label, formatNumber(result.medianMs, 1), formatNumber(result.minMs, 1), formatNumber(result.maxMs, 1)]),
        ["left", "right", "right", "right"],
      ));
  }

  sections.push("Goals\n" + formatTable(
    ["goal", "measured", "limit", "verdict"],
    report.verdicts.map((verdict) => [
      verdict.goal,
      formatMeasured(verdict),
      formatLimit(verdict),
      verdict.note ? `${verdict.status} (${verdict.note})` : verdict.status,
    ]),
    ["left", "right", "right", "left"],
  ));

  if (report.notes.length > 0) sections.push("Notes:\n" + report.notes.map((note) => `  - ${note}`).join("\n"));
  return sections.join("\n\n") + "\n";
}
