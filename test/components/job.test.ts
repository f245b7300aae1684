import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../harness/policyRunner";
import { Recording, record } from "../harness/recorder";
import type { CheckedJobArgs, ContainerAppJobArgs } from "../../components/job";
import type { PlatformReference } from "../../components/service";
import { DIGEST_REF, Given, KNOWN_LATER, KNOWN_NOW, expectFailsOnceKnown, programFailure, refusedBeforeRegistering, roleOf } from "./support";

const ROOT = path.join(__dirname, "..", "..");
const SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-000000000001";
const REGISTRY_ID = `${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerRegistry/registries/crplatform`;
const OTHER_REGISTRY_ID = `${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contoso`;
const VAULT_ID = `${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-reports`;
const STORAGE_ID = `${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/streports`;
const IMAGE = `crplatform.azurecr.io/reports@sha256:${"a".repeat(64)}`;
const SECRET = { name: "smtp-password", keyVaultUrl: "https://kv-reports.vault.azure.net/secrets/smtp-password", env: "SMTP_PASSWORD" };
const T = {
  job: "azure-native:app:Job",
  app: "azure-native:app:ContainerApp",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  image: "docker-build:index:Image",
  registry: "azure-native:containerregistry:Registry",
  environment: "azure-native:app:ManagedEnvironment",
};
const ROLES = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  blobContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
};

/** A platform deployed by another stack, as a stack reference hands it over: every id an Output. */
function platformStack(): PlatformReference {
  return {
    resourceGroupName: pulumi.output("rg-platform"),
    environmentId: pulumi.output(`${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.App/managedEnvironments/cae-platform`),
    registryId: pulumi.output(REGISTRY_ID),
    registryLoginServer: pulumi.output("crplatform.azurecr.io"),
  };
}

function job(args: Omit<ContainerAppJobArgs, "platform"> & { platform?: PlatformReference }): Promise<Recording> {
  return record(async () => {
    const { ContainerAppJob } = await import("../../components/job");
    new ContainerAppJob("reports", { platform: platformStack(), ...args });
  });
}

/** Runs a job on a ContainerAppsPlatform of the same program; the token exchange answers in-process. */
function jobOnPlatform(args: Omit<ContainerAppJobArgs, "platform">, options: { preview?: boolean } = {}): Promise<Recording> {
  return record(
    async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppJob } = await import("../../components/job");
      const exchangeToken = async () => "acr-refresh-token";
      const platform = new ContainerAppsPlatform("team", { workloadProfiles: [{ name: "batch", workloadProfileType: "D4", minimumCount: 0, maximumCount: 2 }] });
      new ContainerAppJob("reports", { platform, ...args }, { exchangeToken });
    },
    { preview: options.preview },
  );
}

