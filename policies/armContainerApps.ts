/**
 * `arm-*` rules for container apps and jobs: probe values and CPU/memory allocations that the
 * Container Apps API refuses although the azure-native types accept them.
 */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, isOfType, ofType, props, sourcesOf, types } from "./graph";
import { resourceRule, stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, armName, at, knownList, list, memoryGi, num, parseArmId, sameName, sameText, str, type JsonObject } from "./util";

/** The probe definition (ranges in its descriptions) of the API version azure-native 3.x pins for `app`. */
const probeSpec = "azure-rest-api-specs:specification/app/resource-manager/Microsoft.App/preview/2025-02-02-preview/CommonDefinitions.json";

const workloadTypes: string[] = [types.containerApp, types.job];

/** The containers of an app's or job's template that carry probes (init containers have none). */
function probedContainers(p: JsonObject): { label: string; container: unknown }[] {
  return knownList(at(p, "template", "containers")).map((container, index) => {
    const name = str(at(container, "name"));
    return { label: name ? `"${name}"` : `#${index + 1}`, container };
  });
}

/** Each bounded probe setting with the range the API description gives. */
export const probeRanges: { field: string; path: string[]; min: number; max: number }[] = [
  { field: "initialDelaySeconds", path: ["initialDelaySeconds"], min: 1, max: 60 },
  { field: "periodSeconds", path: ["periodSeconds"], min: 1, max: 240 },
  { field: "timeoutSeconds", path: ["timeoutSeconds"], min: 1, max: 240 },
  { field: "failureThreshold", path: ["failureThreshold"], min: 1, max: 10 },
  { field: "successThreshold", path: ["successThreshold"], min: 1, max: 10 },
  { field: "terminationGracePeriodSeconds", path: ["terminationGracePeriodSeconds"], min: 0, max: 3600 },
  { field: "httpGet.port", path: ["httpGet", "port"], min: 1, max: 65535 },
  { field: "tcpSocket.port", path: ["tcpSocket", "port"], min: 1, max: 65535 },
];

function probeLabel(probe: unknown, index: number): string {
  return str(at(probe, "type")) ?? `#${index + 1}`;
}

export const probeValues = resourceRule(workloadTypes, {
  name: "arm-aca-probe-values",
  description: "Probe settings stay within the ranges the Container Apps API accepts (successThreshold is 1 for liveness and startup).",
  enforcementLevel: "mandatory",
  source: probeSpec,
  validate: (p, { report }) => {
    for (const { label, container } of probedContainers(p)) {
      knownList(at(container, "probes")).forEach((probe, index) => {
        const name = probeLabel(probe, index);
        for (const range of probeRanges) {
          const value = num(at(probe, ...range.path));
          if (value === undefined) continue;
          if (!Number.isInteger(value) || value < range.min || value > range.max) {
            report(`Container ${label} ${name} probe must set ${range.field} to a whole number from ${range.min} to ${range.max} (is ${value}).`);
          }
        }
        const success = num(at(probe, "successThreshold"));
        const type = at(probe, "type");
        if (success !== undefined && success !== 1 && (sameText(type, "Liveness") || sameText(type, "Startup"))) {
          report(`Container ${label} ${name} probe must set successThreshold to 1 (is ${success}): the API accepts no other value for liveness and startup probes.`);
        }
      });
    }
  },
});

export const probeOnePerType = resourceRule(workloadTypes, {
  name: "arm-aca-probe-one-per-type",
  description: "Each container declares at most one probe of each type.",
  enforcementLevel: "mandatory",
  source: "https://learn.microsoft.com/azure/container-apps/health-probes#restrictions",
  validate: (p, { report }) => {
    for (const { label, container } of probedContainers(p)) {
      const probes = list(at(container, "probes"));
      if (probes === UNKNOWN) continue;
      const counts = new Map<string, { type: string; count: number }>();
      for (const probe of probes) {
        const type = str(at(probe, "type"));
        if (type === undefined) continue;
        const entry = counts.get(type.toLowerCase()) ?? { type, count: 0 };
        entry.count += 1;
        counts.set(type.toLowerCase(), entry);
      }
      for (const { type, count } of counts.values()) {
        if (count > 1) report(`Container ${label} must declare one ${type} probe, not ${count}: Container Apps accepts one probe of each type per container.`);
      }
    }
  },
});

/** The largest total allocation of each plan whose CPU/memory pairs are fixed. */
export const consumptionOnlyMaximumCpu = 2;
export const consumptionProfileMaximumCpu = 4;

/**
 * vCPU and GiB of one node of each Dedicated workload profile type
 * (https://learn.microsoft.com/azure/container-apps/workload-profiles-overview); an app's containers
 * together must fit in one.
 */
export const dedicatedProfileSizes: Readonly<Record<string, { cpu: number; memoryGi: number }>> = {
  d4: { cpu: 4, memoryGi: 16 },
  d8: { cpu: 8, memoryGi: 32 },
  d16: { cpu: 16, memoryGi: 64 },
  d32: { cpu: 32, memoryGi: 128 },
  e4: { cpu: 4, memoryGi: 32 },
  e8: { cpu: 8, memoryGi: 64 },
  e16: { cpu: 16, memoryGi: 128 },
  e32: { cpu: 32, memoryGi: 256 },
};

/** What the total allocation of a workload must satisfy where it runs. */
type AllocationLimit = { kind: "pairs"; maxCpu: number } | { kind: "node"; profile: string; cpu: number; memoryGi: number };

