// Replays Analyze requests through the compiled pack's handler in this process, for instruction counts:
//   node scripts/policy-bench.mjs --dump requests.json        (record the private topology once)
//   npm run build                                              (the pack as JavaScript, in dist/policies)
//   valgrind --tool=callgrind node scripts/policy-handler.mjs requests.json 0
//   valgrind --tool=callgrind node scripts/policy-handler.mjs requests.json 20
// The difference of the two "Collected" counts over (20 × requests) is the handler's instructions per resource,
// whatever else the machine is doing. Plain JavaScript, so valgrind never runs the TypeScript compiler.
// Usage: node scripts/policy-handler.mjs <requests.json> <rounds> [compiled pack root, default dist]
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [file, roundsText = "20", compiled = path.join(ROOT, "dist")] = process.argv.slice(2);
if (file === undefined) throw new Error("Usage: node scripts/policy-handler.mjs <requests.json> <rounds> [compiled pack root]");
const rounds = Number(roundsText);
const require = createRequire(path.join(path.resolve(compiled), "policies", "index.js"));
process.env.PULUMI_ACA_BASELINE ??= "private";
require("./typeRouting.js").routeTypesToRules();
// Earlier builds of the pack, compared against, may not have it.
if (existsSync(path.join(path.resolve(compiled), "policies", "requestProperties.js"))) require("./requestProperties.js").convertPropertiesOnce();
const { allPolicies } = require("./catalog.js");
const { makeAnalyzeRpcFun } = require("@pulumi/policy/server");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");

const analyze = makeAnalyzeRpcFun("bench", "0.0.0", "advisory", allPolicies);
const requests = JSON.parse(readFileSync(file, "utf8")).map((resource) => {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(resource.type);
  request.setUrn(resource.urn);
  request.setName(resource.name);
  request.setProperties(Struct.fromJavaScript(resource.properties));
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setParent(resource.parent);
  request.setOptions(options);
  return request;
});
const run = async () => {
  for (const request of requests) {
    await analyze({ request }, (error) => {
      if (error) throw error;
    });
  }
};
await run();
const began = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) await run();
const elapsedUs = Number(process.hrtime.bigint() - began) / 1e3;
console.log(`${requests.length} requests, ${rounds} rounds${rounds > 0 ? `: ${(elapsedUs / (rounds * requests.length)).toFixed(1)} µs per resource` : ""}`);
