/**
 * The pack against examples nobody here wrote: for each published example, every rule the
 * publisher has a verdict on gives the same verdict, or a documented one where the pack differs on
 * purpose. The tally in docs/policies.md is recomputed from the verdicts
 * (`UPDATE_UPSTREAM_TALLY=1 npx jest test/policies/upstream` rewrites it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { upstreamExamples } from "./examples";
import { checksOf, expectedVerdict, mandatoryRulesFor, policyNamed, tally, verdictOf, type Tally } from "./judge";

const docsPath = join(__dirname, "..", "..", "..", "docs", "policies.md");
const tallyStart = "<!-- upstream-tally:start -->";
const tallyEnd = "<!-- upstream-tally:end -->";

function renderTally(t: Tally): string {
  return [
    "| Examples | Well-Architected | Checks | Agreed | False positives | False negatives | Mandatory failures on Well-Architected examples |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| ${t.examples} | ${t.wellArchitectedExamples} | ${t.checks} | ${t.agreed} | ${t.falsePositives} | ${t.falseNegatives} | ${t.wellArchitectedMandatoryFailures} |`,
  ].join("\n");
}

describe.each(upstreamExamples.map((example) => [example.name, example] as const))("%s", (_name, example) => {
  it("names a published source", () => {
    expect(example.source).toMatch(/^https:\/\//);
    for (const check of example.checks) if (check.by !== undefined) expect(check.by).toMatch(/^https:\/\//);
  });

  it.each(checksOf(example).map((check) => [check.rule, expectedVerdict(check), check] as const))("%s %s", async (rule, expected, check) => {
    const { verdict, violations } = await verdictOf(example, rule);
    expect({ rule, verdict, violations: verdict === expected ? [] : violations }).toEqual({ rule, verdict: expected, violations: [] });
    if (check.divergence !== undefined) expect(check.divergence.length).toBeGreaterThan(20);
  });
});

describe("Well-Architected examples", () => {
  it("fail a mandatory rule only where the check names the publisher's reason or a documented divergence", async () => {
    const docs = readFileSync(docsPath, "utf8");
    for (const example of upstreamExamples.filter((e) => e.wellArchitected)) {
      for (const policy of mandatoryRulesFor(example.type)) {
        const { verdict } = await verdictOf(example, policy.name);
        if (verdict === "passes") continue;
        const check = example.checks.find((c) => c.rule === policy.name);
        expect({ example: example.name, rule: policy.name, explained: check !== undefined && (check.upstream === "reports" || check.divergence !== undefined) }).toEqual({
          example: example.name,
          rule: policy.name,
          explained: true,
        });
        // docs/policies.md says why the rule fails a deployment Microsoft calls Well-Architected.
        const explained = docs.split("\n").some((line) => line.includes(example.name) && line.includes(`\`${policy.name}\``));
        expect({ example: example.name, rule: policy.name, documented: explained }).toEqual({ example: example.name, rule: policy.name, documented: true });
      }
    }
  });

  it("list every rule they name", () => {
    for (const example of upstreamExamples) for (const check of example.checks) expect(policyNamed(check.rule).name).toBe(check.rule);
  });
});

describe("the upstream tally", () => {
  it("in docs/policies.md matches the verdicts", async () => {
    const counts = await tally(upstreamExamples);
    const jsonPath = process.env["UPSTREAM_TALLY_JSON"];
    if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(counts, null, 2)}\n`);
    const rendered = renderTally(counts);
    const docs = readFileSync(docsPath, "utf8");
    const start = docs.indexOf(tallyStart);
    const end = docs.indexOf(tallyEnd);
    if (process.env["UPDATE_UPSTREAM_TALLY"] === "1" && start >= 0 && end > start) {
      writeFileSync(docsPath, `${docs.slice(0, start + tallyStart.length)}\n${rendered}\n${docs.slice(end)}`);
      return;
    }
    expect(start).toBeGreaterThanOrEqual(0);
    expect(docs.slice(start + tallyStart.length, end).trim()).toBe(rendered);
  });
});
