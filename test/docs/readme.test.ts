import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allPolicies } from "../../policies/catalog";
import { withRuleTable } from "../../policies/ruleTable";

const root = join(__dirname, "..", "..");
const readmePath = join(root, "README.md");

function mermaidOf(document: string): string {
  const match = /```mermaid\n[\s\S]*?\n```/.exec(document);
  if (!match) throw new Error("docs/private.md has no mermaid diagram.");
  return match[0];
}

/** The first table under a `## heading` of a document. */
function tableUnder(document: string, heading: string): string {
  const section = document.slice(document.indexOf(`\n## ${heading}\n`));
  const match = /\n(\|.*\|\n)+/.exec(section);
  if (!match) throw new Error(`No table under "## ${heading}".`);
  return match[0].trim();
}

function between(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} markers.`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

/** The README as it must read: generated parts taken from the code and the detailed docs. */
function expectedReadme(readme: string): string {
  const privateDoc = readFileSync(join(root, "docs", "private.md"), "utf8");
  const componentsDoc = readFileSync(join(root, "docs", "components.md"), "utf8");
  const withDiagram = between(withRuleTable(readme), "private-diagram", mermaidOf(privateDoc));
  return between(withDiagram, "public-args", tableUnder(componentsDoc, "Args"));
}

describe("the README", () => {
  it("shows the pack's current rule table, and the public args table and private network diagram the detailed docs show (UPDATE_README=1 rewrites them)", () => {
    const readme = readFileSync(readmePath, "utf8");
    const expected = expectedReadme(readme);
    if (process.env["UPDATE_README"] === "1" && expected !== readme) writeFileSync(readmePath, expected);
    else expect(readme).toBe(expected);
  });

  it("gives the pack's number of rules", () => {
    const readme = readFileSync(readmePath, "utf8");
    expect(readme).toContain(`policy pack with ${allPolicies.length} rules`);
  });

  it("names only npm scripts that exist", () => {
    const readme = readFileSync(readmePath, "utf8");
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>);
    const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(scripts).toContain(script);
  });

  it("links only to files that exist", () => {
    const readme = readFileSync(readmePath, "utf8");
    const links = [...readme.matchAll(/\]\(((?:docs|examples)\/[^)#]+)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(() => readFileSync(join(root, link))).not.toThrow();
  });
});
