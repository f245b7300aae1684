/** Rules for `azure-native:app:ManagedEnvironment`: logs, VNet injection, zones, encryption, subnet. */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, dependsThrough, isDescendantOf, isOfType, ofType, props, sourcesOf, types } from "./graph";
import { classicTypes } from "./resourceTypes";
import { resourceRule, stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, armName, at, ensureObject, knownList, list, parseArmId, prefixLength, present, sameName, sameText, str } from "./util";

export const logsDestination = resourceRule([types.managedEnvironment, classicTypes.managedEnvironment], {
  name: "env-logs-destination",
  description: "Managed environments send their logs to Log Analytics, Azure Monitor or an OpenTelemetry destination.",
  enforcementLevel: "mandatory",
  source: "ACA landing zone",
  validate: (p, { report }) => {
    const destination = at(p, "appLogsConfiguration", "destination");
    const otelLogs = at(p, "openTelemetryConfiguration", "logsConfiguration", "destinations");
    if (destination === UNKNOWN || otelLogs === UNKNOWN) return;
    if (Array.isArray(otelLogs) && otelLogs.length > 0) return;
    if (sameText(destination, "log-analytics")) {
      if (present(p, "appLogsConfiguration", "logAnalyticsConfiguration", "customerId") === false) {
        report("Managed environment must set appLogsConfiguration.logAnalyticsConfiguration.customerId to the Log Analytics workspace id.");
      }
      return;
    }
    if (sameText(destination, "azure-monitor")) return;
    report(
      'Managed environment must set appLogsConfiguration.destination to "log-analytics" (with the workspace customerId) ' +
        'or "azure-monitor", or send logs through openTelemetryConfiguration.logsConfiguration.destinations.',
    );
  },
});

export const vnetInjected = resourceRule([types.managedEnvironment, classicTypes.managedEnvironment], {
  name: "env-vnet-injected",
  description: "Managed environments run in a subnet of your VNet (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 8b346db6",
  baseline: "private",
  validate: (p, { report }) => {
    if (present(p, "vnetConfiguration", "infrastructureSubnetId") === false) {
      report("Managed environment must set vnetConfiguration.infrastructureSubnetId to a subnet of your VNet in the private baseline.");
    }
  },
});

export const environmentInternal = resourceRule([types.managedEnvironment, classicTypes.managedEnvironment], {
  name: "env-internal",
  description: "Managed environments are internal, with no public endpoint (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy d074ddf8",
  baseline: "private",
  validate: (p, { report }) => {
    const internal = at(p, "vnetConfiguration", "internal");
    if (internal !== UNKNOWN && internal !== true) {
      report("Managed environment must set vnetConfiguration.internal to true in the private baseline so it gets no public IP.");
    }
  },
});

export const zoneRedundant = resourceRule([types.managedEnvironment, classicTypes.managedEnvironment], {
  name: "env-zone-redundant",
  description: "Managed environments spread replicas over availability zones.",
  enforcementLevel: "advisory",
  source: "PSRule Azure.ContainerApp.AvailabilityZone",
  validate: (p, { report }) => {
    const zones = at(p, "zoneRedundant");
    if (zones !== UNKNOWN && zones !== true) {
      report("Managed environment must set zoneRedundant to true (it needs a VNet-injected environment) to survive a zone outage.");
    }
  },
});

export const peerTrafficEncryption = resourceRule(types.managedEnvironment, {
  name: "env-peer-traffic-encryption",
  description: "Traffic between apps in a managed environment is encrypted.",
  enforcementLevel: "mandatory",
  source: "ACA landing zone",
  validate: (p, { report }) => {
    const enabled = at(p, "peerTrafficConfiguration", "encryption", "enabled");
    if (enabled !== UNKNOWN && enabled !== true) {
      report("Managed environment must set peerTrafficConfiguration.encryption.enabled to true so app-to-app traffic is encrypted.");
    }
  },
  remediate: (p) => {
    const peer = ensureObject(p, "peerTrafficConfiguration");
    const encryption = peer && ensureObject(peer, "encryption");
    if (!encryption || encryption["enabled"] === true) return false;
    encryption["enabled"] = true;
    return true;
  },
});

export const publicNetworkDisabled = resourceRule(types.managedEnvironment, {
  name: "env-public-network-disabled",
  description: "Managed environments refuse public network access (private baseline).",
  enforcementLevel: "mandatory",
  source: "PSRule Azure.ContainerApp.PublicAccess",
  baseline: "private",
  validate: (p, { report }) => {
    const access = at(p, "publicNetworkAccess");
    if (access !== UNKNOWN && !sameText(access, "Disabled")) {
      report('Managed environment must set publicNetworkAccess to "Disabled" in the private baseline.');
    }
  },
});

/** A subnet as the size/delegation check needs it. */
interface SubnetFacts {
  label: string;
  addressPrefix: unknown;
  delegations: unknown;
}

