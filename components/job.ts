import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type * as inputs from "@pulumi/azure-native/types/input";
import { ContainerResources, checkSecretsAndEnv, checkedResources, containerEnv, keyVaultSecretRefs } from "./containerApp";
import { checkedName, generateName } from "./naming";
import { PlatformFacts, factsOf, platformTags } from "./platform";
import {
  PullRegistry,
  WorkloadArgs,
  WorkloadOptions,
  checkPlatformGiven,
  checkWorkloadPlacement,
  claimWorkloadNames,
  createWorkloadIdentity,
  dependenciesOf,
  provideWorkloadImage,
  resolveWorkloadNames,
  workloadNamesToPassOn,
} from "./service";
import { ValidationError, checkCronExpression, checkInteger, checkOneOf } from "./validation";

export const JOB_TYPE = "pulumi-aca:index:ContainerAppJob";

/** What starts an execution of the job (`configuration.triggerType`). */
export const JobTriggerType = {
  /** On demand: `az containerapp job start`, or a POST to the job's `start` operation. */
  Manual: "Manual",
  /** On a cron schedule, evaluated in UTC. */
  Schedule: "Schedule",
  /** When a KEDA scale rule sees work waiting (queue messages, events). */
  Event: "Event",
} as const;

export type JobTriggerType = (typeof JobTriggerType)[keyof typeof JobTriggerType];

export const JOB_TRIGGER_TYPES: readonly JobTriggerType[] = ["Manual", "Schedule", "Event"];

/** A scale rule parameter read from one of the job's Key Vault secrets. */
export interface JobScaleRuleAuth {
  /** The name of a secret in `secrets`. */
  secretRef: string;
  /** The scaler's parameter that takes the secret, e.g. `connection`. */
  triggerParameter: string;
}

/**
 * A KEDA scale rule that starts executions. Without `auth`, the rule authenticates with the job's user-assigned
 * identity, which must hold a data role on the source (e.g. Storage Queue Data Reader on a queue's account,
 * Azure Service Bus Data Receiver on a namespace).
 */
export interface JobScaleRule {
  /** The rule's name, unique within the job. */
  name: string;
  /** The KEDA scaler, e.g. `azure-queue` or `azure-servicebus`. */
  type: string;
  /** The scaler's settings, e.g. `{ accountName, queueName, queueLength }` for `azure-queue`. */
  metadata: Record<string, string>;
  /** Parameters read from secrets instead of the identity. Default none: the job's identity authenticates. */
  auth?: JobScaleRuleAuth[];
}

/** How an event-driven job polls its sources and how many executions it starts. */
export interface JobEventTrigger {
  /** The scale rules that start executions; at least one. */
  rules: JobScaleRule[];
  /** Fewest executions started per polling interval. Default 0. */
  minExecutions?: number;
  /** Most executions started per polling interval, ≥ minExecutions. Default 100. */
  maxExecutions?: number;
  /** Seconds between two checks of each source. Default 30. */
  pollingInterval?: number;
}

/**
 * Azure names of what a job creates; each defaults to one generated from the prefix. Each may be an Output:
 * checked against Azure's rule once known, with the same error, and left out of the duplicate-name check.
 */
export interface ContainerAppJobNames {
  /** Container Apps job. Default `caj-<prefix>-<stack>`. */
  job?: pulumi.Input<string>;
  /** User-assigned identity (when created). Default `id-<prefix>-<stack>`. */
  identity?: pulumi.Input<string>;
  /** Image repository in the platform's registry. Default `<prefix>`. */
  imageRepository?: pulumi.Input<string>;
}

