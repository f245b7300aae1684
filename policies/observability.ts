/** Rules for `azure-native:applicationinsights:Component`: workspace-based, Entra-only ingestion. */
import { types } from "./resourceTypes";
import { resourceRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, present, sameText } from "./util";

export const workspaceBased = resourceRule(types.appInsights, {
  name: "appinsights-workspace-based",
  description: "Application Insights components store their data in a Log Analytics workspace.",
  enforcementLevel: "mandatory",
  source: "Azure Policy d550e854",
  validate: (p, { report }) => {
    if (present(p, "workspaceResourceId") === false) {
      report("Application Insights must set workspaceResourceId to a Log Analytics workspace (classic components are retired).");
    } else if (sameText(at(p, "ingestionMode"), "ApplicationInsights")) {
      report('Application Insights must not set ingestionMode to "ApplicationInsights"; use "LogAnalytics" with the workspace.');
    }
  },
});

export const localAuthDisabled = resourceRule(types.appInsights, {
  name: "appinsights-local-auth-disabled",
  description: "Application Insights accepts telemetry authenticated with Entra ID only.",
  enforcementLevel: "advisory",
  source: "Azure Policy 199d5677",
  validate: (p, { report }) => {
    const disabled = at(p, "disableLocalAuth");
    if (disabled !== UNKNOWN && disabled !== true) {
      report("Application Insights must set disableLocalAuth to true so telemetry needs an Entra token (Monitoring Metrics Publisher), not the instrumentation key alone.");
    }
  },
});

export const observabilityPolicies: AcaPolicy[] = [workspaceBased, localAuthDisabled];
