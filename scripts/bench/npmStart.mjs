// `node scripts/bench/npmStart.mjs [runs]`: how long `npm start` takes to serve, from spawn to the
// first 200 on GET /ready, and the same for `node app/scripts/start.mjs` (npm's own start-up left
// out). One start first brings app/dist up to date; the measured ones find nothing changed.
// Loopback only; every service is stopped before the next starts.
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { freePort, startChild, stopChild, waitFor200 } from "./processes.mjs";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const runs = Number(process.argv[2] ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write("usage: node scripts/bench/npmStart.mjs [runs ≥ 1]\n");
  process.exit(2);
}

const commands = [
  { label: "npm start", command: "npm", args: ["start"] },
  { label: "node app/scripts/start.mjs", command: process.execPath, args: ["app/scripts/start.mjs"] },
];

async function timeOneStart({ label, command, args }) {
  const port = await freePort();
  const handle = startChild(label, command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", SHUTDOWN_DRAIN_DELAY_MS: "0" },
  });
  try {
    return await waitFor200(handle, `http://127.0.0.1:${port}/ready`, { intervalMs: 5, timeoutMs: 120000 });
  } finally {
    await stopChild(handle);
  }
}

await timeOneStart(commands[1]);
const results = new Map(commands.map(({ label }) => [label, []]));
for (let run = 0; run < runs; run++) {
  for (const command of commands) results.get(command.label).push(await timeOneStart(command));
}
process.stdout.write(`spawn → first 200 on GET /ready, nothing changed since the last start; load average ${loadavg().map((value) => value.toFixed(2)).join(" ")}\n`);
for (const [label, samples] of results) {
  process.stdout.write(`${label}: ${samples.map((ms) => `${Math.round(ms)} ms`).join(", ")}\n`);
}
