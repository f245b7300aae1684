/**
 * Runs the pack's resource rules over resources translated from published examples (Azure Policy
 * built-in definitions, PSRule for Azure rule docs, Azure quickstart templates, Azure Verified
 * Modules, the ACA landing zone accelerator, Pulumi's examples) and compares the verdicts with the
 * verdict the publisher gives.
 */
import { allPolicies } from "../../../policies/catalog";
import type { AcaPolicy } from "../../../policies/rule";
import { validate, type Props } from "../support";

export type Verdict = "passes" | "reports";

/** One upstream verdict on one rule of the pack. */
export interface Check {
  rule: string;
  /** What the publisher says about this resource for the rule's concern. */
  upstream: Verdict;
  /** Whose verdict it is, when not the example's own source (URL). */
  by?: string;
  /**
   * Set when the pack deliberately judges otherwise, with the reason (the same reason is written in
   * docs/policies.md). The check then expects the opposite verdict and counts as a disagreement.
   */
  divergence?: string;
}

export interface UpstreamExample {
  /** Short name for test titles. */
  name: string;
  /** Where the facts come from (URL). */
  source: string;
  type: string;
  props: Props;
  baseline?: "public" | "private";
  /** Microsoft labels the deployment Well-Architected: every mandatory rule must pass unless listed. */
  wellArchitected?: boolean;
  checks: Check[];
}

export function policyNamed(name: string): AcaPolicy {
  const policy = allPolicies.find((p) => p.name === name);
  if (!policy) throw new Error(`No rule named ${name}`);
  return policy;
}

/** The mandatory resource rules that judge `type`. */
export function mandatoryRulesFor(type: string): AcaPolicy[] {
  return allPolicies.filter((p) => !p.metadata.stack && p.enforcementLevel === "mandatory" && p.metadata.resourceTypes.includes(type));
}

/** The checks of an example, with an implicit "passes" for every other mandatory rule of a Well-Architected one. */
export function checksOf(example: UpstreamExample): Check[] {
  const checks = [...example.checks];
  if (example.wellArchitected) {
    for (const policy of mandatoryRulesFor(example.type)) {
      if (!checks.some((c) => c.rule === policy.name)) checks.push({ rule: policy.name, upstream: "passes" });
    }
  }
  return checks;
}

/** What the pack says: "passes" (including not applicable in this baseline) or "reports". */
export async function verdictOf(example: UpstreamExample, rule: string): Promise<{ verdict: Verdict; violations: string[] }> {
  const config = example.baseline === "private" ? { baseline: "private" } : { baseline: "public" };
  const outcome = await validate(policyNamed(rule), example.props, { config, type: example.type, name: example.name });
  return { verdict: outcome.violations.length > 0 ? "reports" : "passes", violations: outcome.violations };
}

export function expectedVerdict(check: Check): Verdict {
  if (check.divergence === undefined) return check.upstream;
  return check.upstream === "passes" ? "reports" : "passes";
}

export interface Tally {
  examples: number;
  checks: number;
  agreed: number;
  falsePositives: number;
  falseNegatives: number;
  wellArchitectedExamples: number;
  /** Mandatory rules that report on a Well-Architected example (each has its reason in the docs). */
  wellArchitectedMandatoryFailures: number;
}

/** Counts agreements with the publishers from the verdicts the pack actually gives. */
export async function tally(examples: UpstreamExample[]): Promise<Tally> {
  const result: Tally = {
    examples: examples.length,
    checks: 0,
    agreed: 0,
    falsePositives: 0,
    falseNegatives: 0,
    wellArchitectedExamples: examples.filter((e) => e.wellArchitected).length,
    wellArchitectedMandatoryFailures: 0,
  };
  for (const example of examples) {
    for (const check of checksOf(example)) {
      const { verdict } = await verdictOf(example, check.rule);
      result.checks += 1;
      if (verdict === check.upstream) result.agreed += 1;
      else if (verdict === "reports") result.falsePositives += 1;
      else result.falseNegatives += 1;
      if (example.wellArchitected && verdict === "reports" && policyNamed(check.rule).enforcementLevel === "mandatory") {
        result.wellArchitectedMandatoryFailures += 1;
      }
    }
  }
  return result;
}