describe("ContainerAppJob on a platform of another stack, by ids", () => {
  it("creates its identity, its AcrPull grant and a manual job in the platform's group and environment, and builds nothing for a ready image", async () => {
    const recording = await job({ image: IMAGE });
    expect(recording.typeCounts()).toEqual({ [T.identity]: 1, [T.grant]: 1, [T.job]: 1 });
    const created = recording.one(T.job);
    expect(created.inputs).toMatchObject({
      resourceGroupName: "rg-platform",
      environmentId: expect.stringMatching(/managedEnvironments\/cae-platform$/),
      jobName: "caj-reports-test",
      workloadProfileName: "Consumption",
    });
    expect(created.inputs.configuration).toEqual({
      triggerType: "Manual",
      replicaTimeout: 1800,
      replicaRetryLimit: 0,
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
      registries: [{ server: "crplatform.azurecr.io", identity: recording.one(T.identity).id }],
      secrets: [],
    });
    expect(recording.one(T.grant).inputs.scope).toBe(REGISTRY_ID);
    expect(roleOf(recording.one(T.grant))).toBe(ROLES.acrPull);
    expect(recording.waitsFor(created, recording.one(T.grant))).toBe(true);
  });

  it("has no ingress and no probes, and runs the image by digest with its size, command and variables", async () => {
    const recording = await job({ image: IMAGE, cpu: 1, memory: "2Gi", command: ["node"], args: ["dist/report.js"], env: { REPORT_DAY: "monday" } });
    const created = recording.one(T.job);
    expect(created.inputs.configuration.ingress).toBeUndefined();
    const [container] = created.inputs.template.containers;
    expect(container).toEqual({
      name: "job",
      image: IMAGE,
      command: ["node"],
      args: ["dist/report.js"],
      resources: { cpu: 1, memory: "2Gi" },
      env: [
        { name: "OTEL_SERVICE_NAME", value: "caj-reports-test" },
        { name: "SERVICE_VERSION", value: IMAGE },
        { name: "REPORT_DAY", value: "monday" },
      ],
    });
  });

  it("runs on a cron schedule with the replicas, timeout and retries it is given", async () => {
    const recording = await job({ image: IMAGE, cronExpression: "0 2 * * MON-FRI", parallelism: 3, replicaCompletionCount: 2, replicaTimeout: 600, replicaRetryLimit: 2 });
    expect(recording.one(T.job).inputs.configuration).toMatchObject({
      triggerType: "Schedule",
      replicaTimeout: 600,
      replicaRetryLimit: 2,
      scheduleTriggerConfig: { cronExpression: "0 2 * * MON-FRI", parallelism: 3, replicaCompletionCount: 2 },
    });
    expect(recording.one(T.job).inputs.configuration.manualTriggerConfig).toBeUndefined();
  });

  it("starts executions from a queue through KEDA, authenticating with its user-assigned identity when the rule has no secrets", async () => {
    const queue = { name: "reports-queue", type: "azure-queue", metadata: { accountName: "streports", queueName: "reports", queueLength: "5" } };
    const recording = await job({ image: IMAGE, eventTrigger: { rules: [queue], maxExecutions: 10, pollingInterval: 60 } });
    const identityId = recording.one(T.identity).id;
    expect(recording.one(T.job).inputs.configuration).toMatchObject({
      triggerType: "Event",
      eventTriggerConfig: {
        parallelism: 1,
        replicaCompletionCount: 1,
        scale: { minExecutions: 0, maxExecutions: 10, pollingInterval: 60, rules: [{ ...queue, identity: identityId }] },
      },
    });
  });

  it("gives a scale rule with secrets those Key Vault secrets instead of the identity", async () => {
    const secret = { name: "bus-connection", keyVaultUrl: "https://kv-reports.vault.azure.net/secrets/bus-connection" };
    const rule = { name: "orders", type: "azure-servicebus", metadata: { queueName: "orders", messageCount: "5" }, auth: [{ secretRef: "bus-connection", triggerParameter: "connection" }] };
    const recording = await job({ image: IMAGE, secrets: [secret], keyVaultIds: [VAULT_ID], eventTrigger: { rules: [rule] } });
    const [scaleRule] = recording.one(T.job).inputs.configuration.eventTriggerConfig.scale.rules;
    expect(scaleRule).toEqual({ name: "orders", type: "azure-servicebus", metadata: rule.metadata, auth: rule.auth });
  });

  it("reads its secrets from Key Vault with its identity, granted Key Vault Secrets User and Blob Data Contributor before the job exists", async () => {
    const recording = await job({ image: IMAGE, secrets: [SECRET], keyVaultIds: [VAULT_ID], storageAccountIds: [STORAGE_ID] });
    const grants = recording.ofType(T.grant);
    expect(grants.map(roleOf).sort()).toEqual([ROLES.acrPull, ROLES.keyVaultSecretsUser, ROLES.blobContributor].sort());
    const created = recording.one(T.job);
    for (const grant of grants) expect(recording.waitsFor(created, grant)).toBe(true);
    const identity = recording.one(T.identity);
    expect(created.inputs.configuration.secrets).toEqual([{ name: SECRET.name, keyVaultUrl: SECRET.keyVaultUrl, identity: identity.id }]);
    expect(created.inputs.template.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "SMTP_PASSWORD", secretRef: SECRET.name },
        { name: "AZURE_CLIENT_ID", value: expect.any(String) },
      ]),
    );
  });

  it("uses an existing identity, creating none, and pulls an image of another declared registry from that registry", async () => {
    const identityId = `${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-reports`;
    const image = `contoso.azurecr.io/reports@sha256:${"b".repeat(64)}`;
    const recording = await job({
      image,
      identity: { existingIdentityId: identityId, existingPrincipalId: "principal", systemAssigned: false },
      pullRegistries: [{ server: "contoso.azurecr.io", registryId: OTHER_REGISTRY_ID }],
    });
    expect(recording.ofType(T.identity)).toEqual([]);
    const created = recording.one(T.job);
    expect(created.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identityId] });
    expect(created.inputs.configuration.registries).toEqual([{ server: "contoso.azurecr.io", identity: identityId }]);
    expect(recording.ofType(T.grant).map((grant) => [grant.inputs.scope, grant.inputs.principalId])).toEqual(
      expect.arrayContaining([
        [REGISTRY_ID, "principal"],
        [OTHER_REGISTRY_ID, "principal"],
      ]),
    );
  });

  it("pulls a public mcr.microsoft.com image without registry settings", async () => {
    const recording = await job({ image: DIGEST_REF });
    expect(recording.one(T.job).inputs.configuration.registries).toEqual([]);
  });

  it("names no workload profile in a consumption-only environment", async () => {
    const recording = await job({ image: IMAGE, platform: { ...platformStack(), environmentKind: "consumption-only" } });
    expect(recording.one(T.job).inputs.workloadProfileName).toBeUndefined();
  });
});

