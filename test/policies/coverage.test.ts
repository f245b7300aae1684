/**
 * How many (resource rule, type token) pairs the pack judges, measured through @pulumi/policy's own
 * Analyze handler: a rule judges a token when the server does not answer "not applicable" for it.
 * `COUNT_COVERAGE=1 npx jest test/policies/coverage.test.ts` prints the figures.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { allPolicies } from "../../policies/catalog";

const nativeTypes = [
  "azure-native:app:ContainerApp",
  "azure-native:app:Job",
  "azure-native:app:ManagedEnvironment",
  "azure-native:containerregistry:Registry",
  "azure-native:keyvault:Vault",
  "azure-native:storage:StorageAccount",
  "azure-native:network:Subnet",
  "azure-native:network:VirtualNetwork",
  "azure-native:authorization:RoleAssignment",
  "azure-native:applicationinsights:Component",
];
const classicTokens = [
  "azure:containerapp/app:App",
  "azure:containerapp/job:Job",
  "azure:containerapp/environment:Environment",
  "azure:containerservice/registry:Registry",
  "azure:keyvault/keyVault:KeyVault",
  "azure:storage/account:Account",
  "azure:network/subnet:Subnet",
];

/** The alias tokens the installed SDK declares for a type, read from its resource file. */
function sdkAliases(token: string): string[] {
  const [, module, resource] = token.split(":");
  const root = dirname(require.resolve("@pulumi/azure-native/package.json"));
  const source = readFileSync(join(root, module!, `${resource![0]!.toLowerCase()}${resource!.slice(1)}.js`), "utf8");
  return [...(source.split("\n").find((l) => l.includes("const aliasOpts")) ?? "").matchAll(/\{ type: "([^"]+)" \}/g)].map((m) => m[1]!);
}

type Handler = (call: { request: analyzerProto.AnalyzeRequest }, callback: (error: unknown, response?: analyzerProto.AnalyzeResponse) => void) => Promise<void>;

function handler(): Handler {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- installed by the pack's index.ts where it exists
    (require("../../policies/typeRouting") as { routeTypesToRules: () => void }).routeTypesToRules();
  } catch {
    // A pack without type routing: the server filters by the one token each rule names.
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/policy/server").makeAnalyzeRpcFun("coverage", "0.0.0", "advisory", allPolicies) as Handler;
}

/** The resource rules that judge `token` (those the server does not answer "not applicable" for). */
async function rulesJudging(analyze: Handler, token: string): Promise<string[]> {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(token);
  request.setUrn(`urn:pulumi:coverage::coverage::${token}::subject`);
  request.setName("subject");
  request.setProperties(Struct.fromJavaScript({}));
  request.setOptions(new analyzerProto.AnalyzerResourceOptions());
  const response = await new Promise<analyzerProto.AnalyzeResponse>((resolve, reject) => {
    void analyze({ request }, (error, answer) => (error ? reject(error) : resolve(answer!)));
  });
  const skipped = new Set(response.getNotApplicableList().filter((n) => /only applies to/.test(n.getReason())).map((n) => n.getPolicyName()));
  const resourceRules = allPolicies.filter((p) => !p.metadata.stack && p.name !== "preview-not-judged");
  return resourceRules.filter((p) => !skipped.has(p.name)).map((p) => p.name);
}

describe("rule coverage", () => {
  it("judges each type's versioned tokens with the same rules as the type", async () => {
    process.env["PULUMI_ACA_BASELINE"] = "private";
    const analyze = handler();
    const rows: { token: string; kind: string; rules: string[] }[] = [];
    for (const type of nativeTypes) {
      const rules = await rulesJudging(analyze, type);
      rows.push({ token: type, kind: "type", rules });
      for (const alias of sdkAliases(type)) rows.push({ token: alias, kind: "alias", rules: await rulesJudging(analyze, alias) });
    }
    for (const token of classicTokens) rows.push({ token, kind: "classic", rules: await rulesJudging(analyze, token) });
    const pairs = (kind?: string) => rows.filter((r) => kind === undefined || r.kind === kind).reduce((sum, r) => sum + r.rules.length, 0);
    const tokens = (kind: string) => rows.filter((r) => r.kind === kind && r.rules.length > 0).length;
    if (process.env["COUNT_COVERAGE"] === "1") {
      console.log(
        [
          `resource rules × unversioned azure-native types: ${pairs("type")} (over ${tokens("type")} of ${nativeTypes.length} types)`,
          `resource rules × versioned alias tokens:        ${pairs("alias")} (over ${tokens("alias")} of ${rows.filter((r) => r.kind === "alias").length} alias tokens)`,
          `resource rules × classic azure tokens:          ${pairs("classic")} (over ${tokens("classic")} of ${classicTokens.length} classic tokens)`,
          `resource rules × tokens, all:                   ${pairs()}`,
        ].join("\n"),
      );
    }
    for (const type of nativeTypes) {
      const own = rows.find((r) => r.token === type)!.rules;
      for (const alias of sdkAliases(type)) expect([alias, rows.find((r) => r.token === alias)!.rules]).toEqual([alias, own]);
    }
  });
});
