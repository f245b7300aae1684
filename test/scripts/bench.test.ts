import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { summarizeGcTrace } from "../../scripts/bench/gcTrace";
import { DEFAULT_OPTIONS, parseBenchArgs } from "../../scripts/bench/options";
import { countSpans, grpcMessages } from "../../scripts/bench/otlpSpans";
import { parseCpuTicks, parseParentPid, parseVmRssBytes } from "../../scripts/bench/procStatus";
import { formatLatency, formatTable } from "../../scripts/bench/report";
import { median, summarize } from "../../scripts/bench/stats";
import { evaluateColdStartGoals, evaluateLoadGoals, judge, ratio, type LoadResult, type Verdict } from "../../scripts/bench/verdicts";

describe("reading /proc", () => {
  it("takes VmRSS from /proc/<pid>/status in bytes", () => {
    const status = "Name:\tnode\nVmPeak:\t 1200000 kB\nVmRSS:\t   61440 kB\nRssAnon:\t 40000 kB\n";
    expect(parseVmRssBytes(status)).toBe(61440 * 1024);
  });

  it("reports no RSS for a kernel thread's status, which has no VmRSS line", () => {
    expect(parseVmRssBytes("Name:\tkthreadd\nState:\tS (sleeping)\n")).toBeUndefined();
  });

  it("finds the parent pid even when the command name holds spaces and parentheses", () => {
    expect(parseParentPid("4242 (gunicorn: worker [app:app]) S 4200 4200 4200 0 -1")).toBe(4200);
    expect(parseParentPid("7 (a) b) R 1 7 7 0")).toBe(1);
    expect(parseParentPid("garbage")).toBeUndefined();
  });

  it("adds user and system CPU ticks from /proc/<pid>/stat, fields 14 and 15", () => {
    const stat = "4242 (node (x)) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 56 0 0 20 0 11 0 500";
    expect(parseCpuTicks(stat)).toBe(1234 + 56);
    expect(parseCpuTicks("garbage")).toBeUndefined();
  });
});

describe("reading V8's GC trace", () => {
  const scavenge = (survived: number, capacity: number, promoted = 2832) =>
    `[1:0x1:0]   2342 ms: pause=0.5 mutator=24.7 gc=s reduce_memory=0 scavenge=0.42 allocated=4102720 promoted=${promoted} new_space_survived=${survived} nodes_died_in_new=0 new_space_capacity=${capacity} old_gen_allocation_limit=17648368`;
  const markCompact = "[1:0x1:0]   3731 ms: pause=2.9 mutator=11.5 gc=mc reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00";

  it("counts minor and full collections, averages what each minor one found alive, adds what they promoted and lists the young generation's sizes in order", () => {
    const trace = [
      '{"level":"info","message":"request completed","path":"/gc=s promoted=999"}',
      scavenge(4000, 1048576, 100),
      scavenge(6000, 2097152, 200),
      markCompact,
      scavenge(8000, 2097152, 300),
      scavenge(2000, 4194304, 400),
      "",
    ];
    expect(summarizeGcTrace(trace)).toEqual({
      scavenges: 4,
      markCompacts: 1,
      meanSurvivedBytes: 5000,
      promotedBytes: 1000,
      capacities: [1048576, 2097152, 4194304],
    });
  });

  it("has no mean when nothing was collected", () => {
    expect(summarizeGcTrace(["service ready", ""])).toEqual({ scavenges: 0, markCompacts: 0, meanSurvivedBytes: undefined, promotedBytes: 0, capacities: [] });
  });
});

describe("summaries", () => {
  it("takes the middle sample, or the mean of the two middle ones", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(() => median([])).toThrow("no samples");
  });

  it("summarizes count, median, min and max", () => {
    expect(summarize([5, 1, 3])).toEqual({ count: 3, median: 3, min: 1, max: 5 });
  });

  it("gives no ratio when either side is missing or the base is zero", () => {
    expect(ratio(90, 100)).toBeCloseTo(0.9);
    expect(ratio(undefined, 100)).toBeUndefined();
    expect(ratio(90, 0)).toBeUndefined();
  });
});

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  return [...bytes, value];
}

