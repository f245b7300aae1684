import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

export const APP_DIR = join(__dirname, "..", "..");

export type LogLine = Record<string, unknown> & { level: string; message: string; time: string };

/**
 * Compiles the service exactly as `npm run build` does (tsc -p tsconfig.build.json), into a private
 * directory under app/.cache so test files never race each other, or a developer's app/dist.
 * Returns the path of the compiled bootstrap.js; call the returned cleanup when done.
 */
export async function buildService(): Promise<{ entry: string; cleanup: () => void }> {
  const outDir = join(APP_DIR, ".cache", "test-build", `${process.pid}-${Date.now()}`);
  mkdirSync(outDir, { recursive: true });
  const tsc = require.resolve("typescript/bin/tsc", { paths: [APP_DIR] });
  await promisify(execFile)(process.execPath, [tsc, "-p", join(APP_DIR, "tsconfig.build.json"), "--outDir", outDir], {
    cwd: APP_DIR,
  });
  return { entry: join(outDir, "bootstrap.js"), cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** Variables a developer's shell or CI might carry that would change what the service does. */
function hermeticEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(OTEL_|DAPR_|CONTAINER_APP_|SHUTDOWN_|HTTP_|EXTERNAL_DEPENDENCY_|LOG_)/.test(name)) delete env[name];
    if (["PORT", "HOST", "APP_API_TOKEN", "MAX_BODY_BYTES", "HOSTNAME"].includes(name)) delete env[name];
  }
  return env;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every stdout line, parsed; a line that is not JSON fails the test that reads it. */
  readonly lines: LogLine[];
  readonly rawStdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port: number;
  url(path: string): string;
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the compiled service on an ephemeral loopback port and waits for its "service ready" line. */
export async function startService(entry: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const process_ = launch(entry, env);
  const ready = await process_.waitForLine((line) => line.message === "service ready", 30_000);
  process_.port = ready.port as number;
  return process_;
}

/** Starts the compiled service without waiting for it (for start-up failures). */
export function launch(entry: string, env: Record<string, string> = {}): ServiceProcess {
  const child = spawn(process.execPath, [entry], {
    env: { ...hermeticEnv(), PORT: "0", HOST: "127.0.0.1", SHUTDOWN_DRAIN_DELAY_MS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let pending = "";
  const lines: LogLine[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (text.trim() === "") continue;
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        lines.push({ level: "NOT JSON", message: text, time: "" });
      }
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const service: ServiceProcess = {
    child,
    lines,
    rawStdout: () => stdout,
    stderr: () => stderr,
    exited,
    port: 0,
    url: (path) => `http://127.0.0.1:${service.port}${path}`,
    async waitForLine(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (hasExited || Date.now() > deadline) {
          throw new Error(
            `no matching log line (${hasExited ? "the service exited" : `${timeoutMs} ms`}).\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop(signal = "SIGTERM") {
      if (!hasExited) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const outcome = await exited;
      clearTimeout(timer);
      return outcome;
    },
  };
  return service;
}
