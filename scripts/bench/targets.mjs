// What is measured: how each target is started, and what it needs before it can be.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startChild, stopChild } from "./processes.mjs";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const APP_DIR = join(REPO_ROOT, "app");
/** The Flask anchor lives beside the repository, shared with other projects. */
export const FLASK_DIR = resolve(REPO_ROOT, "..", "shared", "anchors", "flask");
const SERVERS_DIR = fileURLToPath(new URL("./servers/", import.meta.url));
const GUNICORN = "/usr/bin/gunicorn";
const DEBIAN_PYTHON = "/usr/bin/python3";
const LOOPBACK = "127.0.0.1";

/** The environment without inherited telemetry or listener settings, so each target gets only its own. */
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("OTEL_") || key === "PORT" || key === "HOST") delete env[key];
  }
  return env;
}

function nodeEnv(port, extra = {}) {
  return { ...cleanEnv(), NODE_ENV: "production", HOST: LOOPBACK, PORT: String(port), ...extra };
}

function flaskWorkers() {
  const conf = readFileSync(join(FLASK_DIR, "gunicorn.conf.py"), "utf8");
  const threads = conf.match(/^threads\s*=\s*(\d+)/m)?.[1] ?? "?";
  const maxRequests = conf.match(/^max_requests\s*=\s*(\d+)/m)?.[1];
  const workers = Number(process.env.WEB_CONCURRENCY) || cpus().length * 2 + 1;
  return { workers, threads, maxRequests };
}

/**
 * Every target: { id, label, readyPath, treeRss?, otlpProtocol?, maxRequests?, command(port, sink) }.
 * command returns { command, args, env, cwd } for a server on 127.0.0.1:port.
 */
export function describeTargets() {
  const node = process.execPath;
  const bootstrap = join(APP_DIR, "dist", "bootstrap.js");
  const service = (label, id, otlpProtocol) => ({
    id,
    label,
    readyPath: "/ready",
    otlpProtocol,
    command: (port, sink) => ({
      command: node,
      args: [bootstrap],
      cwd: APP_DIR,
      env: nodeEnv(port, otlpProtocol ? {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${LOOPBACK}:${otlpProtocol === "grpc" ? sink.grpcPort : sink.httpPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
        OTEL_TRACES_SAMPLER: "always_on",
      } : {}),
    }),
  });
  const baseline = (id, label, file) => ({
    id,
    label,
    readyPath: "/ready",
    command: (port) => ({ command: node, args: [join(SERVERS_DIR, file)], cwd: REPO_ROOT, env: nodeEnv(port) }),
  });
  let flaskLabel = "Flask anchor (gunicorn)";
  let maxRequests;
  if (existsSync(join(FLASK_DIR, "gunicorn.conf.py"))) {
    const settings = flaskWorkers();
    flaskLabel = `Flask anchor (gunicorn ${settings.workers}×${settings.threads} gthread)`;
    maxRequests = settings.maxRequests;
  }
  return [
    baseline("raw-http", "raw node:http", "rawHttp.mjs"),
    baseline("bare-hono", "bare Hono", "bareHono.mjs"),
    service("service, telemetry off", "service"),
    service("service, tracing → OTLP http", "service-otlp-http", "http/protobuf"),
    service("service, tracing → OTLP grpc", "service-otlp-grpc", "grpc"),
    {
      id: "flask",
      label: flaskLabel,
      readyPath: "/health",
      treeRss: true,
      maxRequests,
      // -b on the command line overrides the config file's 0.0.0.0 bind: loopback only.
      command: (port) => ({
        command: GUNICORN,
        args: ["-c", "gunicorn.conf.py", "-b", `${LOOPBACK}:${port}`, "app:app"],
        cwd: FLASK_DIR,
        env: { ...cleanEnv(), PORT: String(port) },
      }),
    },
  ];
}

/**
 * Another server file, `spec` being "name=path/to/server.js", started as the benchmark starts its
 * target `likeId` (environment and telemetry included): an older build, say, next to the current one.
 * `option` names the command-line option a malformed spec came from.
 */
export function fileTarget(option, likeId, spec) {
  const [name, file] = spec.split("=");
  if (!name || !file) throw new Error(`--${option}: expected name=path/to/server.js, got "${spec}"`);
  const like = describeTargets().find((target) => target.id === likeId);
  return { ...like, id: name, label: name, command: (port, sink) => ({ ...like.command(port, sink), args: [resolve(file)] }) };
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function runBounded(name, command, args, { cwd, env, timeoutMs }) {
  const handle = startChild(name, command, args, { cwd, env, stdout: "pipe" });
  let output = "";
  handle.child.stdout?.setEncoding("utf8");
  handle.child.stdout?.on("data", (chunk) => { output = (output + chunk).slice(-8192); });
  const result = await Promise.race([handle.exited, sleep(timeoutMs).then(() => undefined)]);
  if (!result) {
    await stopChild(handle, 0);
    return { ok: false, output: `${name} did not finish within ${timeoutMs / 1000} s` };
  }
  return { ok: result.code === 0, output: `${output}\n${handle.stderrTail()}`.trim() };
}

/**
 * Builds app/dist when it is missing or older than app/src.
 * Resolves { ok: true, rebuilt } or { ok: false, reason }.
 */
export async function ensureServiceBuilt(log) {
  const source = join(APP_DIR, "src");
  const entry = join(APP_DIR, "dist", "bootstrap.js");
  if (!existsSync(join(source, "bootstrap.ts"))) return { ok: false, reason: "app/src/bootstrap.ts does not exist" };
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(source)) return { ok: true, rebuilt: false };
  const tsc = join(APP_DIR, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) return { ok: false, reason: "app/node_modules/typescript is missing (run npm ci at the root)" };
  log("building app/ (tsc -p tsconfig.build.json)");
  const build = await runBounded("tsc", process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: APP_DIR, env: process.env, timeoutMs: 180000 });
  if (!build.ok) return { ok: false, reason: `app build failed: ${build.output.split("\n").slice(0, 3).join(" | ")}` };
  if (!existsSync(entry)) return { ok: false, reason: "app build produced no dist/bootstrap.js" };
  return { ok: true, rebuilt: true };
}