describe("ContainerAppJob on a platform of the same program", () => {
  it("builds its image, pushes it to the platform's registry and runs it by digest, pulled with its identity", async () => {
    const recording = await jobOnPlatform({ cronExpression: "30 1 * * *" });
    expect(recording.ofType(T.image)).toHaveLength(1);
    const created = recording.one(T.job);
    const loginServer = `${String(recording.one(T.registry).inputs.registryName).toLowerCase()}.azurecr.io`;
    expect(created.inputs.template.containers[0].image).toMatch(new RegExp(`^${loginServer.replace(/\./g, "\\.")}/reports@sha256:[0-9a-f]{64}$`));
    expect(created.inputs.configuration.registries).toEqual([{ server: loginServer, identity: recording.named("reports-id").id }]);
    expect(created.propertyDependencies.environmentId).toEqual([recording.one(T.environment).urn]);
    expect(recording.named("reports-acrpull").propertyDependencies.scope).toEqual([recording.one(T.registry).urn]);
  });

  it("registers the same resources in a preview, where the registry's login server and the digest are not known yet", async () => {
    const update = await jobOnPlatform({ cronExpression: "30 1 * * *" });
    const preview = await jobOnPlatform({ cronExpression: "30 1 * * *" }, { preview: true });
    expect(preview.typeCounts()).toEqual(update.typeCounts());
    expect(preview.one(T.job).dependencies).toEqual(expect.arrayContaining(preview.ofType(T.grant).map((grant) => grant.urn)));
  });

  it("runs on a Dedicated profile of the environment, where the Consumption cpu/memory pairs do not apply", async () => {
    const recording = await jobOnPlatform({ image: DIGEST_REF, workloadProfileName: "batch", cpu: 2, memory: "8Gi" });
    expect(recording.one(T.job).inputs).toMatchObject({ workloadProfileName: "batch", template: { containers: [{ resources: { cpu: 2, memory: "8Gi" } }] } });
  });

  it("passes every mandatory rule of the policy pack, next to its platform", async () => {
    const recording = await jobOnPlatform({
      cronExpression: "0 3 * * *",
      secrets: [SECRET],
      keyVaultIds: [VAULT_ID],
    });
    const verdict = await evaluate(recording.resources, { packDir: path.join(ROOT, "policies"), env: { PULUMI_ACA_BASELINE: "public" }, startTimeoutMs: 170_000 });
    const judged = verdict.resources.find((resource) => resource.type === T.job)!;
    expect(judged.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory")).toEqual([]);
    expect(verdict.mandatory.map((diagnostic) => `${diagnostic.policyName}: ${diagnostic.message}`)).toEqual([]);
    expect(verdict.passed).toBe(true);
  }, 240_000);

  it.each<[string, Partial<ContainerAppJobArgs>, string]>([
    ["a cron expression of six fields", { cronExpression: "0 0 2 * * *" }, 'Invalid `cronExpression`: "0 0 2 * * *"; must be a cron expression of five fields'],
    ["an hour out of range", { cronExpression: "0 24 * * *" }, 'the hour field "24" must be *, or values 0-23'],
    ["a schedule on a manual job", { triggerType: "Manual", cronExpression: "0 2 * * *" }, 'only the "Schedule" trigger has (triggerType is "Manual")'],
    ["a scheduled job without a schedule", { triggerType: "Schedule" }, 'Invalid `cronExpression`: undefined; the "Schedule" trigger needs a cron expression'],
    ["an event-driven job without scale rules", { eventTrigger: { rules: [] } }, "Invalid `eventTrigger.rules`: []; an event-driven job needs at least one scale rule"],
    [
      "a scale rule name ARM rejects",
      { eventTrigger: { rules: [{ name: "Queue Length", type: "azure-queue", metadata: { queueName: "q" } }] } },
      'Invalid `eventTrigger.rules[0].name`: "Queue Length"; must be lowercase letters, digits',
    ],
    [
      "a scale rule reading a secret the job does not have",
      { eventTrigger: { rules: [{ name: "orders", type: "azure-servicebus", metadata: { queueName: "orders" }, auth: [{ secretRef: "missing", triggerParameter: "connection" }] }] } },
      'Invalid `eventTrigger.rules[0].auth[0].secretRef`: "missing"; must name one of the job\'s secrets',
    ],
    ["fewer most executions than fewest", { eventTrigger: { rules: [{ name: "q", type: "azure-queue", metadata: { queueName: "q" } }], minExecutions: 5, maxExecutions: 2 } }, "Invalid `eventTrigger.maxExecutions`: 2; must be an integer from 5"],
    ["a replica timeout of zero", { replicaTimeout: 0 }, "Invalid `replicaTimeout`: 0; must be an integer from 1"],
    ["a negative retry limit", { replicaRetryLimit: -1 }, "Invalid `replicaRetryLimit`: -1; must be an integer from 0"],
    ["cpu and memory that do not pair on Consumption", { cpu: 1, memory: "1Gi" }, "Invalid `memory`: \"1Gi\"; ACA's Consumption profile pairs 1 cores with 2Gi"],
    ["an inline secret value", { secrets: [{ name: "token", value: "hunter2" } as never] }, "Invalid `secrets[0].value`: \"<redacted>\"; inline secret values are not accepted"],
    ["an image from a registry it does not pull from", { image: `elsewhere.azurecr.io/reports@sha256:${"d".repeat(64)}` }, "comes from registry elsewhere.azurecr.io, which the app does not pull from"],
    ["a workload profile the environment lacks", { workloadProfileName: "gpu" }, 'Invalid `workloadProfileName`: "gpu"; the platform\'s environment has the profiles Consumption, batch'],
    ["a job name Azure rejects", { names: { job: "Reports_Job" } }, 'Invalid `names.job`: "Reports_Job"'],
    ["an unknown trigger type", { triggerType: "Webhook" as never }, 'Invalid `triggerType`: "Webhook"; must be one of Manual, Schedule, Event'],
  ])("refuses %s before registering anything of the job", async (_case, args, message) => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppJob } = await import("../../components/job");
      const platform = new ContainerAppsPlatform("team", { workloadProfiles: [{ name: "batch", workloadProfileType: "D4", minimumCount: 0, maximumCount: 2 }] });
      new ContainerAppJob("reports", { platform, image: DIGEST_REF, ...args });
    });
    expect(error.message).toContain(message);
    expect(error.recording.resources.filter((resource) => resource.type.startsWith("pulumi-aca:index:ContainerAppJob") || resource.type === T.job)).toEqual([]);
  });

  it("refuses two jobs with one job name in one group", async () => {
    const error = await programFailure(async () => {
      const { ContainerAppsPlatform } = await import("../../components/platform");
      const { ContainerAppJob } = await import("../../components/job");
      const platform = new ContainerAppsPlatform("team", {});
      new ContainerAppJob("reports", { platform, image: DIGEST_REF, names: { job: "caj-nightly" } });
      new ContainerAppJob("exports", { platform, image: DIGEST_REF, names: { job: "caj-nightly" } });
    });
    expect(error.message).toContain('Invalid `names.job`: "caj-nightly"; ContainerAppJob reports already uses this container apps job name');
  });
});

