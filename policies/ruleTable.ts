/**
 * The rule table of docs/policies.md, generated from the pack's own metadata so the two cannot
 * drift (a test compares them; `UPDATE_RULE_TABLE=1 npx jest test/policies/ruleTable.test.ts`
 * rewrites the table).
 */
import { ruleSummaries } from "./catalog";

export const tableStart = "<!-- rule-table:start -->";
export const tableEnd = "<!-- rule-table:end -->";

/** `azure-native:app:ContainerApp` → `app:ContainerApp`; classic tokens (`azure:…`) stay whole. */
function shortType(type: string): string {
  return type.replace(/^azure-native:/, "");
}

function typesCell(types: string[]): string {
  return types.length === 0 ? "every type a resource rule judges" : types.map(shortType).join(", ");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function renderRuleTable(): string {
  const header = [
    "| Rule | Types judged | Level | Baseline | Source | Checks |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const rows = ruleSummaries().map((rule) => {
    const resource = rule.kind === "stack" ? `stack: ${typesCell(rule.resourceTypes)}` : typesCell(rule.resourceTypes);
    const extras = [rule.remediates ? "remediates" : "", rule.tunables.filter((t) => t !== "baseline").map((t) => `\`${t}\``).join(", ")]
      .filter((e) => e !== "")
      .join("; ");
    const checks = extras === "" ? rule.description : `${rule.description} (${extras})`;
    return `| \`${rule.name}\` | ${cell(resource)} | ${rule.enforcementLevel} | ${rule.baseline === "any" ? "both" : rule.baseline} | ${cell(rule.source)} | ${cell(checks)} |`;
  });
  return [...header, ...rows].join("\n");
}

/** `document` with the text between the table markers replaced by the current table. */
export function withRuleTable(document: string): string {
  const start = document.indexOf(tableStart);
  const end = document.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error(`The document has no ${tableStart} … ${tableEnd} markers.`);
  return `${document.slice(0, start + tableStart.length)}\n${renderRuleTable()}\n${document.slice(end)}`;
}
