import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type * as inputs from "@pulumi/azure-native/types/input";
import { CONSUMPTION_PROFILE } from "./environment";
import { knownValue } from "./inputs";
import { checkNameIfKnown, checkedName } from "./naming";
import { ENVIRONMENT_KINDS, type EnvironmentKind } from "./subnets";
import {
  TrafficWeight,
  ValidationError,
  checkConcurrency,
  checkCpuMemory,
  checkEnvNames,
  checkHttpPath,
  checkInteger,
  checkKeyVaultSecretUrl,
  checkOneOf,
  checkPort,
  checkReplicas,
  checkSecretName,
  checkTerminationGracePeriod,
  checkTrafficWeights,
} from "./validation";

/**
 * One HTTP probe's settings; unset fields keep the defaults. The ranges are the ContainerApps API's
 * (`ContainerAppProbe` in azure-rest-api-specs, specification/app/resource-manager/Microsoft.App,
 * CommonDefinitions.json of 2025-02-02-preview, the version azure-native 3.28 pins): initialDelaySeconds 1–60,
 * periodSeconds and timeoutSeconds 1–240, failureThreshold and successThreshold 1–10, successThreshold 1 for
 * liveness and startup.
 */
export interface ProbeSettings {
  /** HTTP path; 200–399 passes. */
  readonly path?: string;
  /** Seconds before the first probe, 1–60. */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes, 1–240. */
  readonly periodSeconds?: number;
  /** Seconds before a probe times out, 1–240. */
  readonly timeoutSeconds?: number;
  /** Consecutive failures before acting, 1–10. */
  readonly failureThreshold?: number;
  /** Consecutive successes to pass again, 1–10 (must be 1 for liveness and startup). */
  readonly successThreshold?: number;
}

/** Liveness, readiness and startup probes; each overrides the matching default field by field. */
export interface ProbesArgs {
  readonly liveness?: ProbeSettings;
  readonly readiness?: ProbeSettings;
  readonly startup?: ProbeSettings;
}

type ProbeType = "Liveness" | "Readiness" | "Startup";

/**
 * Liveness on /health restarts a wedged process; readiness on /ready takes a replica out of rotation while
 * it drains; the startup probe gives a cold start up to 1 + 10 × 3 s before liveness begins.
 */