function subnetFacts(label: string, subnet: unknown): SubnetFacts {
  const single = at(subnet, "addressPrefix");
  const many = at(subnet, "addressPrefixes");
  const first = Array.isArray(many) ? many[0] : many;
  return { label, addressPrefix: single !== undefined ? single : first, delegations: at(subnet, "delegations") };
}

/** The VNet a Subnet resource belongs to, when it can be told. */
function vnetOfSubnet(subnet: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
  const vnetName = str(at(props(subnet), "virtualNetworkName"));
  return ofType(resources, types.virtualNetwork).find(
    (v) => dependsThrough(subnet, "virtualNetworkName", v) || isDescendantOf(subnet, v) || sameName(azureName(v), vnetName),
  );
}

/** The subnets an environment's infrastructureSubnetId may point at. */
function infrastructureSubnets(environment: PolicyResource, subnetId: unknown, resources: PolicyResource[]): SubnetFacts[] {
  const id = parseArmId(subnetId);
  const candidates: SubnetFacts[] = [];
  if (id) {
    const vnetName = armName(id, "virtualNetworks");
    const subnetName = armName(id, "subnets");
    for (const subnet of ofType(resources, types.subnet)) {
      if (!sameName(azureName(subnet), subnetName)) continue;
      const vnet = vnetOfSubnet(subnet, resources);
      const parentName = str(at(props(subnet), "virtualNetworkName")) ?? (vnet ? azureName(vnet) : undefined);
      if (parentName === undefined || sameName(parentName, vnetName)) candidates.push(subnetFacts(subnet.name, props(subnet)));
    }
    for (const vnet of ofType(resources, types.virtualNetwork)) {
      if (!sameName(azureName(vnet), vnetName)) continue;
      for (const inline of knownList(at(props(vnet), "subnets"))) {
        if (sameName(str(at(inline, "name")), subnetName)) candidates.push(subnetFacts(`${vnet.name}/${subnetName}`, inline));
      }
    }
    return candidates;
  }
  for (const source of sourcesOf(environment, "vnetConfiguration")) {
    if (isOfType(source, types.subnet)) candidates.push(subnetFacts(source.name, props(source)));
    if (isOfType(source, types.virtualNetwork)) {
      knownList(at(props(source), "subnets")).forEach((inline, index) => {
        candidates.push(subnetFacts(`${source.name}/${str(at(inline, "name")) ?? `#${index + 1}`}`, inline));
      });
    }
  }
  return candidates;
}

const appDelegation = "Microsoft.App/environments";

/** What is wrong with a subnet for an environment of this kind (empty when nothing is, or when unknown). */
function subnetProblems(subnet: SubnetFacts, workloadProfiles: boolean): string[] {
  const problems: string[] = [];
  const prefix = prefixLength(subnet.addressPrefix);
  const delegations = list(subnet.delegations);
  const services = delegations === UNKNOWN ? undefined : delegations.map((d) => at(d, "serviceName"));
  const undecided = services?.includes(UNKNOWN) ?? true;
  if (workloadProfiles) {
    if (prefix !== undefined && prefix > 27) problems.push(`be /27 or larger (is /${prefix})`);
    if (!undecided && !services!.some((s) => sameText(s, appDelegation))) problems.push(`be delegated to ${appDelegation}`);
  } else {
    if (prefix !== undefined && prefix > 23) problems.push(`be /23 or larger (is /${prefix})`);
    if (!undecided && services!.length > 0) problems.push("not be delegated");
  }
  return problems;
}

export const infrastructureSubnet = stackRule({
  name: "env-infrastructure-subnet",
  description: "An environment's infrastructure subnet is big enough and delegated correctly for its type.",
  enforcementLevel: "mandatory",
  source: "ACA landing zone",
  resourceTypes: [types.managedEnvironment, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const p = props(environment);
      const subnetId = at(p, "vnetConfiguration", "infrastructureSubnetId");
      const profiles = at(p, "workloadProfiles");
      if (subnetId === undefined || profiles === UNKNOWN) continue;
      const workloadProfiles = Array.isArray(profiles) && profiles.length > 0;
      const candidates = infrastructureSubnets(environment, subnetId, resources);
      if (candidates.length === 0) continue;
      const judged = candidates.map((subnet) => ({ subnet, problems: subnetProblems(subnet, workloadProfiles) }));
      // With several candidates (an unknown id into a VNet with inline subnets) only a verdict
      // that holds for every one of them is certain.
      if (judged.some((j) => j.problems.length === 0)) continue;
      const kind = workloadProfiles ? "A workload-profiles environment" : "A consumption-only environment";
      for (const { subnet, problems } of judged) {
        report(`${kind} needs its infrastructure subnet ${subnet.label} to ${problems.join(" and ")}.`, environment.urn);
      }
    }
  },
});

export const environmentPolicies: AcaPolicy[] = [
  logsDestination,
  vnetInjected,
  environmentInternal,
  zoneRedundant,
  peerTrafficEncryption,
  publicNetworkDisabled,
  infrastructureSubnet,
];
