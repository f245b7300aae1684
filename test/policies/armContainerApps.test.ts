import * as app from "@pulumi/azure-native/app";
import { cpuMemoryAllocation, probeOnePerType, probeValues } from "../../policies/armContainerApps";
import { types } from "../../policies/resourceTypes";
import { containerApp, environment } from "./fixtures";
import { Stack, mutate, unknownArray, unknownNumber, unknownObject, unknownString, validate, validateStack, type Props } from "./support";

/** Probes within every range the API gives, as a well-configured app declares them. */
const probed: Props = mutate(containerApp, (p) => {
  p.template.containers[0].probes = [
    { type: "Liveness", httpGet: { path: "/health", port: 8000 }, initialDelaySeconds: 1, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
    { type: "Readiness", httpGet: { path: "/ready", port: 8000 }, initialDelaySeconds: 60, periodSeconds: 240, timeoutSeconds: 240, failureThreshold: 10, successThreshold: 10 },
    { type: "Startup", tcpSocket: { port: 65535 }, initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 1, successThreshold: 1, terminationGracePeriodSeconds: 3600 },
  ];
});

const job: Props = {
  resourceGroupName: "rg",
  jobName: "nightly",
  environmentId: unknownString,
  configuration: { triggerType: "Schedule", replicaTimeout: 600, scheduleTriggerConfig: { cronExpression: "0 3 * * *" } },
  template: { containers: [{ name: "task", image: "webacr.azurecr.io/task:1.0.0", resources: { cpu: 1, memory: "2Gi" } }] },
};

describe("the arm-* container app type tokens", () => {
  it("are the ones azure-native uses", () => {
    expect((app.Job as unknown as { __pulumiType: string }).__pulumiType).toBe(types.job);
  });
});

describe("arm-aca-probe-values", () => {
  it("passes probes at both ends of every range", async () => {
    expect((await validate(probeValues, probed)).violations).toEqual([]);
  });

  it("reports initialDelaySeconds 0 (the API's minimum is 1)", async () => {
    const early = mutate(probed, (p) => (p.template.containers[0].probes[0].initialDelaySeconds = 0));
    expect((await validate(probeValues, early)).violations).toEqual(['Container "web" Liveness probe must set initialDelaySeconds to a whole number from 1 to 60 (is 0).']);
  });

  it.each([
    ["periodSeconds", 241, "from 1 to 240"],
    ["timeoutSeconds", 0, "from 1 to 240"],
    ["failureThreshold", 11, "from 1 to 10"],
    ["successThreshold", 11, "from 1 to 10"],
    ["initialDelaySeconds", 61, "from 1 to 60"],
    ["initialDelaySeconds", 2.5, "from 1 to 60"],
  ])("reports %s %p", async (field, value, range) => {
    const wrong = mutate(probed, (p) => (p.template.containers[0].probes[1][field] = value));
    expect((await validate(probeValues, wrong)).violations).toEqual([`Container "web" Readiness probe must set ${field} to a whole number ${range} (is ${value}).`]);
  });

  it("reports terminationGracePeriodSeconds over an hour and ports outside 1–65535", async () => {
    const wrong = mutate(probed, (p) => {
      p.template.containers[0].probes[2].terminationGracePeriodSeconds = 3601;
      p.template.containers[0].probes[2].tcpSocket.port = 0;
      p.template.containers[0].probes[0].httpGet.port = 70000;
    });
    expect((await validate(probeValues, wrong)).violations).toEqual([
      'Container "web" Liveness probe must set httpGet.port to a whole number from 1 to 65535 (is 70000).',
      'Container "web" Startup probe must set terminationGracePeriodSeconds to a whole number from 0 to 3600 (is 3601).',
      'Container "web" Startup probe must set tcpSocket.port to a whole number from 1 to 65535 (is 0).',
    ]);
  });

  it("reports a successThreshold other than 1 on liveness and startup probes", async () => {
    const wrong = mutate(probed, (p) => ((p.template.containers[0].probes[0].successThreshold = 2), (p.template.containers[0].probes[2].successThreshold = 3)));
    expect((await validate(probeValues, wrong)).violations).toEqual([
      'Container "web" Liveness probe must set successThreshold to 1 (is 2): the API accepts no other value for liveness and startup probes.',
      'Container "web" Startup probe must set successThreshold to 1 (is 3): the API accepts no other value for liveness and startup probes.',
    ]);
  });

  it("judges jobs too", async () => {
    const probedJob = mutate(job, (p) => (p.template.containers[0].probes = [{ type: "Liveness", tcpSocket: { port: 8080 }, periodSeconds: 0 }]));
    expect((await validate(probeValues, probedJob, { type: types.job })).violations).toEqual(['Container "task" Liveness probe must set periodSeconds to a whole number from 1 to 240 (is 0).']);
  });

  it("does not report values unknown at preview, nor a template azure-native left unknown", async () => {
    const unknownValue = mutate(probed, (p) => (p.template.containers[0].probes[0].initialDelaySeconds = unknownNumber));
    expect((await validate(probeValues, unknownValue)).violations).toEqual([]);
    expect((await validate(probeValues, { ...probed, template: unknownObject })).violations).toEqual([]);
    const unknownProbes = mutate(probed, (p) => (p.template.containers[0].probes = unknownArray));
    expect((await validate(probeValues, unknownProbes)).violations).toEqual([]);
  });
});

describe("arm-aca-probe-one-per-type", () => {
  it("passes one probe of each type", async () => {
    expect((await validate(probeOnePerType, probed)).violations).toEqual([]);
  });

  it("reports two probes of the same type in one container, whatever their case", async () => {
    const twice = mutate(probed, (p) => p.template.containers[0].probes.push({ type: "liveness", tcpSocket: { port: 8000 } }));
    expect((await validate(probeOnePerType, twice)).violations).toEqual(['Container "web" must declare one Liveness probe, not 2: Container Apps accepts one probe of each type per container.']);
  });

  it("judges each container of an app and of a job on its own", async () => {
    const sidecar = mutate(probed, (p) => p.template.containers.push({ name: "proxy", image: "webacr.azurecr.io/proxy:1.0.0", probes: [{ type: "Readiness", tcpSocket: { port: 9000 } }] }));
    expect((await validate(probeOnePerType, sidecar)).violations).toEqual([]);
    const twiceInJob = mutate(job, (p) => (p.template.containers[0].probes = [{ type: "Startup", tcpSocket: { port: 1 } }, { type: "Startup", tcpSocket: { port: 2 } }]));
    expect((await validate(probeOnePerType, twiceInJob, { type: types.job })).violations).toEqual([expect.stringContaining('Container "task" must declare one Startup probe, not 2')]);
  });

  it("does not report probes whose list or type is unknown at preview", async () => {
    expect((await validate(probeOnePerType, mutate(probed, (p) => (p.template.containers[0].probes = unknownArray)))).violations).toEqual([]);
    const unknownType = mutate(probed, (p) => p.template.containers[0].probes.push({ type: unknownString, tcpSocket: { port: 8000 } }));
    expect((await validate(probeOnePerType, unknownType)).violations).toEqual([]);
  });
});

describe("arm-aca-cpu-memory-allocation", () => {
  const consumptionOnly = mutate(environment, (p) => delete p.workloadProfiles);
  const withProfiles = mutate(environment, (p) => p.workloadProfiles.push({ name: "D4", workloadProfileType: "D4", minimumCount: 1, maximumCount: 3 }));

  function appIn(environmentProps: Props, change: (p: Props) => void = () => undefined): Stack {
    return new Stack()
      .add(types.managedEnvironment, "web-env", environmentProps)
      .add(types.containerApp, "web", mutate(containerApp, change), { from: { managedEnvironmentId: ["web-env"] } });
  }

  it("passes 0.5 vCPU with 1Gi, and the defaults of a container that sets neither", async () => {
    expect((await validateStack(cpuMemoryAllocation, appIn(environment))).violations).toEqual([]);
    expect((await validateStack(cpuMemoryAllocation, appIn(environment, (p) => delete p.template.containers[0].resources))).violations).toEqual([]);
  });

  it("passes a pair summed over sidecars, in Mi", async () => {
    const sidecar = appIn(environment, (p) =>
      p.template.containers.push({ name: "proxy", image: "webacr.azurecr.io/proxy:1.0.0", resources: { cpu: 0.25, memory: "512Mi" } }),
    );
    expect((await validateStack(cpuMemoryAllocation, sidecar)).violations).toEqual([]);
  });

  it("reports memory that is not twice the CPU", async () => {
    const outcome = await validateStack(cpuMemoryAllocation, appIn(environment, (p) => (p.template.containers[0].resources = { cpu: 0.5, memory: "2Gi" })));
    expect(outcome.violations).toEqual([
      "Container app web requests 0.5 vCPU and 2Gi in total; in the Consumption profile the containers together must request 0.25 to 4 vCPU " +
        "in steps of 0.25 with twice as many GiB of memory (e.g. 0.5 vCPU with 1Gi).",
    ]);
    expect(outcome.urns).toEqual([appIn(environment).urn("web")]);
  });

  it("reports CPU off the 0.25 steps", async () => {
    const { violations } = await validateStack(cpuMemoryAllocation, appIn(environment, (p) => (p.template.containers[0].resources = { cpu: 0.3, memory: "0.6Gi" })));
    expect(violations).toEqual([expect.stringContaining("requests 0.3 vCPU and 0.6Gi in total")]);
  });

  it("allows up to 4 vCPU on the Consumption profile but 2 in a consumption-only environment", async () => {
    const large = (p: Props) => (p.template.containers[0].resources = { cpu: 3, memory: "6Gi" });
    expect((await validateStack(cpuMemoryAllocation, appIn(environment, large))).violations).toEqual([]);
    expect((await validateStack(cpuMemoryAllocation, appIn(consumptionOnly, large))).violations).toEqual([
      expect.stringContaining("in a consumption-only environment the containers together must request 0.25 to 2 vCPU"),
    ]);
    const over = (p: Props) => (p.template.containers[0].resources = { cpu: 4.25, memory: "8.5Gi" });
    expect((await validateStack(cpuMemoryAllocation, appIn(environment, over))).violations).toHaveLength(1);
  });

  it("holds apps on a Dedicated profile to one node of it, not to the Consumption pairs", async () => {
    const dedicated = appIn(withProfiles, (p) => ((p.workloadProfileName = "D4"), (p.template.containers[0].resources = { cpu: 3, memory: "12Gi" })));
    expect((await validateStack(cpuMemoryAllocation, dedicated)).violations).toEqual([]);
    const tooBig = appIn(withProfiles, (p) => ((p.workloadProfileName = "D4"), (p.template.containers[0].resources = { cpu: 4.5, memory: "12Gi" })));
    expect((await validateStack(cpuMemoryAllocation, tooBig)).violations).toEqual([
      "Container app web requests 4.5 vCPU and 12Gi in total; its containers must fit one node of workload profile D4 (D4): at most 4 vCPU and 16Gi.",
    ]);
    const memoryProfile = mutate(environment, (p) => p.workloadProfiles.push({ name: "memory", workloadProfileType: "E4", minimumCount: 1, maximumCount: 1 }));
    const tooMuchMemory = appIn(memoryProfile, (p) => ((p.workloadProfileName = "memory"), (p.template.containers[0].resources = { cpu: 2, memory: "40Gi" })));
    expect((await validateStack(cpuMemoryAllocation, tooMuchMemory)).violations).toEqual([expect.stringContaining("must fit one node of workload profile memory (E4): at most 4 vCPU and 32Gi")]);
    const gpuProfile = mutate(environment, (p) => p.workloadProfiles.push({ name: "gpu", workloadProfileType: "NC24-A100", minimumCount: 1, maximumCount: 1 }));
    const unknownSize = appIn(gpuProfile, (p) => ((p.workloadProfileName = "gpu"), (p.template.containers[0].resources = { cpu: 64, memory: "500Gi" })));
    expect((await validateStack(cpuMemoryAllocation, unknownSize)).violations).toEqual([]);
    const consumption = appIn(withProfiles, (p) => ((p.workloadProfileName = "Consumption"), (p.template.containers[0].resources = { cpu: 3, memory: "12Gi" })));
    expect((await validateStack(cpuMemoryAllocation, consumption)).violations).toHaveLength(1);
  });

  it("judges jobs, with the environment matched by the name in a known id", async () => {
    const stack = new Stack()
      .add(types.managedEnvironment, "web-env", consumptionOnly)
      .add(types.job, "nightly", { ...job, environmentId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/web-env", template: { containers: [{ name: "task", image: "x.azurecr.io/t:1", resources: { cpu: 2.5, memory: "5Gi" } }] } });
    expect((await validateStack(cpuMemoryAllocation, stack)).violations).toEqual([expect.stringMatching(/^Job nightly requests 2.5 vCPU and 5Gi in total; in a consumption-only environment/)]);
  });

  it("does not judge while CPU, memory, the containers or the profile are unknown", async () => {
    const cases: ((p: Props) => void)[] = [
      (p) => (p.template.containers[0].resources = { cpu: unknownNumber, memory: "3Gi" }),
      (p) => (p.template.containers[0].resources = { cpu: 0.5, memory: unknownString }),
      (p) => (p.template.containers = unknownArray),
      (p) => (p.template = unknownObject),
      (p) => ((p.workloadProfileName = unknownString), (p.template.containers[0].resources = { cpu: 0.5, memory: "3Gi" })),
    ];
    for (const change of cases) expect((await validateStack(cpuMemoryAllocation, appIn(environment, change))).violations).toEqual([]);
    const unknownProfiles = appIn({ ...environment, workloadProfiles: unknownArray }, (p) => (p.template.containers[0].resources = { cpu: 3, memory: "6Gi" }));
    expect((await validateStack(cpuMemoryAllocation, unknownProfiles)).violations).toEqual([]);
  });
});
