// Policy pack benchmark: the pack over the recorded private topology (public while the private one is
// missing): start-up, time per resource (Analyze), AnalyzeStack, and the whole offline plan of the example.
// Usage: node scripts/policy-bench.mjs [--handler]   (BENCH_ROUNDS=<n> to change the number of rounds, default 50;
// --handler measures only the in-process Analyze handler, for profiles and instruction counts)
import { fileURLToPath } from "node:url";
import { registerTypeScript } from "./plan.mjs";

const require = registerTypeScript();
const { main } = require(fileURLToPath(new URL("./policy-bench.ts", import.meta.url)));
process.exitCode = await main(process.argv.slice(2));
