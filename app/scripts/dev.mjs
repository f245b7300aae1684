// `npm run dev`: the service, restarted whenever a file in src/ (or a tsconfig) changes. Each change
// compiles only the changed files (see compileChanged.mjs), stops the running service with SIGTERM
// (its graceful shutdown, with SHUTDOWN_DRAIN_DELAY_MS=0 unless set) and starts the new one. A file
// that does not compile is reported and the running service is left alone. Types are checked by
// `npm run typecheck`, not here.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { APP_DIR, compileChanged } from "./compileChanged.mjs";

const STOP_TIMEOUT_MS = 10_000;
const DEBOUNCE_MS = 100;
const log = (message) => process.stderr.write(`dev: ${message}\n`);

let service;
let exiting = false;

function startService() {
  const child = spawn(process.execPath, [join(APP_DIR, "dist", "bootstrap.js")], {
    stdio: "inherit",
    env: { SHUTDOWN_DRAIN_DELAY_MS: "0", ...process.env },
  });
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  child.exited.then((outcome) => {
    if (service === child && !exiting) log(`the service exited (${outcome}); waiting for a change`);
  });
  service = child;
}

async function stopService() {
  const child = service;
  service = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

function compile() {
  try {
    return compileChanged({ log });
  } catch (error) {
    log(error.message);
    return undefined;
  }
}

let pending;
let restarting = Promise.resolve();
function onChange() {
  clearTimeout(pending);
  pending = setTimeout(() => {
    restarting = restarting.then(async () => {
      const compiled = compile();
      if (!compiled || compiled.length === 0) return;
      log("restarting");
      await stopService();
      if (!exiting) startService();
    });
  }, DEBOUNCE_MS);
}

if (compile() === undefined) process.exit(1);
startService();
watch(join(APP_DIR, "src"), { recursive: true }, onChange);
for (const name of ["tsconfig.json", "tsconfig.build.json"]) watch(join(APP_DIR, name), onChange);
log("watching src/ for changes; Ctrl-C to stop");

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (exiting) return;
    exiting = true;
    await restarting;
    await stopService();
    process.exit(0);
  });
}
