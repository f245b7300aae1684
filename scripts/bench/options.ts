/** Command-line options of `npm run bench`. */

export const TARGET_IDS = [
  "raw-http",
  "bare-hono",
  "service",
  "service-otlp-http",
  "service-otlp-grpc",
  "flask",
] as const;

export type TargetId = (typeof TARGET_IDS)[number];
export const LOAD_TOOLS = ["autocannon", "wrk"] as const;
export type LoadTool = (typeof LOAD_TOOLS)[number];

export interface BenchOptions {
  readonly help: boolean;
  readonly quick: boolean;
  /** Measured seconds per target. */
  readonly duration: number;
  /** Seconds of load before each measured run, discarded. */
  readonly warmup: number;
  readonly connections: number;
  /** Request path used for every target. */
  readonly path: string;
  /** Load generators, each measuring every target in the same run. */
  readonly tools: readonly LoadTool[];
  /** wrk threads (autocannon always drives load from one thread). */
  readonly threads: number;
  /** Load runs per target, interleaved; the best one is reported. */
  readonly rounds: number;
  /** Measured spawns per cold-start target; 0 skips cold start. */
  readonly coldStarts: number;
  readonly targets: readonly TargetId[];
  /** Whether missing Debian packages (wrk, the Flask anchor's) may be installed with apt-get. */
  readonly install: boolean;
  /** Folder for the JSON results, relative to the repository root. */
  readonly outDir: string;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  help: false,
  quick: false,
  duration: 10,
  warmup: 2,
  connections: 50,
  path: "/info",
  tools: LOAD_TOOLS,
  threads: 1,
  rounds: 1,
  coldStarts: 10,
  targets: TARGET_IDS,
  install: true,
  outDir: ".bench",
};

/** What `--quick` changes, unless the same setting is also given explicitly. */
export const QUICK_OPTIONS = { duration: 3, warmup: 1, coldStarts: 3 } as const;

export const USAGE = `Usage: npm run bench -- [options]

Measures, one after another on 127.0.0.1, with autocannon and then with wrk: raw node:http, bare
Hono, the reference service with telemetry off, with tracing at 100% exporting OTLP (http/protobuf
and grpc) to a local sink, and the Flask anchor under gunicorn; then cold start (spawn to first 200
on /ready). RSS after load and CPU time per request come with every load run.

  --quick                 short smoke run (${QUICK_OPTIONS.duration} s per target, ${QUICK_OPTIONS.warmup} s warm-up, ${QUICK_OPTIONS.coldStarts} cold starts)
  --duration <seconds>    measured load per target (default ${DEFAULT_OPTIONS.duration})
  --warmup <seconds>      discarded load before each measurement (default ${DEFAULT_OPTIONS.warmup})
  --connections <n>       concurrent keep-alive connections (default ${DEFAULT_OPTIONS.connections})
  --path <path>           request path for every target (default ${DEFAULT_OPTIONS.path})
  --tools <a,b>           load generators, each run on every target (default ${LOAD_TOOLS.join(",")})
  --tool <name>           only this one: autocannon or wrk
  --threads <n>           wrk threads (default ${DEFAULT_OPTIONS.threads})
  --rounds <n>            load runs per target, interleaved across targets; the best is reported (default ${DEFAULT_OPTIONS.rounds})
  --cold-starts <n>       measured spawns per cold-start target (default ${DEFAULT_OPTIONS.coldStarts})
  --no-cold-start         skip the cold-start measurement
  --targets <a,b,...>     subset of: ${TARGET_IDS.join(", ")}
  --no-install            never apt-get install wrk, or python3-flask and gunicorn for the Flask anchor
  --out <dir>             folder for the JSON results (default ${DEFAULT_OPTIONS.outDir})
  --help                  this text
`;

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} needs a positive ${integer ? "integer" : "number"}, got ${text === undefined ? "nothing" : `"${text}"`}`);
  }
  return value;
}

function targetList(text: string | undefined): TargetId[] {
  const names = (text ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new Error("--targets needs a comma-separated list");
  for (const name of names) {
    if (!(TARGET_IDS as readonly string[]).includes(name)) {
      throw new Error(`unknown target "${name}"; known: ${TARGET_IDS.join(", ")}`);
    }
  }
  return TARGET_IDS.filter((id) => names.includes(id));
}

function toolList(flag: string, text: string | undefined, several: boolean): LoadTool[] {
  const names = (text ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const valid = names.length > 0 && (several || names.length === 1) && names.every((name) => (LOAD_TOOLS as readonly string[]).includes(name));
  if (!valid) {
    throw new Error(`${flag} must be ${several ? "a comma-separated list of" : "one of"} ${LOAD_TOOLS.join(", ")}, got "${text ?? ""}"`);
  }
  return LOAD_TOOLS.filter((tool) => names.includes(tool));
}

/** Parses the arguments after `npm run bench --`; throws an Error whose message names the bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const explicit: { -readonly [K in keyof BenchOptions]?: BenchOptions[K] } = {};
  let quick = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    const [flag, inlineValue] = argument.startsWith("--") && argument.includes("=")
      ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)]
      : [argument, undefined];
    const value = (): string | undefined => inlineValue ?? argv[++index];
    switch (flag) {
      case "--help": case "-h": explicit.help = true; break;
      case "--quick": quick = true; break;
      case "--duration": explicit.duration = positiveNumber(flag, value(), false); break;
      case "--warmup": explicit.warmup = positiveNumber(flag, value(), false); break;
      case "--connections": explicit.connections = positiveNumber(flag, value(), true); break;
      case "--threads": explicit.threads = positiveNumber(flag, value(), true); break;
      case "--rounds": explicit.rounds = positiveNumber(flag, value(), true); break;
      case "--cold-starts": explicit.coldStarts = positiveNumber(flag, value(), true); break;
      case "--no-cold-start": explicit.coldStarts = 0; break;
      case "--no-install": explicit.install = false; break;
      case "--targets": explicit.targets = targetList(value()); break;
      case "--path": {
        const path = value();
        if (!path || !path.startsWith("/")) throw new Error(`--path needs a path starting with "/", got "${path ?? ""}"`);
        explicit.path = path;
        break;
      }
      case "--tool": explicit.tools = toolList(flag, value(), false); break;
      case "--tools": explicit.tools = toolList(flag, value(), true); break;
      case "--out": {
        const dir = value();
        if (!dir) throw new Error("--out needs a folder");
        explicit.outDir = dir;
        break;
      }
      default:
        throw new Error(`unknown option "${argument}" (see --help)`);
    }
  }
  const options = { ...DEFAULT_OPTIONS, ...(quick ? QUICK_OPTIONS : {}), ...explicit, quick };
  if (options.tools.includes("wrk") && options.threads > options.connections) {
    throw new Error("--threads cannot exceed --connections for wrk");
  }
  return options;
}