function lengthDelimited(field: number, content: number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(content.length), ...content];
}

const span = (name: string) => [
  ...lengthDelimited(5, [...Buffer.from(name)]),
  ...varint(7 * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8, // start_time_unix_nano, fixed64
  ...varint(10 * 8), ...varint(300), // dropped_attributes_count, varint
];
const scopeSpans = (count: number) => [
  ...lengthDelimited(1, lengthDelimited(1, [...Buffer.from("scope")])),
  ...Array.from({ length: count }, (_, index) => lengthDelimited(2, span(`GET /info ${index}`))).flat(),
];
const resourceSpans = (...scopes: number[]) => [
  ...lengthDelimited(1, []),
  ...scopes.flatMap((count) => lengthDelimited(2, scopeSpans(count))),
  ...lengthDelimited(3, [...Buffer.from("https://opentelemetry.io/schemas/1.0.0")]),
];

describe("counting spans in OTLP exports", () => {
  const request = Uint8Array.from([...lengthDelimited(1, resourceSpans(3, 2)), ...lengthDelimited(1, resourceSpans(4))]);

  it("counts the spans under every resource and scope", () => {
    expect(countSpans(request)).toBe(9);
    expect(countSpans(new Uint8Array())).toBe(0);
  });

  it("refuses a message that runs past its end", () => {
    expect(() => countSpans(request.subarray(0, request.length - 3))).toThrow();
  });

  it("splits a gRPC body into its length-prefixed messages", () => {
    const frame = (message: Uint8Array) => [0, ...[24, 16, 8, 0].map((shift) => (message.length >>> shift) & 0xff), ...message];
    const body = Uint8Array.from([...frame(request), ...frame(Uint8Array.from(lengthDelimited(1, resourceSpans(1))))]);
    const messages = grpcMessages(body);
    expect(messages.map(countSpans)).toEqual([9, 1]);
  });

  it("refuses compressed or truncated gRPC messages", () => {
    expect(() => grpcMessages(Uint8Array.from([1, 0, 0, 0, 0]))).toThrow("compressed");
    expect(() => grpcMessages(Uint8Array.from([0, 0, 0, 0, 9, 1]))).toThrow("truncated");
  });

  it("are printed by the sink for shell scripts when it is stopped, after the ports it printed at start", async () => {
    const sink = spawn(process.execPath, [join(__dirname, "../../scripts/bench/sinkProcess.mjs")], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    sink.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: sink.stdout })[Symbol.asyncIterator]();
    const nextLine = async (timeoutMs: number): Promise<string> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no line from the sink within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      });
      try {
        const { value, done } = await Promise.race([lines.next(), timeout]);
        if (done) throw new Error(`the sink's output ended: ${stderr}`);
        return value;
      } finally {
        clearTimeout(timer);
      }
    };
    const exited = new Promise<number | null>((resolve) => sink.once("exit", resolve));
    try {
      const [httpPort, grpcPort] = (await nextLine(15_000)).split(" ").map(Number);
      expect(grpcPort).toBeGreaterThan(0);
      const response = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: request,
      });
      expect(response.status).toBe(200);
      sink.kill("SIGTERM");
      const counts = JSON.parse(await nextLine(15_000));
      expect(counts["http/protobuf"]).toEqual({ exportRequests: 1, spans: 9, undecodable: 0 });
      expect(counts.grpc).toEqual({ exportRequests: 0, spans: 0, undecodable: 0 });
      expect(await exited).toBe(0);
    } finally {
      sink.kill("SIGKILL");
    }
  }, 40_000);
});

