/** Rules for `azure-native:app:ManagedEnvironment`: logs, VNet injection, zones, encryption, subnet. */
import { infrastructureSubnets, ofType, problemsOfEvery, props, types } from "./graph";
import { classicTypes } from "./resourceTypes";
import { resourceRule, stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, ensureObject, peek, prefixLength, present, sameText } from "./util";

export const logsDestination = resourceRule([types.managedEnvironment, classicTypes.managedEnvironment], {
  name: "env-logs-destination",
  description: "Managed environments send their logs to Log Analytics, Azure Monitor or an OpenTelemetry destination.",
  enforcementLevel: "mandatory",
  // https://learn.microsoft.com/azure/container-apps/log-options
  source: "Learn container-apps/log-options",
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
    // 8b346db6 treats an empty id like a missing one.
    if (present(p, "vnetConfiguration", "infrastructureSubnetId") === false || peek(p, "vnetConfiguration", "infrastructureSubnetId") === "") {
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
  // Off by default; the AVM managed-environment module turns it on:
  // https://learn.microsoft.com/azure/container-apps/networking#peer-to-peer-encryption
  source: "Learn container-apps/networking",
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
  // PSRule Azure.ContainerApp.PublicAccess checks vnetConfiguration.internal (env-internal does);
  // the publicNetworkAccess property is described at
  // https://learn.microsoft.com/azure/container-apps/networking#public-network-access
  source: "Learn container-apps/networking",
  baseline: "private",
  validate: (p, { report }) => {
    const access = at(p, "publicNetworkAccess");
    if (access !== UNKNOWN && !sameText(access, "Disabled")) {
      report('Managed environment must set publicNetworkAccess to "Disabled" in the private baseline.');
    }
  },
});

/** The prefix length of a subnet's (first) address range, when known. */
function subnetPrefixLength(subnet: unknown): number | undefined {
  const single = at(subnet, "addressPrefix");
  const many = at(subnet, "addressPrefixes");
  return prefixLength(single !== undefined ? single : Array.isArray(many) ? many[0] : many);
}

export const infrastructureSubnet = stackRule({
  name: "env-infrastructure-subnet",
  description: "An environment's infrastructure subnet is big enough for its type.",
  enforcementLevel: "mandatory",
  // /27 (workload profiles) or /23 (consumption only):
  // https://learn.microsoft.com/azure/container-apps/custom-virtual-networks
  // The delegation each type needs is arm-environment-subnet-delegation's (armEnvironments.ts).
  source: "Learn container-apps/custom-virtual-networks",
  resourceTypes: [types.managedEnvironment, types.subnet, types.virtualNetwork],
  validate: (resources, { report }) => {
    for (const environment of ofType(resources, types.managedEnvironment)) {
      const profiles = at(props(environment), "workloadProfiles");
      if (profiles === UNKNOWN) continue;
      const workloadProfiles = Array.isArray(profiles) && profiles.length > 0;
      const smallest = workloadProfiles ? 27 : 23;
      const tooSmall = (subnet: unknown) => {
        const prefix = subnetPrefixLength(subnet);
        return prefix !== undefined && prefix > smallest ? prefix : undefined;
      };
      const kind = workloadProfiles ? "A workload-profiles environment" : "A consumption-only environment";
      for (const { subnet, problem } of problemsOfEvery(infrastructureSubnets(environment, resources), tooSmall)) {
        report(`${kind} needs its infrastructure subnet ${subnet.label} to be /${smallest} or larger (is /${problem}).`, environment.urn);
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
