import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { types } from "../../policies/resourceTypes";
import { typeAliases } from "../../policies/typeAliases";

const tablePath = join(__dirname, "..", "..", "policies", "typeAliases.ts");
const sdkRoot = dirname(require.resolve("@pulumi/azure-native/package.json"));

/** The SDK file that declares a type token (`azure-native:app:ContainerApp` → `app/containerApp.js`). */
function sdkFile(token: string): string {
  const [, module, resource] = token.split(":");
  return join(sdkRoot, module!, `${resource![0]!.toLowerCase()}${resource!.slice(1)}.js`);
}

/** The alias types the installed SDK declares for a resource, read from its own source. */
function sdkAliases(token: string): string[] {
  const source = readFileSync(sdkFile(token), "utf8");
  expect(source).toContain(`__pulumiType = '${token}'`);
  const line = source.split("\n").find((l) => l.includes("const aliasOpts"));
  if (line === undefined) return [];
  return [...line.matchAll(/\{ type: "([^"]+)" \}/g)].map((m) => m[1]!).sort();
}

function renderTable(): string {
  const version = (JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8")) as { version: string }).version;
  const entries = Object.values(types)
    .sort()
    .map((token) => {
      const aliases = sdkAliases(token);
      return aliases.length === 0 ? `  "${token}": [],` : `  "${token}": [\n${aliases.map((a) => `    "${a}",`).join("\n")}\n  ],`;
    });
  return [
    "/**",
    ` * The alias tokens @pulumi/azure-native ${version} declares for each type the rules judge (versioned`,
    " * tokens, and the module a type had before it moved). Generated from the SDK's own resource files so",
    " * the pack need not load the SDK: `UPDATE_TYPE_ALIASES=1 npx jest test/policies/typeAliases.test.ts`",
    " * rewrites it, and that test fails when the installed SDK lists other aliases.",
    " */",
    "export const typeAliases: Readonly<Record<string, readonly string[]>> = {",
    ...entries,
    "};",
    "",
  ].join("\n");
}

describe("the alias table the pack routes versioned tokens with", () => {
  it("lists exactly the aliases the installed @pulumi/azure-native declares (UPDATE_TYPE_ALIASES=1 rewrites it)", () => {
    const expected = renderTable();
    const current = readFileSync(tablePath, "utf8");
    if (process.env["UPDATE_TYPE_ALIASES"] === "1" && expected !== current) writeFileSync(tablePath, expected);
    else expect(current).toBe(expected);
  });

  it("covers every judged type, and versioned tokens for container apps", () => {
    expect(Object.keys(typeAliases).sort()).toEqual(Object.values(types).sort());
    expect(typeAliases[types.containerApp]).toContain("azure-native:app/v20240301:ContainerApp");
    expect(typeAliases[types.job]?.length).toBeGreaterThan(0);
  });
});
