/** Every upstream example, in the order the tally and the tests list them. */
import { containerAppExamples } from "./containerApps.examples";
import type { UpstreamExample } from "./judge";
import { appInsightsExamples, environmentExamples, registryExamples, roleAssignmentExamples, storageExamples, vaultExamples } from "./platform.examples";

export const upstreamExamples: UpstreamExample[] = [
  ...containerAppExamples,
  ...environmentExamples,
  ...registryExamples,
  ...vaultExamples,
  ...storageExamples,
  ...appInsightsExamples,
  ...roleAssignmentExamples,
];
