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

/** The table under a `## heading`, and the "Outputs:" paragraph right after it when there is one. */
function tableAndOutputsUnder(document: string, heading: string): string {
  const table = tableUnder(document, heading);
  const after = document.slice(document.indexOf(table, document.indexOf(`\n## ${heading}\n`)) + table.length);
  const outputs = /^\n\n(Outputs: [\s\S]*?)\n\n/.exec(after);
  return outputs ? `${table}\n\n${outputs[1]}` : table;
}

/** Links of a page in docs/ as they must read from the README at the root. */
function linksFromRoot(content: string, page: string): string {
  return content.replace(/\]\((#[^)]+)\)/g, `](docs/${page}$1)`).replace(/\]\(([a-z]+\.md)/g, "](docs/$1");
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
  const doc = (page: string) => readFileSync(join(root, "docs", page), "utf8");
  const privateDoc = doc("private.md");
  const platformDoc = doc("platform.md");
  const generated: Array<[string, string]> = [
    ["private-diagram", mermaidOf(privateDoc)],
    ["public-args", linksFromRoot(tableUnder(doc("components.md"), "Args"), "components.md")],
    ["private-args", linksFromRoot(tableUnder(privateDoc, "Args"), "private.md")],
    ["platform-args", linksFromRoot(tableAndOutputsUnder(platformDoc, "ContainerAppsPlatform"), "platform.md")],
    ["service-args", linksFromRoot(tableAndOutputsUnder(platformDoc, "ContainerAppService"), "platform.md")],
    ["job-args", linksFromRoot(tableAndOutputsUnder(platformDoc, "ContainerAppJob"), "platform.md")],
  ];
  return generated.reduce((document, [name, content]) => between(document, name, content), withRuleTable(readme));
}

describe("the README", () => {
  it("shows the pack's current rule table, and the args tables (with outputs) of the five components and the private network diagram the detailed docs show (UPDATE_README=1 rewrites them)", () => {
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