describe("command-line options", () => {
  it("defaults to 50 connections, 10 s after a 2 s warm-up, on GET /info with autocannon and wrk", () => {
    expect(parseBenchArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ connections: 50, duration: 10, warmup: 2, path: "/info", tools: ["autocannon", "wrk"], coldStarts: 10 });
  });

  it("runs one tool with --tool, a list with --tools, in a fixed order", () => {
    expect(parseBenchArgs(["--tool", "wrk"]).tools).toEqual(["wrk"]);
    expect(parseBenchArgs(["--tools", "wrk,autocannon"]).tools).toEqual(["autocannon", "wrk"]);
  });

  it("shortens everything with --quick, but explicit values win in any order", () => {
    expect(parseBenchArgs(["--quick"])).toMatchObject({ quick: true, duration: 3, warmup: 1, coldStarts: 3 });
    expect(parseBenchArgs(["--duration", "5", "--quick"])).toMatchObject({ duration: 5, warmup: 1 });
    expect(parseBenchArgs(["--quick", "--cold-starts=12"])).toMatchObject({ coldStarts: 12 });
  });

  it("keeps the listed targets in measuring order", () => {
    expect(parseBenchArgs(["--targets", "flask,bare-hono"]).targets).toEqual(["bare-hono", "flask"]);
  });

  it("names the flag when a value is wrong", () => {
    expect(() => parseBenchArgs(["--connections", "ten"])).toThrow("--connections needs a positive integer");
    expect(() => parseBenchArgs(["--duration"])).toThrow("--duration");
    expect(() => parseBenchArgs(["--tool", "ab"])).toThrow("--tool must be one of autocannon, wrk");
    expect(() => parseBenchArgs(["--tool", "wrk,autocannon"])).toThrow("--tool must be one of");
    expect(() => parseBenchArgs(["--tools", "wrk,ab"])).toThrow("--tools must be a comma-separated list of autocannon, wrk");
    expect(() => parseBenchArgs(["--targets", "express"])).toThrow('unknown target "express"');
    expect(() => parseBenchArgs(["--path", "info"])).toThrow("--path");
    expect(() => parseBenchArgs(["--fast"])).toThrow('unknown option "--fast"');
  });

  it("runs each target once unless more interleaved rounds are asked for", () => {
    expect(DEFAULT_OPTIONS.rounds).toBe(1);
    expect(parseBenchArgs(["--rounds", "3"]).rounds).toBe(3);
    expect(() => parseBenchArgs(["--rounds", "0"])).toThrow("--rounds needs a positive integer");
  });

  it("turns off cold start and installation on request", () => {
    expect(parseBenchArgs(["--no-cold-start", "--no-install"])).toMatchObject({ coldStarts: 0, install: false });
  });
});

