/**
 * Reliability rules that judge resources together: what one resource's setting is worth depends on
 * another's.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ofType, props, refersTo, types } from "./graph";
import { stackRule, tunables, type AcaPolicy } from "./rule";
import { UNKNOWN, at, num } from "./util";

/** ACA's minReplicas when a revision's scale sets none. */
const defaultMinReplicas = 0;

/** The zone-redundant environments an app runs in, or undefined when its environment cannot be told. */
function zoneRedundantEnvironmentOf(app: PolicyResource, environments: PolicyResource[]): PolicyResource | undefined {
  const environmentId = at(props(app), "managedEnvironmentId");
  for (const environment of environments) {
    if (at(props(environment), "zoneRedundant") !== true) continue;
    if (refersTo(app, "managedEnvironmentId", environmentId, environment, "managedEnvironments") === true) return environment;
  }
  return undefined;
}

/**
 * Zone redundancy spreads an environment's replicas over the region's availability zones, so it protects an
 * app only while the app has replicas in more than one zone: "it only provides benefits when you have 2 or
 * more replicas, with 3 or more being ideal" (Reliability in Azure Container Apps,
 * https://learn.microsoft.com/en-us/azure/reliability/reliability-azure-container-apps). An app that may
 * scale to zero, or to one, in a zone-redundant environment pays for the redundant environment and gets none.
 */
export const zoneRedundantReplicas = stackRule({
  name: "aca-zone-redundant-replicas",
  description: "Apps in a zone-redundant environment keep at least two replicas, so a zone outage leaves one running.",
  enforcementLevel: "advisory",
  source: "PSRule Azure.ContainerApp.MinReplicas",
  resourceTypes: [types.containerApp, types.managedEnvironment],
  tunables: tunables(
    { minReplicas: 2 },
    { minReplicas: { type: "integer", minimum: 2, description: "Fewest replicas an app in a zone-redundant environment may scale down to; 3 covers every zone." } },
  ),
  validate: (resources, { report, config }) => {
    const environments = ofType(resources, types.managedEnvironment);
    for (const app of ofType(resources, types.containerApp)) {
      const environment = zoneRedundantEnvironmentOf(app, environments);
      if (!environment) continue;
      const scale = at(props(app), "template", "scale");
      if (scale === UNKNOWN) continue;
      const value = at(scale, "minReplicas");
      const min = value === undefined ? defaultMinReplicas : num(value);
      if (min === undefined || min >= config.minReplicas) continue;
      report(
        `Container app runs in the zone-redundant environment ${environment.name} with template.scale.minReplicas ${min}; ` +
          `set it to at least ${config.minReplicas} (3 covers every zone), or turn zone redundancy off.`,
        app.urn,
      );
    }
  },
});

export const reliabilityPolicies: AcaPolicy[] = [zoneRedundantReplicas];
