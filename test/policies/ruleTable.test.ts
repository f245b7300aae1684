import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allPolicies } from "../../policies/catalog";
import { renderRuleTable, withRuleTable } from "../../policies/ruleTable";

const docPath = join(__dirname, "..", "..", "docs", "policies.md");

describe("the rule table in docs/policies.md", () => {
  it("lists every rule of the pack with its level, baseline and source", () => {
    const table = renderRuleTable();
    for (const policy of allPolicies) {
      expect(table).toContain(`| \`${policy.name}\` |`);
      expect(table).toContain(policy.metadata.source);
    }
    expect(table.split("\n")).toHaveLength(allPolicies.length + 2);
  });

  it("matches the pack (UPDATE_RULE_TABLE=1 rewrites it)", () => {
    const document = readFileSync(docPath, "utf8");
    const expected = withRuleTable(document);
    if (process.env["UPDATE_RULE_TABLE"] === "1" && expected !== document) writeFileSync(docPath, expected);
    else expect(document).toBe(expected);
  });
});