export interface ContainerAppJobArgs extends WorkloadArgs {
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  names?: ContainerAppJobNames;
  /** What starts an execution. Default "Schedule" with `cronExpression`, "Event" with `eventTrigger`, else "Manual". */
  triggerType?: JobTriggerType;
  /** Five-field cron expression in UTC, e.g. "0 2 * * *"; only with the "Schedule" trigger, which needs it. */
  cronExpression?: string;
  /** Scale rules and execution limits; only with the "Event" trigger, which needs them. */
  eventTrigger?: JobEventTrigger;
  /** Seconds a replica may run before it is stopped and counted as failed, ≥ 1. Default 1800. */
  replicaTimeout?: number;
  /** Retries of a failed replica before the execution fails, ≥ 0. Default 0. */
  replicaRetryLimit?: number;
  /** Replicas an execution runs at once, ≥ 1. Default 1. */
  parallelism?: number;
  /** Replicas that must succeed for the execution to succeed, ≥ 1. Default 1. */
  replicaCompletionCount?: number;
  /**
   * CPU cores, 0.25–4 in 0.25 steps. Default 0.5. Must pair with `memory` (2 GiB per core) on Consumption. An
   * Output is checked once known, with the same error.
   */
  cpu?: pulumi.Input<number>;
  /** Memory, 2 GiB per core ("1Gi" for 0.5). Default "1Gi". An Output is checked once known, with the same error. */
  memory?: pulumi.Input<string>;
  /** The workload profile the job runs on. Default "Consumption" (none in a consumption-only environment). An Output is checked once known. */
  workloadProfileName?: pulumi.Input<string>;
  /** The container's command, replacing the image's entrypoint. Default: the image's. */
  command?: string[];
  /** Arguments to the command. Default: the image's. */
  args?: string[];
  /** Plain environment variables (no secrets: use `secrets`). Default none. */
  env?: Record<string, pulumi.Input<string>>;
}

/** TypeScript-only options: functions cannot cross into other languages, so they stay out of the args. */
export type ContainerAppJobOptions = WorkloadOptions;

/** Variables the job sets itself. */
export const JOB_ENV = ["OTEL_SERVICE_NAME", "SERVICE_VERSION", "AZURE_CLIENT_ID"] as const;

/** The job's settings with every default filled in. */
export interface JobSettings {
  readonly triggerType: JobTriggerType;
  readonly replicaTimeout: number;
  readonly replicaRetryLimit: number;
  readonly parallelism: number;
  readonly replicaCompletionCount: number;
  /** cpu and memory, checked as a pair now or, when either or the profile is an Output, once known. */
  readonly resources: pulumi.Input<ContainerResources>;
}

/** The Azure names a job uses: explicit ones validated, the rest generated. */
export function resolveJobNames(name: string, args: Pick<ContainerAppJobArgs, "namePrefix" | "names">, stack: string = pulumi.getStack()) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  return {
    job: names.job ?? generateName("containerAppJob", base, { stack }),
    ...resolveWorkloadNames(base, names, stack),
  };
}

export type JobNames = ReturnType<typeof resolveJobNames>;

/** What the checks resolve. */
export interface CheckedJobArgs {
  readonly names: JobNames;
  readonly tags: Record<string, string>;
  readonly settings: JobSettings;
  readonly workloadProfileName: pulumi.Input<string | undefined>;
  /** The image reference, checked now or once known; undefined when the job builds it. */
  readonly image?: pulumi.Input<string>;
  readonly facts?: PlatformFacts;
  /** `pullRegistries`, each server and id checked now or once known. */
  readonly pullRegistries: PullRegistry[];
}

/** Integers in the API are int32 (`format: int32` in the ContainerApps API's Jobs.json). */
const INT32_MAX = 2_147_483_647;

