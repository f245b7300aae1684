/**
 * `arm-*` rules for a managed environment's infrastructure subnet: it belongs to that environment
 * alone, and its delegation matches the environment kind.
 */
import type { PolicyResource } from "@pulumi/policy";
import { infrastructureSubnets, labelOf, ofType, problemsOfEvery, props, subnetCandidates, types, type SubnetCandidate } from "./graph";
import { stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, list, sameText, str } from "./util";

const subnetPage = "https://learn.microsoft.com/azure/container-apps/custom-virtual-networks#subnet";
const appDelegation = "Microsoft.App/environments";

/** The one subnet a reference points at, when it can be told. */
function onlySubnet(candidates: SubnetCandidate[]): SubnetCandidate | undefined {
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The delegations a subnet has, when they are known. */
function delegatedServices(subnet: unknown): unknown[] | undefined {
  const delegations = list(at(subnet, "delegations"));
  if (delegations === UNKNOWN) return undefined;
  const services = delegations.map((delegation) => at(delegation, "serviceName"));
  return services.includes(UNKNOWN) ? undefined : services;
}

export const environmentSubnetDedicated = stackRule({
  name: "arm-environment-subnet-dedicated",
  description: "A managed environment's infrastructure subnet serves that environment alone: no second environment and no private endpoint in it.",
  enforcementLevel: "mandatory",
  source: subnetPage,
  resourceTypes: [types.managedEnvironment, types.privateEndpoint, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    const owners = new Map<string, PolicyResource>();
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const subnet = onlySubnet(infrastructureSubnets(environment, resources));
      if (!subnet) continue;
      const owner = owners.get(subnet.key);
      if (!owner) {
        owners.set(subnet.key, environment);
        continue;
      }
      report(
        `Managed environments ${labelOf(owner)} and ${labelOf(environment)} must not share infrastructure subnet ${subnet.label}: ` +
          "each environment needs a subnet dedicated to it alone.",
        environment.urn,
      );
    }
    for (const endpoint of ofType(resources, types.privateEndpoint)) {
      const subnet = onlySubnet(subnetCandidates(endpoint, "subnet", at(props(endpoint), "subnet", "id"), resources));
      const owner = subnet ? owners.get(subnet.key) : undefined;
      if (!subnet || !owner) continue;
      report(
        `Private endpoint ${labelOf(endpoint)} must not be placed in ${subnet.label}, the infrastructure subnet of managed environment ${labelOf(owner)}: ` +
          "that subnet is dedicated to the environment; put the endpoint in a subnet of its own.",
        endpoint.urn,
      );
    }
  },
});

export const environmentSubnetDelegation = stackRule({
  name: "arm-environment-subnet-delegation",
  description: "An environment's infrastructure subnet is delegated to Container Apps when it has workload profiles, and not delegated when it is consumption-only.",
  enforcementLevel: "mandatory",
  source: subnetPage,
  resourceTypes: [types.managedEnvironment, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const profiles = at(props(environment), "workloadProfiles");
      if (profiles === UNKNOWN) continue;
      const workloadProfiles = Array.isArray(profiles) && profiles.length > 0;
      const wronglyDelegated = (subnet: unknown) => {
        const services = delegatedServices(subnet);
        if (services === undefined) return undefined;
        if (workloadProfiles) return services.some((service) => sameText(service, appDelegation)) ? undefined : services;
        return services.length > 0 ? services : undefined;
      };
      for (const { subnet, problem: services } of problemsOfEvery(infrastructureSubnets(environment, resources), wronglyDelegated)) {
        if (workloadProfiles) {
          report(
            `Managed environment ${labelOf(environment)} has workload profiles, so its infrastructure subnet ${subnet.label} must be delegated to ${appDelegation}.`,
            environment.urn,
          );
        } else {
          report(
            `Managed environment ${labelOf(environment)} is consumption-only, so its infrastructure subnet ${subnet.label} must not be delegated ` +
              `(is delegated to ${services.map((s) => str(s) ?? "?").join(", ")}).`,
            environment.urn,
          );
        }
      }
    }
  },
});

export const armEnvironmentPolicies: AcaPolicy[] = [environmentSubnetDedicated, environmentSubnetDelegation];