describe("goals", () => {
  const measured = (id: LoadResult["id"], requestsPerSecond: number, extra: Partial<LoadResult> = {}): LoadResult => ({
    id, label: id, requestsPerSecond, latencyMs: { p50: 1, p99: 4, max: 9 }, errors: 0, non2xx: 0, rssBytes: 60e6, ...extra,
  });
  const load = [
    measured("bare-hono", 40000, { latencyMs: { p50: 1, p99: 2, max: 9 }, rssBytes: 100e6 }),
    measured("service", 34000, { latencyMs: { p50: 1, p99: 3, max: 9 }, rssBytes: 125e6 }),
    measured("service-otlp-http", 20000),
    measured("service-otlp-grpc", 19000, { latencyMs: { p50: 2, p99: 6, max: 20 } }),
    measured("flask", 4000),
  ];
  const coldStarts = [
    { id: "service" as const, label: "service", medianMs: 90 },
    { id: "service-otlp-http" as const, label: "otlp http", medianMs: 240 },
    { id: "service-otlp-grpc" as const, label: "otlp grpc", medianMs: 360 },
  ];
  const find = (verdicts: Verdict[], text: string) => verdicts.find((verdict) => verdict.goal.includes(text));

  it("counts a figure exactly at the limit as met", () => {
    expect(judge(0.85, "at least", 0.85)).toBe("met");
    expect(judge(5, "at most", 5)).toBe("met");
    expect(judge(5.01, "at most", 5)).toBe("not met");
    expect(judge(undefined, "at most", 5)).toBe("not measured");
  });

  it("judges throughput, p99 and RSS against bare Hono in the same tool's run, and names the tool", () => {
    const verdicts = evaluateLoadGoals(load, 50, "wrk");
    expect(verdicts.every((verdict) => verdict.tool === "wrk" && verdict.goal.startsWith("wrk: "))).toBe(true);
    expect(find(verdicts, "telemetry off ≥ 0.85× bare Hono")).toMatchObject({ measured: 0.85, status: "met" });
    expect(find(verdicts, "tracing, OTLP http ≥ 0.5×")).toMatchObject({ measured: 0.5, status: "met" });
    expect(find(verdicts, "tracing, OTLP grpc ≥ 0.5×")).toMatchObject({ measured: 0.475, status: "not met" });
    expect(find(verdicts, "≥ 8× Flask")).toMatchObject({ measured: 8.5, status: "met" });
    expect(find(verdicts, "telemetry off p99 ≤ 1.5× bare Hono p99")).toMatchObject({ measured: 1.5, status: "met" });
    expect(find(verdicts, "tracing, OTLP grpc: p99 ≤ 5 ms")).toMatchObject({ measured: 6, status: "not met" });
    expect(find(verdicts, "RSS after load ≤ 1.2× bare Hono's")).toMatchObject({ measured: 1.25, status: "not met" });
  });

  it("judges cold start on its own", () => {
    const verdicts = evaluateColdStartGoals(coldStarts);
    expect(find(verdicts, "telemetry off: cold start")).toMatchObject({ measured: 90, status: "met" });
    expect(find(verdicts, "tracing, OTLP grpc: cold start")).toMatchObject({ status: "not met" });
    expect(find(evaluateColdStartGoals([]), "telemetry off: cold start")).toMatchObject({ status: "not measured", note: "target not selected" });
  });

  it("fails a goal whose load run had errors, whatever the ratio", () => {
    const withErrors = load.map((result) => (result.id === "service" ? { ...result, non2xx: 3 } : result));
    expect(find(evaluateLoadGoals(withErrors, 50, "autocannon"), "telemetry off ≥ 0.85×")).toMatchObject({
      status: "not met", note: "3 errors or non-2xx answers during load",
    });
  });

  it("says why a goal was not measured", () => {
    const withoutFlask = load.map((result) => (result.id === "flask" ? { id: result.id, label: "Flask anchor", notRun: "gunicorn is not installed" } : result));
    const verdicts = evaluateLoadGoals(withoutFlask, 50, "autocannon");
    expect(find(verdicts, "≥ 8× Flask")).toMatchObject({ status: "not measured", note: "Flask anchor: gunicorn is not installed" });
    expect(find(evaluateLoadGoals(load, 100, "autocannon"), "telemetry off: p99 ≤ 5 ms")).toMatchObject({ status: "not measured" });
    const withoutRss = load.map((result) => (result.id === "bare-hono" ? { ...result, rssBytes: undefined } : result));
    expect(find(evaluateLoadGoals(withoutRss, 50, "wrk"), "RSS after load")).toMatchObject({ status: "not measured", note: "RSS not readable" });
  });
});

describe("text tables", () => {
  it("aligns columns and prints a note across the columns of a row that has one", () => {
    const text = formatTable(["target", "req/s"], [["bare Hono", "40000"], { label: "Flask", note: "not run: no gunicorn" }, ["raw", "7"]], ["left", "right"]);
    expect(text.split("\n")).toEqual([
      "target     req/s",
      "bare Hono  40000",
      "Flask      not run: no gunicorn",
      "raw            7",
    ]);
  });

  it("prints latency at the tool's resolution", () => {
    expect(formatLatency(0, 1)).toBe("<1");
    expect(formatLatency(4, 1)).toBe("4");
    expect(formatLatency(4.2561, 0.001)).toBe("4.26");
    expect(formatLatency(undefined, 1)).toBe("–");
  });
});