/** The trigger the args ask for: explicit, or the one whose settings are given. */
function triggerTypeOf(args: ContainerAppJobArgs): JobTriggerType {
  const triggerType = args.triggerType ?? (args.cronExpression !== undefined ? "Schedule" : args.eventTrigger !== undefined ? "Event" : "Manual");
  checkOneOf("triggerType", triggerType, JOB_TRIGGER_TYPES);
  if (triggerType === "Schedule" && args.cronExpression === undefined) {
    throw new ValidationError("cronExpression", undefined, 'the "Schedule" trigger needs a cron expression, e.g. "0 2 * * *"');
  }
  if (triggerType !== "Schedule" && args.cronExpression !== undefined) {
    throw new ValidationError("cronExpression", args.cronExpression, `sets a schedule, which only the "Schedule" trigger has (triggerType is "${triggerType}")`);
  }
  if (triggerType === "Event" && args.eventTrigger === undefined) {
    throw new ValidationError("eventTrigger", undefined, 'the "Event" trigger needs `eventTrigger` with at least one scale rule');
  }
  if (triggerType !== "Event" && args.eventTrigger !== undefined) {
    throw new ValidationError("eventTrigger", "{…}", `sets scale rules, which only the "Event" trigger has (triggerType is "${triggerType}")`);
  }
  return triggerType;
}