/** The environment an app or job runs in, when it can be told. */
function environmentOf(workload: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
  const environments = ofType(resources, types.managedEnvironment);
  const sources = [...sourcesOf(workload, "managedEnvironmentId"), ...sourcesOf(workload, "environmentId")].filter(
    (r) => isOfType(r, types.managedEnvironment),
  );
  const distinct = [...new Set(sources)];
  if (distinct.length === 1) return distinct[0];
  const p = props(workload);
  const id = parseArmId(at(p, "managedEnvironmentId")) ?? parseArmId(at(p, "environmentId"));
  const name = armName(id, "managedEnvironments");
  if (name === undefined) return undefined;
  const named = environments.filter((environment) => sameName(azureName(environment), name));
  return named.length === 1 ? named[0] : undefined;
}

/**
 * The limit the workload's total allocation must meet, or undefined when it cannot be told yet (or
 * the profile type is one this rule does not know).
 */
function allocationLimit(workload: PolicyResource, resources: PolicyResource[]): AllocationLimit | undefined {
  const profileName = at(props(workload), "workloadProfileName");
  if (profileName === UNKNOWN) return undefined;
  const environment = environmentOf(workload, resources);
  const profiles = environment ? at(props(environment), "workloadProfiles") : undefined;
  if (profiles === UNKNOWN) return undefined;
  const declared = Array.isArray(profiles) ? profiles : [];
  const name = str(profileName);
  if (name === undefined) {
    if (profileName !== undefined) return undefined;
    // No profile named: the Consumption plan (consumption-only) or the Consumption profile.
    if (environment && declared.length === 0) return { kind: "pairs", maxCpu: consumptionOnlyMaximumCpu };
    return { kind: "pairs", maxCpu: consumptionProfileMaximumCpu };
  }
  const profile = declared.find((candidate) => sameName(str(at(candidate, "name")), name));
  if (profile === undefined) return sameText(name, "Consumption") ? { kind: "pairs", maxCpu: consumptionProfileMaximumCpu } : undefined;
  const type = str(at(profile, "workloadProfileType"));
  if (type === undefined) return undefined;
  if (sameText(type, "Consumption")) return { kind: "pairs", maxCpu: consumptionProfileMaximumCpu };
  const size = dedicatedProfileSizes[type.toLowerCase()];
  return size ? { kind: "node", profile: `${name} (${type})`, ...size } : undefined;
}

/** ACA's per-container defaults when `resources` leaves a value out. */
const defaultCpu = 0.25;
const defaultMemoryGi = 0.5;

/** The total vCPU and GiB the containers request, or undefined while any value is unknown or unreadable. */
function totals(p: JsonObject): { cpu: number; memory: number } | undefined {
  const containers = list(at(p, "template", "containers"));
  if (containers === UNKNOWN || containers.length === 0) return undefined;
  let cpu = 0;
  let memory = 0;
  for (const container of containers) {
    const cpuValue = at(container, "resources", "cpu");
    const memoryValue = at(container, "resources", "memory");
    const containerCpu = cpuValue === undefined ? defaultCpu : num(cpuValue);
    const containerMemory = memoryValue === undefined ? defaultMemoryGi : memoryGi(memoryValue);
    if (containerCpu === undefined || containerMemory === undefined) return undefined;
    cpu += containerCpu;
    memory += containerMemory;
  }
  return { cpu, memory };
}

const tolerance = 1e-6;

function format(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export const cpuMemoryAllocation = stackRule({
  name: "arm-aca-cpu-memory-allocation",
  description:
    "The containers' total CPU and memory form a pair Azure accepts on the Consumption plan and profile (0.25 vCPU steps, 2 GiB per vCPU), and fit one node of a Dedicated profile.",
  enforcementLevel: "mandatory",
  source: "https://learn.microsoft.com/azure/container-apps/containers#allocations",
  resourceTypes: [...workloadTypes, types.managedEnvironment],
  validate: (resources, { report }) => {
    for (const workload of resources.filter((r) => workloadTypes.some((type) => isOfType(r, type)))) {
      const total = totals(props(workload));
      if (!total) continue;
      const limit = allocationLimit(workload, resources);
      if (!limit) continue;
      const kind = isOfType(workload, types.job) ? "Job" : "Container app";
      const requested = `${kind} ${azureName(workload) ?? str(at(props(workload), "jobName")) ?? workload.name} requests ${format(total.cpu)} vCPU and ${format(total.memory)}Gi in total`;
      if (limit.kind === "node") {
        if (total.cpu <= limit.cpu + tolerance && total.memory <= limit.memoryGi + tolerance) continue;
        report(`${requested}; its containers must fit one node of workload profile ${limit.profile}: at most ${limit.cpu} vCPU and ${limit.memoryGi}Gi.`, workload.urn);
        continue;
      }
      const steps = total.cpu / 0.25;
      const onStep = Math.abs(steps - Math.round(steps)) < tolerance;
      const inRange = total.cpu >= 0.25 - tolerance && total.cpu <= limit.maxCpu + tolerance;
      const pairedMemory = Math.abs(total.memory - total.cpu * 2) < 0.01;
      if (onStep && inRange && pairedMemory) continue;
      const plan = limit.maxCpu === consumptionOnlyMaximumCpu ? "a consumption-only environment" : "the Consumption profile";
      report(
        `${requested}; in ${plan} the containers together must request 0.25 to ${limit.maxCpu} vCPU in steps of 0.25 ` +
          "with twice as many GiB of memory (e.g. 0.5 vCPU with 1Gi).",
        workload.urn,
      );
    }
  },
});

export const armContainerAppPolicies: AcaPolicy[] = [probeValues, probeOnePerType, cpuMemoryAllocation];
