// Child processes of the benchmark: started in their own process group so that a whole tree
// (gunicorn and its workers) can be stopped at once, tracked so none outlives the run.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, readdirSync, fstatSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCpuTicks, parseParentPid, parseVmRssBytes } from "./procStatus.ts";

const running = new Set();
const STDERR_TAIL_BYTES = 4096;

/**
 * Starts a command with the tail of stderr kept for error messages. stdout is discarded, piped
 * (stdout: "pipe") or written to logFile, which the parent never reads during load.
 * Returns { name, child, pid, startedAt, exited, logFile, stderrTail() }.
 */
export function startChild(name, command, args, { env = process.env, cwd, ipc = false, stdout = "ignore", logFile } = {}) {
  const logFd = logFile ? openSync(logFile, "w") : undefined;
  const startedAt = performance.now();
  let child;
  try {
    child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ["ignore", logFd ?? stdout, "pipe", ...(ipc ? ["ipc"] : [])],
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  let tail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const handle = {
    name,
    child,
    pid: child.pid,
    startedAt,
    logFile,
    exitCode: undefined,
    stderrTail: () => tail.trim(),
  };
  handle.exited = new Promise((resolve) => {
    child.once("error", (error) => {
      tail += `\n${error.message}`;
      running.delete(handle);
      resolve({ code: null, signal: null, error });
    });
    child.once("exit", (code, signal) => {
      handle.exitCode = code ?? signal;
      running.delete(handle);
      resolve({ code, signal });
    });
  });
  if (child.pid !== undefined) running.add(handle);
  return handle;
}

function signalGroup(handle, signal) {
  try {
    process.kill(-handle.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's process group, SIGKILL after graceMs; resolves once it has exited. */
export async function stopChild(handle, graceMs = 1500) {
  if (!running.has(handle)) return;
  signalGroup(handle, graceMs > 0 ? "SIGTERM" : "SIGKILL");
  const exited = await Promise.race([handle.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!exited) {
    signalGroup(handle, "SIGKILL");
    await Promise.race([handle.exited, sleep(2000)]);
  }
  // The group may hold more than the leader (gunicorn workers).
  signalGroup(handle, "SIGKILL");
}

export async function stopAll(graceMs = 1000) {
  await Promise.all([...running].map((handle) => stopChild(handle, graceMs)));
}

/** Synchronous last resort for process exit: SIGKILL every group still running. */
export function killAllNow() {
  for (const handle of running) signalGroup(handle, "SIGKILL");
  running.clear();
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function getStatus(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls url every intervalMs until it answers 200; resolves with the milliseconds since the
 * child was spawned. Rejects when the child exits or the deadline passes.
 */
export async function waitFor200(handle, url, { intervalMs = 2, timeoutMs = 20000 } = {}) {
  const deadline = handle.startedAt + timeoutMs;
  let lastStatus;
  while (performance.now() < deadline) {
    if (!running.has(handle)) {
      throw new Error(`exited (${handle.exitCode}) before ${new URL(url).pathname} answered 200${describeTail(handle)}`);
    }
    lastStatus = await getStatus(url, 1000);
    if (lastStatus === 200) return performance.now() - handle.startedAt;
    await sleep(intervalMs);
  }
  throw new Error(`${new URL(url).pathname} did not answer 200 within ${timeoutMs} ms (last: ${lastStatus ?? "no answer"})${describeTail(handle)}`);
}

function fileTail(path, bytes) {
  let fd;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The last lines a child wrote (stderr, then its log file), on one line for a table cell. */
export function describeTail(handle) {
  const lines = [handle.stderrTail(), handle.logFile ? fileTail(handle.logFile, 2048) : ""]
    .join("\n").split("\n").map((line) => line.trim()).filter(Boolean).slice(-3);
  const text = lines.join(" | ");
  return text ? `; last output: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}` : "";
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** VmRSS of one process in bytes, or undefined when /proc cannot tell. */
export function rssBytes(pid) {
  const status = readProc(pid, "status");
  return status === undefined ? undefined : parseVmRssBytes(status);
}

/** The pid and all its descendants, found by scanning /proc. */
export function processTree(rootPid) {
  const childrenOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, "stat");
    const parent = stat === undefined ? undefined : parseParentPid(stat);
    if (parent === undefined) continue;
    if (!childrenOf.has(parent)) childrenOf.set(parent, []);
    childrenOf.get(parent).push(Number(entry));
  }
  const tree = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop();
    tree.push(pid);
    pending.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** Sum of VmRSS over a process and its descendants (shared pages are counted in each). */
export function treeRssBytes(rootPid) {
  let total = 0;
  for (const pid of processTree(rootPid)) total += rssBytes(pid) ?? 0;
  return total > 0 ? total : undefined;
}

let ticksPerSecond;
/** CPU time (user + system) one process has used so far, in seconds, or undefined when /proc cannot tell. */
export function cpuSeconds(pid) {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000 }).stdout) || 100;
  const stat = readProc(pid, "stat");
  const ticks = stat === undefined ? undefined : parseCpuTicks(stat);
  return ticks === undefined ? undefined : ticks / ticksPerSecond;
}