function checkEventTrigger(trigger: JobEventTrigger, secretNames: readonly string[]): void {
  if (!Array.isArray(trigger.rules) || trigger.rules.length === 0) {
    throw new ValidationError("eventTrigger.rules", trigger.rules, "an event-driven job needs at least one scale rule to start executions");
  }
  const minExecutions = trigger.minExecutions ?? 0;
  checkInteger("eventTrigger.minExecutions", minExecutions, 0, INT32_MAX);
  checkInteger("eventTrigger.maxExecutions", trigger.maxExecutions ?? 100, Math.max(1, minExecutions), INT32_MAX);
  checkInteger("eventTrigger.pollingInterval", trigger.pollingInterval ?? 30, 1, INT32_MAX);
  const ruleNames = new Set<string>();
  trigger.rules.forEach((rule, index) => {
    const field = `eventTrigger.rules[${index}]`;
    // ARM's rule for scale rule names, from its 400 ContainerAppInvalidPropertyValue on `rules.name`
    // (https://github.com/DFE-Digital/terraform-azurerm-container-apps-hosting/pull/96).
    if (typeof rule.name !== "string" || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(rule.name)) {
      throw new ValidationError(`${field}.name`, rule.name, "must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    if (ruleNames.has(rule.name)) throw new ValidationError(`${field}.name`, rule.name, "scale rule names must be unique");
    ruleNames.add(rule.name);
    if (typeof rule.type !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(rule.type)) {
      throw new ValidationError(`${field}.type`, rule.type, "must name a KEDA scaler, such as azure-queue or azure-servicebus");
    }
    const metadata = rule.metadata ?? {};
    if (Object.keys(metadata).length === 0 || Object.values(metadata).some((value) => typeof value !== "string")) {
      throw new ValidationError(`${field}.metadata`, rule.metadata, "must give the scaler's settings as strings, e.g. { queueName: \"orders\", queueLength: \"5\" }");
    }
    (rule.auth ?? []).forEach((auth, authIndex) => {
      if (!secretNames.includes(auth.secretRef)) {
        throw new ValidationError(`${field}.auth[${authIndex}].secretRef`, auth.secretRef, `must name one of the job's secrets (${secretNames.join(", ") || "none declared"})`);
      }
      if (typeof auth.triggerParameter !== "string" || auth.triggerParameter.length === 0) {
        throw new ValidationError(`${field}.auth[${authIndex}].triggerParameter`, auth.triggerParameter, "must name the scaler parameter the secret fills, e.g. connection");
      }
    });
  });
}

/**
 * Checks everything the job takes and fills in the defaults. Throws a ValidationError naming the field, the value
 * and the rule before anything is registered; values known only later are checked inside `apply` with the same
 * error.
 */
export function checkJobArgs(name: string, args: ContainerAppJobArgs): CheckedJobArgs {
  checkPlatformGiven(args.platform, "a job");
  const resolvedNames = resolveJobNames(name, args);
  const names = { ...workloadNamesToPassOn(resolvedNames, args), job: checkedName("containerAppJob", "names.job", resolvedNames.job) };
  const tags = platformTags(args.tags);
  const facts = factsOf(args.platform);
  const { workloadProfileName, pullRegistries, image } = checkWorkloadPlacement(args, names, facts);

  const triggerType = triggerTypeOf(args);
  if (args.cronExpression !== undefined) checkCronExpression("cronExpression", args.cronExpression);
  if (args.eventTrigger !== undefined) checkEventTrigger(args.eventTrigger, (args.secrets ?? []).map((secret) => secret.name));
  const settings: JobSettings = {
    triggerType,
    replicaTimeout: args.replicaTimeout ?? 1800,
    replicaRetryLimit: args.replicaRetryLimit ?? 0,
    parallelism: args.parallelism ?? 1,
    replicaCompletionCount: args.replicaCompletionCount ?? 1,
    // Dedicated profiles take any size their nodes fit; the pairs are the Consumption profile's, as for a service.
    // The requested profile decides, even while the environment's kind is not known yet.
    resources: checkedResources(args.cpu ?? 0.5, args.memory ?? "1Gi", args.workloadProfileName),
  };
  checkInteger("replicaTimeout", settings.replicaTimeout, 1, INT32_MAX);
  checkInteger("replicaRetryLimit", settings.replicaRetryLimit, 0, INT32_MAX);
  checkInteger("parallelism", settings.parallelism, 1, INT32_MAX);
  checkInteger("replicaCompletionCount", settings.replicaCompletionCount, 1, INT32_MAX);
  checkSecretsAndEnv(args.secrets, { ...Object.fromEntries(JOB_ENV.map((key) => [key, ""])), ...args.env });
  return { names, tags, settings, workloadProfileName, image, facts, pullRegistries };
}

/** Claims the job's Azure names, so a second component of the program cannot take the same ones. */
export function claimJobNames(name: string, args: ContainerAppJobArgs, checked: CheckedJobArgs): void {
  claimWorkloadNames(args, checked, `ContainerAppJob ${name}`, { kind: "container apps job", field: "names.job", name: checked.names.job });
}

/** The job's trigger settings: `manualTriggerConfig`, `scheduleTriggerConfig` or `eventTriggerConfig`. */
function triggerConfiguration(args: ContainerAppJobArgs, settings: JobSettings, identityId: pulumi.Input<string>): Partial<inputs.app.JobConfigurationArgs> {
  const replicas = { parallelism: settings.parallelism, replicaCompletionCount: settings.replicaCompletionCount };
  if (settings.triggerType === "Schedule") return { scheduleTriggerConfig: { ...replicas, cronExpression: args.cronExpression! } };
  if (settings.triggerType === "Manual") return { manualTriggerConfig: replicas };
  const trigger = args.eventTrigger!;
  return {
    eventTriggerConfig: {
      ...replicas,
      scale: {
        minExecutions: trigger.minExecutions ?? 0,
        maxExecutions: trigger.maxExecutions ?? 100,
        pollingInterval: trigger.pollingInterval ?? 30,
        rules: trigger.rules.map((rule) => ({
          name: rule.name,
          type: rule.type,
          metadata: rule.metadata,
          // A rule without secrets authenticates with the job's user-assigned identity
          // (https://learn.microsoft.com/azure/container-apps/managed-identity#scale-rules).
          ...(rule.auth !== undefined && rule.auth.length > 0
            ? { auth: rule.auth.map((auth) => ({ secretRef: auth.secretRef, triggerParameter: auth.triggerParameter })) }
            : { identity: identityId }),
        })),
      },
    },
  };
}

/**
 * One job on a platform (https://learn.microsoft.com/azure/container-apps/jobs): its user-assigned identity (or an
 * existing one), granted AcrPull on the registry it pulls from and Key Vault Secrets User and Storage Blob Data
 * Contributor on the vaults and accounts it is given, all before the job exists; its image, built and pushed or a
 * ready reference by digest; and the Container Apps job, started by hand, on a cron schedule or by KEDA scale
 * rules, with no ingress. The platform is a `ContainerAppsPlatform` of the same program or the ids of one.
 */
export class ContainerAppJob extends pulumi.ComponentResource {
  /** The job's Azure name. */
  readonly jobName: pulumi.Output<string>;
  /** Resource id of the job (what `az containerapp job start` and role grants name). */
  readonly jobId: pulumi.Output<string>;
  /** The image the job runs, `<registry>/<repository>@sha256:…`. */
  readonly imageRef: pulumi.Output<string>;
  /** Resource id of the user-assigned identity (image pulls, secrets, scale rules). */
  readonly identityId: pulumi.Output<string>;
  /** Principal (object) id of the user-assigned identity, for more role grants (e.g. on the queue a scale rule reads). */
  readonly identityPrincipalId: pulumi.Output<string>;
  /** Client id of the user-assigned identity (AZURE_CLIENT_ID). */
  readonly identityClientId: pulumi.Output<string>;
  /** Principal id of the job's system-assigned identity; empty without one. */
  readonly jobPrincipalId: pulumi.Output<string>;

  constructor(name: string, args: ContainerAppJobArgs, opts: ContainerAppJobOptions = {}) {
    // Everything known is checked before the component or any child is registered.
    const checked = checkJobArgs(name, args);
    claimJobNames(name, args, checked);
    const { exchangeToken, ...resourceOptions } = opts;
    super(JOB_TYPE, name, {}, resourceOptions);
    const child = { parent: this };
    const { names, tags, settings } = checked;
    const platform = args.platform;
    const placement = { resourceGroupName: platform.resourceGroupName, location: platform.location, tags };

    const checkedArgs = { ...args, pullRegistries: checked.pullRegistries };
    const { identityId, principalId, clientId, grants } = createWorkloadIdentity(name, checkedArgs, names.identity, placement, child);
    const { imageRef, pullRegistries } = provideWorkloadImage(name, checkedArgs, checked, names.imageRepository, identityId, { ...child, exchangeToken });
    const hasDataRoles = (args.keyVaultIds?.length ?? 0) + (args.storageAccountIds?.length ?? 0) > 0;
    const env = {
      OTEL_SERVICE_NAME: args.serviceName ?? names.job,
      SERVICE_VERSION: pulumi.output(args.serviceVersion ?? imageRef),
      // The SDKs' DefaultAzureCredential picks the user-assigned identity by its client id.
      ...(hasDataRoles ? { AZURE_CLIENT_ID: clientId } : {}),
      ...args.env,
    };

    const job = new app.Job(
      `${name}-job`,
      {
        ...placement,
        jobName: names.job,
        environmentId: platform.environmentId,
        workloadProfileName: checked.workloadProfileName as pulumi.Input<string>,
        // User-assigned pulls the image and reads secrets: it holds its roles before the job exists.
        identity: { type: args.identity?.systemAssigned === false ? "UserAssigned" : "SystemAssigned,UserAssigned", userAssignedIdentities: [identityId] },
        configuration: {
          triggerType: settings.triggerType,
          replicaTimeout: settings.replicaTimeout,
          replicaRetryLimit: settings.replicaRetryLimit,
          ...triggerConfiguration(args, settings, identityId),
          registries: pullRegistries,
          secrets: keyVaultSecretRefs(args.secrets, identityId),
        },
        template: {
          containers: [
            {
              name: "job",
              image: imageRef,
              command: args.command,
              args: args.args,
              resources: settings.resources,
              env: containerEnv(env, args.secrets),
            },
          ],
        },
      },
      { parent: this, dependsOn: [...grants, ...dependenciesOf(resourceOptions.dependsOn)] },
    );

    this.jobName = job.name;
    this.jobId = job.id;
    this.imageRef = imageRef;
    this.identityId = identityId;
    this.identityPrincipalId = principalId;
    this.identityClientId = clientId;
    this.jobPrincipalId = job.identity.apply((value) => value?.principalId ?? "");
    this.registerOutputs({
      jobName: this.jobName,
      jobId: this.jobId,
      imageRef: this.imageRef,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
      identityClientId: this.identityClientId,
      jobPrincipalId: this.jobPrincipalId,
    });
  }
}
