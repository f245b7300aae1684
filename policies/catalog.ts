/**
 * Every rule of the pack, in table order, and the metadata the rule table is generated from.
 * Importing this module does not start a policy server; `index.ts` does.
 */
import { authorizationPolicies } from "./authorization";
import { containerAppPolicies } from "./containerApps";
import { environmentPolicies } from "./environments";
import { keyVaultPolicies } from "./keyVaults";
import { networkPolicies } from "./network";
import { observabilityPolicies } from "./observability";
import { registryPolicies } from "./registries";
import { reliabilityPolicies } from "./reliability";
import type { AcaPolicy } from "./rule";
import { storageAccountPolicies } from "./storageAccounts";

/** The families in the order the rule table lists them. */
export const families: { family: string; policies: AcaPolicy[] }[] = [
  { family: "Container apps", policies: containerAppPolicies },
  { family: "Managed environments", policies: environmentPolicies },
  { family: "Container registries", policies: registryPolicies },
  { family: "Key Vaults", policies: keyVaultPolicies },
  { family: "Storage accounts", policies: storageAccountPolicies },
  { family: "Network", policies: networkPolicies },
  { family: "Observability", policies: observabilityPolicies },
  { family: "Reliability", policies: reliabilityPolicies },
  { family: "Authorization", policies: authorizationPolicies },
];

export const allPolicies: AcaPolicy[] = families.flatMap((f) => f.policies);

/** One row of the rule table. */
export interface RuleSummary {
  name: string;
  family: string;
  kind: "resource" | "stack";
  resourceTypes: string[];
  enforcementLevel: string;
  baseline: string;
  source: string;
  remediates: boolean;
  tunables: string[];
  description: string;
}

export function ruleSummaries(): RuleSummary[] {
  return families.flatMap(({ family, policies }) =>
    policies.map((policy) => ({
      name: policy.name,
      family,
      kind: policy.metadata.stack ? ("stack" as const) : ("resource" as const),
      resourceTypes: policy.metadata.resourceTypes,
      enforcementLevel: policy.enforcementLevel ?? "advisory",
      baseline: policy.metadata.baseline,
      source: policy.metadata.source,
      remediates: policy.metadata.remediates,
      tunables: Object.keys(policy.configSchema?.properties ?? {}),
      description: policy.description,
    })),
  );
}