describe("ContainerAppJob args given as Outputs (another stack's, another resource's)", () => {
  type JobArgs = Omit<ContainerAppJobArgs, "platform">;

  it.each<[string, (given: Given) => JobArgs, (result: CheckedJobArgs) => Array<pulumi.Input<unknown>>, string]>([
    ["names.job", (given) => ({ image: IMAGE, names: { job: given("Reports") } }), (result) => [result.names.job], 'Invalid `names.job`: "Reports"'],
    ["names.identity", (given) => ({ image: IMAGE, names: { identity: given("id") } }), (result) => [result.names.identity], 'Invalid `names.identity`: "id"'],
    ["cpu", (given) => ({ image: IMAGE, cpu: given(0.3), memory: "0.6Gi" }), (result) => [result.settings.resources], "Invalid `cpu`: 0.3; must be one of 0.25, 0.5"],
    ["memory", (given) => ({ image: IMAGE, cpu: 1, memory: given("1Gi") }), (result) => [result.settings.resources], 'Invalid `memory`: "1Gi"; ACA\'s Consumption profile pairs 1 cores with 2Gi'],
    [
      "pullRegistries[].server",
      (given) => ({ image: `contoso.azurecr.io/reports@sha256:${"b".repeat(64)}`, pullRegistries: [{ server: given("contoso.azurecr.io/reports"), registryId: OTHER_REGISTRY_ID }] }),
      (result) => [result.image, ...result.pullRegistries.map((registry) => registry.server)],
      'Invalid `pullRegistries[0].server`: "contoso.azurecr.io/reports"; must be a registry login server',
    ],
  ])("refuses a bad %s before registering anything when known, and as an Output fails what it feeds with the same error", async (_field, args, fed, message) => {
    const known = await refusedBeforeRegistering(async () => {
      const { ContainerAppJob } = await import("../../components/job");
      new ContainerAppJob("reports", { platform: platformStack(), ...args(KNOWN_NOW) });
    }, message);
    const { checkJobArgs } = await import("../../components/job");
    await expectFailsOnceKnown(fed(checkJobArgs("reports", { platform: platformStack(), ...args(KNOWN_LATER) })), known);
  });

  it("names the job and its identity after Outputs, and sizes it and places it on a profile from Outputs", async () => {
    const recording = await job({
      image: IMAGE,
      names: { job: KNOWN_LATER("caj-reports"), identity: KNOWN_LATER("id-reports") },
      cpu: KNOWN_LATER(1),
      memory: KNOWN_LATER("2Gi"),
      workloadProfileName: KNOWN_LATER("batch"),
      serviceName: KNOWN_LATER("reports"),
    });
    const created = recording.one(T.job);
    expect(created.inputs).toMatchObject({ jobName: "caj-reports", workloadProfileName: "batch" });
    expect(created.inputs.template.containers[0].resources).toEqual({ cpu: 1, memory: "2Gi" });
    expect(created.inputs.template.containers[0].env).toContainEqual({ name: "OTEL_SERVICE_NAME", value: "reports" });
    expect(recording.one(T.identity).inputs.resourceName).toBe("id-reports");
  });
});