function flaskInstalled() {
  if (!existsSync(GUNICORN) || !existsSync(DEBIAN_PYTHON)) return false;
  return spawnSync(DEBIAN_PYTHON, ["-c", "import flask"], { stdio: "ignore", timeout: 15000 }).status === 0;
}

/**
 * Makes the Flask anchor runnable: its files beside the repository and Debian's python3-flask and
 * gunicorn, installed with apt-get when allowed and running as root.
 * Resolves { ok: true, installed } or { ok: false, reason }.
 */
export async function ensureFlaskAnchor({ install }, log) {
  if (!existsSync(join(FLASK_DIR, "app.py")) || !existsSync(join(FLASK_DIR, "gunicorn.conf.py"))) {
    return { ok: false, reason: `no Flask anchor at ${FLASK_DIR}` };
  }
  if (flaskInstalled()) return { ok: true, installed: false };
  const packages = ["python3-flask", "gunicorn"];
  if (!install) return { ok: false, reason: `Debian packages ${packages.join(" and ")} are not installed (--no-install given)` };
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: `Debian packages ${packages.join(" and ")} are not installed; installing them needs root (apt-get install -y ${packages.join(" ")})` };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  log(`installing ${packages.join(" and ")} with apt-get`);
  let attempt = await runBounded("apt-get", "apt-get", ["install", "-y", "-q", ...packages], { env, timeoutMs: 300000 });
  if (!attempt.ok) {
    log("apt-get install failed; running apt-get update and trying again");
    await runBounded("apt-get", "apt-get", ["update", "-q"], { env, timeoutMs: 300000 });
    attempt = await runBounded("apt-get", "apt-get", ["install", "-y", "-q", ...packages], { env, timeoutMs: 300000 });
  }
  if (!attempt.ok || !flaskInstalled()) {
    return { ok: false, reason: `apt-get install ${packages.join(" ")} failed: ${attempt.output.split("\n").slice(-2).join(" | ")}` };
  }
  return { ok: true, installed: true };
}

function wrkInstalled() {
  return spawnSync("wrk", ["-v"], { stdio: "ignore", timeout: 5000 }).error === undefined;
}

/**
 * Makes wrk runnable: Debian's wrk package, installed by scripts/ensure-debian-packages.sh when
 * allowed (it needs root). Resolves { ok: true, installed } or { ok: false, reason }.
 */
export async function ensureWrk({ install }, log) {
  if (wrkInstalled()) return { ok: true, installed: false };
  if (!install) return { ok: false, reason: "wrk is not installed (--no-install given; apt-get install wrk)" };
  log("installing wrk with scripts/ensure-debian-packages.sh");
  const script = join(REPO_ROOT, "scripts", "ensure-debian-packages.sh");
  const attempt = await runBounded("ensure-debian-packages", "bash", [script, "wrk"], { env: process.env, timeoutMs: 300000 });
  if (!attempt.ok || !wrkInstalled()) {
    return { ok: false, reason: `wrk is not installed and installing it failed: ${attempt.output.split("\n").slice(-2).join(" | ")}` };
  }
  return { ok: true, installed: true };
}