export const DEFAULT_PROBES: Readonly<Record<"liveness" | "readiness" | "startup", Required<ProbeSettings>>> = {
  liveness: { path: "/health", initialDelaySeconds: 1, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  readiness: { path: "/ready", initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  startup: { path: "/health", initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 10, successThreshold: 1 },
};

/** A secret the app reads from Key Vault through its user-assigned identity; never an inline value. */
export interface KeyVaultSecretArgs {
  /** The Container Apps secret name (lowercase letters, digits, hyphens). */
  readonly name: string;
  /** Key Vault secret URL, `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`. */
  readonly keyVaultUrl: pulumi.Input<string>;
  /** Environment variable that receives the secret (by secretRef). Default: none. */
  readonly env?: string;
}

/** How the Dapr sidecar talks to the app. */
export const DaprAppProtocol = { Http: "http", Grpc: "grpc" } as const;

export type DaprAppProtocol = (typeof DaprAppProtocol)[keyof typeof DaprAppProtocol];

/** Dapr sidecar settings. */
export interface DaprArgs {
  /** Dapr app id; default: the container app's name. */
  readonly appId?: string;
  /** Port the app listens on for Dapr; default: the ingress target port. */
  readonly appPort?: number;
  /** "http" (default) or "grpc". */
  readonly appProtocol?: DaprAppProtocol;
  /** Log every Dapr API call. Default false. */
  readonly enableApiLogging?: boolean;
}

/**
 * How the app runs: port, size, scale, probes, shutdown, Dapr and revisions. The container app block takes
 * these, and so do both components, with the same defaults and rules.
 */
export interface ContainerAppSettings {
  /** Port the container listens on, 1–65535. Default 8000. */
  readonly targetPort?: number;
  /**
   * CPU cores, 0.25–4 in 0.25 steps. Default 0.5. Must pair with `memory` (2 GiB per core) on the Consumption
   * profile. An Output (a stack reference, config read as an Output) is checked once known, with the same error.
   */
  readonly cpu?: pulumi.Input<number>;
  /** Memory, 2 GiB per core ("1Gi" for 0.5). Default "1Gi". An Output is checked once known, with the same error. */
  readonly memory?: pulumi.Input<string>;
  /**
   * Fewest replicas (0 scales to zero). Default 0, or {@link ZONE_REDUNDANT_MIN_REPLICAS} in a zone-redundant
   * environment, where fewer replicas than zones leave a zone outage nothing to fail over to.
   */
  readonly minReplicas?: number;
  /** Most replicas, ≥ minReplicas, ≤ 1000. Default 3 (or minReplicas when that is larger). */
  readonly maxReplicas?: number;
  /** Concurrent HTTP requests per replica before scaling out, ≥ 1. Default 100. */
  readonly concurrency?: number;
  /** Plain environment variables (no secrets: use `secrets`). Default none. */
  readonly env?: Record<string, pulumi.Input<string>>;
  /** Probe overrides. Default {@link DEFAULT_PROBES}: liveness /health, readiness /ready, startup /health. */
  readonly probes?: ProbesArgs;
  /** Seconds between SIGTERM and SIGKILL, 0–600. Default 30. */
  readonly terminationGracePeriodSeconds?: number;
  /** Dapr sidecar. Default off. */
  readonly dapr?: DaprArgs;
  /** Traffic split between revisions (weights sum to 100); turns on multiple revision mode. Default none. */
  readonly traffic?: TrafficWeight[];
  /** Suffix of the revision this deployment creates (lets `traffic` name it). Default: generated by Azure. */
  readonly revisionSuffix?: string;
}

/** {@link ContainerAppSettings} with every default filled in (`env` aside: callers add their own variables). */
export interface ResolvedContainerAppSettings
  extends Required<Pick<ContainerAppSettings, "targetPort" | "cpu" | "memory" | "minReplicas" | "maxReplicas" | "concurrency" | "terminationGracePeriodSeconds">>,
    Pick<ContainerAppSettings, "probes" | "dapr" | "traffic" | "revisionSuffix"> {}

/**
 * Replicas an app keeps by default in a zone-redundant environment: one per zone of a three-zone region.
 * Zone redundancy "only provides benefits when you have 2 or more replicas, with 3 or more being ideal"
 * (https://learn.microsoft.com/en-us/azure/reliability/reliability-azure-container-apps).
 */
export const ZONE_REDUNDANT_MIN_REPLICAS = 3;

/**
 * The settings with their defaults; `validateContainerAppArgs` checks them. In a zone-redundant environment
 * the app keeps {@link ZONE_REDUNDANT_MIN_REPLICAS} replicas unless `minReplicas` says otherwise.
 */
export function resolveContainerAppSettings(settings: ContainerAppSettings, environment: { zoneRedundant?: boolean } = {}): ResolvedContainerAppSettings {
  const zoneDefault = Math.min(ZONE_REDUNDANT_MIN_REPLICAS, settings.maxReplicas ?? ZONE_REDUNDANT_MIN_REPLICAS);
  const minReplicas = settings.minReplicas ?? (environment.zoneRedundant ? zoneDefault : 0);
  return {
    targetPort: settings.targetPort ?? 8000,
    cpu: settings.cpu ?? 0.5,
    memory: settings.memory ?? "1Gi",
    minReplicas,
    maxReplicas: settings.maxReplicas ?? Math.max(3, minReplicas),
    concurrency: settings.concurrency ?? 100,
    probes: settings.probes,
    terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds ?? 30,
    dapr: settings.dapr,
    traffic: settings.traffic,
    revisionSuffix: settings.revisionSuffix,
  };
}

export interface ContainerAppArgs extends ContainerAppSettings {
  /** Resource group of the app. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region; default: the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** The app's Azure name (2-32 lowercase letters, digits, hyphens); an Output is checked once known. */
  readonly containerAppName: pulumi.Input<string>;
  /** The ManagedEnvironment's id. */
  readonly environmentId: pulumi.Input<string>;
  /**
   * The kind of that environment: "workload-profiles" (default) runs the app on its Consumption profile;
   * "consumption-only" (legacy) has no profiles, so the app names none.
   */
  readonly environmentKind?: EnvironmentKind;
  /** The image, by digest. */
  readonly image: pulumi.Input<string>;
  /** Login server of the registry the image comes from, pulled with `identityId`. */
  readonly registryServer?: pulumi.Input<string>;
  /** The app's pull settings, when they are worked out later than `registryServer` allows. Overrides `registryServer`. */
  readonly pullRegistries?: pulumi.Input<inputs.app.RegistryCredentialsArgs[]>;
  /** Give the app a system-assigned identity too, for its own data access. Default true. */
  readonly systemAssigned?: boolean;
  /** Expose the app through ingress. False: a worker with no endpoint and no HTTP scale rule. Default true. */
  readonly ingressEnabled?: boolean;
  /** The workload profile the app runs on. Default: Consumption in a workload-profiles environment. */
  readonly workloadProfileName?: pulumi.Input<string>;
  /**
   * Resource id of the user-assigned identity that pulls the image and reads Key Vault secrets; it must hold
   * its roles before the app exists (see `dependsOn`).
   */
  readonly identityId: pulumi.Input<string>;
  /** Resources the app must wait for: the AcrPull (and Key Vault) role assignments. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Ingress reachable from the internet (true, default) or only inside the environment's network. */
  readonly external?: boolean;
  /** Key Vault references exposed as secrets and, optionally, environment variables. Default none. */
  readonly secrets?: readonly KeyVaultSecretArgs[];
  /** Container name inside the app. Default "app". */
  readonly containerName?: string;
  /** Tags for the app. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The app and what callers read from it. */
export interface CreatedContainerApp {
  readonly app: app.ContainerApp;
  /** Ingress host name. */
  readonly fqdn: pulumi.Output<string>;
  /** `https://<fqdn>`. */
  readonly url: pulumi.Output<string>;
}

function mergeProbe(type: ProbeType, defaults: Required<ProbeSettings>, override: ProbeSettings | undefined): Required<ProbeSettings> {
  const merged = { ...defaults, ...override };
  const field = `probes.${type.toLowerCase()}`;
  checkHttpPath(`${field}.path`, merged.path);
  checkInteger(`${field}.initialDelaySeconds`, merged.initialDelaySeconds, 1, 60);
  checkInteger(`${field}.periodSeconds`, merged.periodSeconds, 1, 240);
  checkInteger(`${field}.timeoutSeconds`, merged.timeoutSeconds, 1, 240);
  checkInteger(`${field}.failureThreshold`, merged.failureThreshold, 1, 10);
  checkInteger(`${field}.successThreshold`, merged.successThreshold, 1, type === "Readiness" ? 10 : 1);
  return merged;
}

/** The three probes, defaults merged with overrides and validated. */
export function resolveProbes(probes: ProbesArgs = {}, port = 8000): inputs.app.ContainerAppProbeArgs[] {
  const entries: Array<[ProbeType, Required<ProbeSettings>]> = [
    ["Liveness", mergeProbe("Liveness", DEFAULT_PROBES.liveness, probes.liveness)],
    ["Readiness", mergeProbe("Readiness", DEFAULT_PROBES.readiness, probes.readiness)],
    ["Startup", mergeProbe("Startup", DEFAULT_PROBES.startup, probes.startup)],
  ];
  return entries.map(([type, probe]) => ({
    type,
    httpGet: { path: probe.path, port, scheme: "HTTP" },
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
    successThreshold: probe.successThreshold,
  }));
}

/** A container's size, as the app's template takes it. */
export interface ContainerResources {
  readonly cpu: number;
  readonly memory: string;
}

/** Dedicated profiles take any size their nodes fit; the pairs {@link checkCpuMemory} knows are the Consumption profile's. */
function checkSize(cpu: number, memory: string, profile: string | undefined): void {
  if (profile === undefined || profile === CONSUMPTION_PROFILE) checkCpuMemory(cpu, memory);
}

/**
 * The container's `resources`: cpu and memory checked as a pair now when they and the profile are known, or,
 * when any of them is an Output, inside `apply` once all are known, with the same error.
 */
export function checkedResources(cpu: pulumi.Input<number>, memory: pulumi.Input<string>, profile: pulumi.Input<string | undefined>): pulumi.Input<ContainerResources> {
  const known = knownResources(cpu, memory, profile);
  if (known) {
    checkSize(known.cpu, known.memory, known.profile);
    return { cpu: known.cpu, memory: known.memory };
  }
  return pulumi.all([cpu, memory, profile]).apply(([resolvedCpu, resolvedMemory, resolvedProfile]) => {
    checkSize(resolvedCpu, resolvedMemory, resolvedProfile);
    return { cpu: resolvedCpu, memory: resolvedMemory };
  });
}

/** The size and profile when the program knows all three now (an absent profile is known: the default). */
function knownResources(cpu: pulumi.Input<number>, memory: pulumi.Input<string>, profile: pulumi.Input<string | undefined>) {
  const knownCpu = knownValue(cpu);
  const knownMemory = knownValue(memory);
  const knownProfile = knownValue(profile);
  if (knownCpu === undefined || knownMemory === undefined || (profile !== undefined && knownProfile === undefined)) return undefined;
  return { cpu: knownCpu, memory: knownMemory, profile: knownProfile };
}

/**
 * Throws unless every secret is a Key Vault reference with a unique, valid name (an inline `value` is refused)
 * and every environment variable, plain or fed by a secret, has a unique, valid name.
 */
export function checkSecretsAndEnv(secrets: readonly KeyVaultSecretArgs[] = [], env: Record<string, unknown> = {}): void {
  const secretNames = new Set<string>();
  secrets.forEach((secret, index) => {
    if ("value" in (secret as object)) {
      throw new ValidationError(`secrets[${index}].value`, "<redacted>", "inline secret values are not accepted; reference a Key Vault secret with `keyVaultUrl`");
    }
    checkSecretName(`secrets[${index}].name`, secret.name);
    if (secretNames.has(secret.name)) throw new ValidationError(`secrets[${index}].name`, secret.name, "secret names must be unique");
    secretNames.add(secret.name);
    if (typeof secret.keyVaultUrl === "string") checkKeyVaultSecretUrl(`secrets[${index}].keyVaultUrl`, secret.keyVaultUrl);
  });
  const envNames = [...Object.keys(env), ...secrets.flatMap((secret) => (secret.env ? [secret.env] : []))];
  checkEnvNames("env", envNames);
}

/** The container's variables: the plain ones, then those that read a secret by `secretRef`. */
export function containerEnv(env: Record<string, pulumi.Input<string>> = {}, secrets: readonly KeyVaultSecretArgs[] = []): inputs.app.EnvironmentVarArgs[] {
  return [
    ...Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
    ...secrets.flatMap((secret) => (secret.env ? [{ name: secret.env, secretRef: secret.name }] : [])),
  ];
}

/** The secrets as Key Vault references, each read with the user-assigned identity. */
export function keyVaultSecretRefs(secrets: readonly KeyVaultSecretArgs[] = [], identityId: pulumi.Input<string>): inputs.app.SecretArgs[] {
  return secrets.map((secret) => ({ name: secret.name, keyVaultUrl: secret.keyVaultUrl, identity: identityId }));
}

/** Validates the container app args; throws before anything is registered (values given as Outputs: once known). */
export function validateContainerAppArgs(args: Omit<ContainerAppArgs, "resourceGroupName" | "environmentId" | "image" | "registryServer" | "identityId">): void {
  checkNameIfKnown("containerApp", "containerAppName", args.containerAppName);
  if (args.environmentKind !== undefined) checkOneOf("environmentKind", args.environmentKind, ENVIRONMENT_KINDS);
  checkPort("targetPort", args.targetPort ?? 8000);
  const size = knownResources(args.cpu ?? 0.5, args.memory ?? "1Gi", args.workloadProfileName);
  if (size) checkSize(size.cpu, size.memory, size.profile);
  checkReplicas(args.minReplicas ?? 0, args.maxReplicas ?? 3);
  checkConcurrency(args.concurrency ?? 100);
  checkTerminationGracePeriod(args.terminationGracePeriodSeconds ?? 30);
  resolveProbes(args.probes, args.targetPort ?? 8000);
  checkSecretsAndEnv(args.secrets, args.env);
  if (args.dapr?.appPort !== undefined) checkPort("dapr.appPort", args.dapr.appPort);
  if (args.traffic !== undefined) checkTrafficWeights(args.traffic);
  if (args.revisionSuffix !== undefined && !/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(args.revisionSuffix)) {
    throw new ValidationError("revisionSuffix", args.revisionSuffix, "must be 1-32 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
  }
  if (args.containerName !== undefined && !/^[a-z0-9]([a-z0-9-]{0,44}[a-z0-9])?$/.test(args.containerName)) {
    throw new ValidationError("containerName", args.containerName, "must be 1-46 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
  }
}

/**
 * Creates the ContainerApp: HTTPS-only ingress, probes, resources, HTTP-concurrency scaling, registry pull
 * and Key Vault secrets through the user-assigned identity, a system-assigned identity for the app's own
 * data access, and the grace period. It waits for `dependsOn` (the role grants).
 */
export function createContainerApp(name: string, args: ContainerAppArgs, opts: pulumi.CustomResourceOptions): CreatedContainerApp {
  validateContainerAppArgs(args);
  const port = args.targetPort ?? 8000;
  const ingressEnabled = args.ingressEnabled ?? true;
  const secrets = args.secrets ?? [];
  const env = containerEnv(args.env, secrets);
  const traffic = args.traffic?.map((entry) => ({
    revisionName: entry.revisionName,
    latestRevision: entry.latestRevision,
    weight: entry.weight,
    label: entry.label,
  }));
  const containerAppName = checkedName("containerApp", "containerAppName", args.containerAppName);
  const workloadProfileName =
    args.workloadProfileName ?? ((args.environmentKind ?? "workload-profiles") === "workload-profiles" ? CONSUMPTION_PROFILE : undefined);
  const dapr = args.dapr
    ? {
        enabled: true,
        appId: args.dapr.appId ?? containerAppName,
        appPort: args.dapr.appPort ?? port,
        appProtocol: args.dapr.appProtocol ?? "http",
        enableApiLogging: args.dapr.enableApiLogging ?? false,
      }
    : undefined;
  const containerApp = new app.ContainerApp(
    `${name}-app`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      containerAppName,
      managedEnvironmentId: args.environmentId,
      workloadProfileName,
      // User-assigned pulls the image: it holds AcrPull before the app exists. System-assigned is the app's own.
      identity: { type: args.systemAssigned === false ? "UserAssigned" : "SystemAssigned,UserAssigned", userAssignedIdentities: [args.identityId] },
      configuration: {
        activeRevisionsMode: traffic ? "Multiple" : "Single",
        ingress: ingressEnabled ? { external: args.external ?? true, targetPort: port, transport: "auto", allowInsecure: false, traffic } : undefined,
        registries: args.pullRegistries ?? (args.registryServer !== undefined ? [{ server: args.registryServer, identity: args.identityId }] : undefined),
        secrets: keyVaultSecretRefs(secrets, args.identityId),
        dapr,
      },
      template: {
        revisionSuffix: args.revisionSuffix,
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
        containers: [
          {
            name: args.containerName ?? "app",
            image: args.image,
            resources: checkedResources(args.cpu ?? 0.5, args.memory ?? "1Gi", args.workloadProfileName),
            env,
            probes: resolveProbes(args.probes, port),
          },
        ],
        scale: {
          minReplicas: args.minReplicas ?? 0,
          maxReplicas: args.maxReplicas ?? 3,
          rules: ingressEnabled ? [{ name: "http-concurrency", http: { metadata: { concurrentRequests: String(args.concurrency ?? 100) } } }] : undefined,
        },
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: mergeDependsOn(opts.dependsOn, args.dependsOn) },
  );
  const fqdn = containerApp.configuration.apply((configuration) => configuration?.ingress?.fqdn ?? "");
  return { app: containerApp, fqdn, url: pulumi.interpolate`https://${fqdn}` };
}

export function mergeDependsOn(
  first: pulumi.CustomResourceOptions["dependsOn"],
  second: pulumi.Input<pulumi.Resource>[] | undefined,
): pulumi.CustomResourceOptions["dependsOn"] {
  if (!first) return second;
  if (!second) return first;
  return pulumi.output(first).apply((resolved) => [...(Array.isArray(resolved) ? resolved : [resolved]), ...second]);
}
