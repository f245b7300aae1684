// Load generation: autocannon in this process, or wrk as a child process. Both report the same shape:
// { requests, durationSeconds, requestsPerSecond, latencyMs: { p50, p99, max }, errors, non2xx }.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startChild, stopChild } from "./processes.mjs";

const WRK_SCRIPT = fileURLToPath(new URL("./wrkReport.lua", import.meta.url));
const REQUEST_TIMEOUT_SECONDS = 10;
// "wrk 4.2.0 [epoll] …" upstream, "wrk debian/4.1.0-3+b2 [epoll] …" on Debian.
const WRK_VERSION = /wrk (?:\w+\/)?(\d[\w.+~-]*)/;

/** Smallest latency step each tool reports, in milliseconds. */
export const LATENCY_RESOLUTION_MS = { autocannon: 1, wrk: 0.001 };

export function toolVersion(tool) {
  if (tool === "autocannon") return createRequire(import.meta.url)("autocannon/package.json").version;
  try {
    // wrk -v prints its version and exits non-zero.
    return execFileSync("wrk", ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5000 }).match(WRK_VERSION)?.[1] ?? "unknown";
  } catch (error) {
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
    const version = output.match(WRK_VERSION)?.[1];
    if (version) return version;
    throw new Error("--tool wrk needs wrk on PATH (Debian: apt-get install wrk)", { cause: error });
  }
}

async function runAutocannon(url, { connections, seconds }) {
  const result = await autocannon({ url, connections, duration: seconds, timeout: REQUEST_TIMEOUT_SECONDS });
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function runWrk(url, { connections, seconds, threads }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${REQUEST_TIMEOUT_SECONDS}s`, "-s", WRK_SCRIPT, url];
  const wrk = startChild("wrk", "wrk", args, { stdout: "pipe" });
  let output = "";
  wrk.child.stdout.setEncoding("utf8");
  wrk.child.stdout.on("data", (chunk) => { output += chunk; });
  const finished = await Promise.race([wrk.exited.then(() => true), sleep((seconds + REQUEST_TIMEOUT_SECONDS + 10) * 1000).then(() => false)]);
  if (!finished) {
    await stopChild(wrk, 0);
    throw new Error("wrk did not finish in time");
  }
  const line = output.trim().split("\n").findLast((text) => text.startsWith("{"));
  if (!line) throw new Error(`wrk printed no summary: ${wrk.stderrTail() || output.slice(-300)}`);
  const summary = JSON.parse(line);
  const durationSeconds = summary.durationMicros / 1e6;
  return {
    requests: summary.requests,
    durationSeconds,
    requestsPerSecond: summary.requests / durationSeconds,
    latencyMs: { p50: summary.p50 / 1000, p99: summary.p99 / 1000, max: summary.max / 1000 },
    errors: summary.connectErrors + summary.readErrors + summary.writeErrors + summary.timeouts,
    // wrk counts only status ≥ 400 here; none of the routes redirects.
    non2xx: summary.statusErrors,
  };
}

/** One load run of `seconds` against url with the chosen tool. */
export function runLoad(tool, url, settings) {
  return tool === "wrk" ? runWrk(url, settings) : runAutocannon(url, settings);
}
