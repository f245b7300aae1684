import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as inputs from "@pulumi/azure-native/types/input";
import { AcrTokenExchange } from "./acrToken";
import {
  ContainerAppSettings,
  ContainerResources,
  CreatedContainerApp,
  KeyVaultSecretArgs,
  checkedResources,
  createContainerApp,
  resolveContainerAppSettings,
  validateContainerAppArgs,
} from "./containerApp";
import { CONSUMPTION_PROFILE } from "./environment";
import { ROLE_DEFINITION_IDS, createUserAssignedIdentity, grantRole } from "./identity";
import { buildImage, validateImageArgs } from "./image";
import { checkedInput, knownValue } from "./inputs";
import { claimAzureName } from "./nameClaims";
import { checkNameIfKnown, checkedName, generateName } from "./naming";
import { PlatformFacts, factsOf, platformTags } from "./platform";
import { ENVIRONMENT_KINDS, EnvironmentKind } from "./subnets";
import { ValidationError, checkDigestReference, checkExclusive, checkOneOf } from "./validation";

export const SERVICE_TYPE = "pulumi-aca:index:ContainerAppService";

/**
 * What a service needs of the platform it runs on. A `ContainerAppsPlatform` of the same program is one (pass
 * it as it is); a service in another stack passes the platform stack's outputs, read with a stack reference.
 */
export interface PlatformReference {
  /** The resource group the service's resources go to. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region. Default: the resource group's. */
  location?: pulumi.Input<string>;
  /** The managed environment's id. */
  environmentId: pulumi.Input<string>;
  /** The environment's kind. Default "workload-profiles". */
  environmentKind?: pulumi.Input<EnvironmentKind>;
  /** The registry's id: the service's identity is granted AcrPull on it. */
  registryId: pulumi.Input<string>;
  /** The registry's login server, e.g. `crplatform1a2b3c.azurecr.io`. */
  registryLoginServer: pulumi.Input<string>;
  /** The login server once images can be pushed to it. Default `registryLoginServer`. */
  registryPushServer?: pulumi.Input<string>;
}

/** Who can reach the service. */
export const IngressMode = {
  /** From the internet (or, in an internal environment, from the VNet and networks peered to it). */
  External: "external",
  /** Only from apps in the same environment (Dapr service invocation, internal calls). */
  Internal: "internal",
  /** Nobody: a worker with no endpoint (queue consumers, schedulers). */
  None: "none",
} as const;

export type IngressMode = (typeof IngressMode)[keyof typeof IngressMode];

export const INGRESS_MODES: readonly IngressMode[] = ["external", "internal", "none"];

/**
 * Another registry the service pulls from, with its identity (AcrPull is granted on it before the app exists).
 * Both may be Outputs (a registry of another stack): checked once known, with the error a known value gets.
 */
export interface PullRegistry {
  /** Login server, e.g. `contoso.azurecr.io`. */
  server: pulumi.Input<string>;
  /** Resource id of the registry, the scope of the AcrPull grant. */
  registryId: pulumi.Input<string>;
}

/** Throws unless `server` is a registry login server (a host name, optionally with a port). */
export function checkPullRegistryServer(index: number, server: string | undefined | null): void {
  if (typeof server !== "string" || !/^[a-z0-9.-]+(:\d+)?$/i.test(server)) {
    throw new ValidationError(`pullRegistries[${index}].server`, server, "must be a registry login server such as contoso.azurecr.io");
  }
}

/** Throws unless `registryId` is a container registry's resource id, the scope AcrPull is granted on. */
export function checkPullRegistryId(index: number, registryId: string | undefined | null): void {
  if (typeof registryId !== "string" || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+$/i.test(registryId)) {
    throw new ValidationError(
      `pullRegistries[${index}].registryId`,
      registryId,
      "must be a container registry's resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>",
    );
  }
}

/** The identity the app pulls images and reads secrets with. */
export interface ServiceIdentity {
  /** Use this user-assigned identity (resource id) instead of creating one. Needs `existingPrincipalId`. */
  existingIdentityId?: pulumi.Input<string>;
  /** The existing identity's principal (object) id, for the role grants. */
  existingPrincipalId?: pulumi.Input<string>;
  /** The existing identity's client id, for AZURE_CLIENT_ID. */
  existingClientId?: pulumi.Input<string>;
  /** Give the app a system-assigned identity too, for its own data access. Default true. */
  systemAssigned?: boolean;
}

/**
 * Azure names of what a service creates; each defaults to one generated from the prefix. Each may be an Output
 * (another stack's, another resource's): checked against Azure's rule once known, with the same error, and
 * left out of the duplicate-name check, which compares only the names the program knows when it starts.
 */
export interface ContainerAppServiceNames {
  /** Container app. Default `ca-<prefix>-<stack>`. */
  containerApp?: pulumi.Input<string>;
  /** User-assigned identity (when created). Default `id-<prefix>-<stack>`. */
  identity?: pulumi.Input<string>;
  /** Image repository in the platform's registry. Default `<prefix>`. */
  imageRepository?: pulumi.Input<string>;
}

/**
 * What every workload on a platform takes, a service's app or a job: where it runs, its identity, its image,
 * its secrets and the data it may use.
 */
export interface WorkloadArgs {
  /** The platform the workload runs on: a `ContainerAppsPlatform`, or the ids of one. */
  platform: PlatformReference;
  /** Base of every generated name. Default: the component name. */
  namePrefix?: string;
  /** Tags on every taggable resource, over the default `{ "managed-by": "pulumi-aca" }`. */
  tags?: Record<string, string>;
  /** The identity to pull and read secrets with. Default: a user-assigned identity created for the workload. */
  identity?: ServiceIdentity;
  /**
   * A ready image pinned by digest; skips the build. Its registry must be the platform's, one in
   * `pullRegistries`, or mcr.microsoft.com. Mutually exclusive with `appPath`/`dockerfile`.
   */
  image?: pulumi.Input<string>;
  /** Docker build context. Default: the reference service shipped in this package (`app/`). */
  appPath?: string;
  /** Dockerfile. Default `<appPath>/Dockerfile`. */
  dockerfile?: string;
  /** Docker build arguments. Default none. */
  buildArgs?: Record<string, string>;
  /**
   * Build the image during `pulumi preview` too (it is never pushed in a preview). Default false: a preview has
   * no side effects and needs no Docker daemon; `pulumi up` still fails on a broken build before the workload changes.
   */
  buildOnPreview?: boolean;
  /**
   * The tag the build is pushed under besides `latest`, never to be reused for other content. Default
   * `build-<hash of the context, Dockerfile and build args>`, so every image a revision or execution runs stays tagged.
   */
  imageTag?: string;
  /** More registries the workload may pull `image` from, each with AcrPull granted to its identity. Default none. */
  pullRegistries?: PullRegistry[];
  /** Key Vault secret references, read through the workload's identity. Never inline values. Default none. */
  secrets?: KeyVaultSecretArgs[];
  /** Key Vaults (resource ids) whose secrets the identity reads: Key Vault Secrets User on each, before the workload exists. */
  keyVaultIds?: pulumi.Input<string>[];
  /** Storage accounts (resource ids) whose blobs the identity uses: Storage Blob Data Contributor on each, before the workload exists. */
  storageAccountIds?: pulumi.Input<string>[];
  /** OTEL_SERVICE_NAME of the workload. Default: its Azure name (the container app's or the job's). */
  serviceName?: pulumi.Input<string>;
  /** SERVICE_VERSION of the workload (the service's `service.version`). Default: the image digest reference. */
  serviceVersion?: pulumi.Input<string>;
}

/** TypeScript-only options of a workload: functions cannot cross into other languages, so they stay out of the args. */
export interface WorkloadOptions extends pulumi.ComponentResourceOptions {
  /** How the deployer's Entra token becomes an ACR refresh token. Default: the registry's `/oauth2/exchange`. */
  exchangeToken?: AcrTokenExchange;
}

export interface ContainerAppServiceArgs extends ContainerAppSettings, WorkloadArgs {
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  names?: ContainerAppServiceNames;
  /** Who can reach the service. Default "internal". */
  ingress?: IngressMode;
  /**
   * The workload profile the app runs on, one the platform's environment has. Default "Consumption" (none in a
   * consumption-only environment). An Output is checked once known, with the same error.
   */
  workloadProfileName?: pulumi.Input<string>;
}

/** TypeScript-only options: functions cannot cross into other languages, so they stay out of the args. */
export type ContainerAppServiceOptions = WorkloadOptions;

/** Registries that serve public images to anyone, so an app pulls from them without credentials. */
export const ANONYMOUS_REGISTRIES: readonly string[] = ["mcr.microsoft.com"];

/** The registry host of an image reference (`docker.io` when the reference names none). */
export function registryHostOf(image: string): string {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first.toLowerCase() : "docker.io";
}

/** A registry the app may pull from: a login server (when known) and, for a registry created here, its name. */
export interface PullCandidate {
  readonly server?: string;
  /** The registry's Azure name; its login server is `<name>.azurecr.<cloud suffix>`. */
  readonly registryName?: string;
  /** Where it came from, for the error. */
  readonly field: string;
}

function serves(candidate: PullCandidate, host: string): boolean {
  if (candidate.server !== undefined && candidate.server.toLowerCase() === host) return true;
  return candidate.registryName !== undefined && host.startsWith(`${candidate.registryName.toLowerCase()}.azurecr.`);
}

/**
 * Which registry the app pulls `image` from: the index of the candidate that serves it, "anonymous" for a
 * public registry, or undefined when a candidate's server is not known yet. Throws a ValidationError when no
 * registry the app can pull from serves the image.
 */
export function pullSourceOf(image: string, candidates: readonly PullCandidate[]): number | "anonymous" | undefined {
  const host = registryHostOf(image);
  const index = candidates.findIndex((candidate) => serves(candidate, host));
  if (index >= 0) return index;
  if (ANONYMOUS_REGISTRIES.includes(host)) return "anonymous";
  if (candidates.some((candidate) => candidate.server === undefined && candidate.registryName === undefined)) return undefined;
  throw new ValidationError(
    "image",
    image,
    `comes from registry ${host}, which the app does not pull from; push it to the platform's registry, or list ${host} in \`pullRegistries\` with its id so the app's identity is granted AcrPull on it`,
  );
}

/** The names every workload has besides its own: its identity's and its image repository's, given or generated. */
export function resolveWorkloadNames(
  base: string,
  names: { readonly identity?: pulumi.Input<string>; readonly imageRepository?: pulumi.Input<string> },
  stack: string,
) {
  return {
    identity: names.identity ?? generateName("userAssignedIdentity", base, { stack }),
    imageRepository: names.imageRepository ?? generateName("imageRepository", base),
  };
}

/** The Azure names a service uses: explicit ones validated, the rest generated. */
export function resolveServiceNames(name: string, args: Pick<ContainerAppServiceArgs, "namePrefix" | "names">, stack: string = pulumi.getStack()) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  return {
    containerApp: names.containerApp ?? generateName("containerApp", base, { stack }),
    ...resolveWorkloadNames(base, names, stack),
  };
}

export type ServiceNames = ReturnType<typeof resolveServiceNames>;

/** What the checks resolve. */
export interface CheckedServiceArgs {
  readonly names: ServiceNames;
  readonly tags: Record<string, string>;
  readonly ingress: IngressMode;
  readonly environmentKind: pulumi.Input<EnvironmentKind>;
  readonly workloadProfileName: pulumi.Input<string | undefined>;
  /** The image reference, checked now or once known; undefined when the service builds it. */
  readonly image?: pulumi.Input<string>;
  readonly facts?: PlatformFacts;
  /** The platform's environment is zone-redundant (known for a platform of the same program). */
  readonly zoneRedundant: boolean;
  /** The container's cpu and memory, checked as a pair now or, when either or the profile is an Output, once known. */
  readonly resources: pulumi.Input<ContainerResources>;
  /** `pullRegistries`, each server and id checked now or once known. */
  readonly pullRegistries: PullRegistry[];
}

/** Variables the service sets itself. */
export const SERVICE_ENV = ["PORT", "OTEL_SERVICE_NAME", "SERVICE_VERSION", "AZURE_CLIENT_ID"] as const;

/** Throws unless an existing identity comes with its principal id, or the identity to create has a valid name. */
export function checkWorkloadIdentity(identity: ServiceIdentity = {}, identityName: pulumi.Input<string>): void {
  if (identity.existingIdentityId !== undefined && identity.existingPrincipalId === undefined) {
    throw new ValidationError("identity.existingPrincipalId", undefined, "an existing identity needs its principal id, so it can be granted AcrPull (and its other roles) before the app exists");
  } else if (identity.existingIdentityId === undefined) {
    checkNameIfKnown("userAssignedIdentity", "names.identity", identityName);
  }
}

/**
 * The names a workload gives its resources: a known one passed its check already, an Output is checked inside
 * `apply` once known, with the error a known one gets. Names the workload does not use are passed on as given.
 */
export function workloadNamesToPassOn<Names extends Pick<ServiceNames, "identity" | "imageRepository">>(
  names: Names,
  args: Pick<ContainerAppServiceArgs, "identity" | "image">,
): Names {
  return {
    ...names,
    identity: args.identity?.existingIdentityId === undefined ? checkedName("userAssignedIdentity", "names.identity", names.identity) : names.identity,
    imageRepository: args.image === undefined ? checkedName("imageRepository", "imageRepository", names.imageRepository) : names.imageRepository,
  };
}

/** What a workload takes about its image: a ready reference or a build, and the registries it may pull from. */
export type WorkloadImageArgs = Pick<WorkloadArgs, "platform" | "image" | "appPath" | "dockerfile" | "imageTag" | "pullRegistries">;

/**
 * Checks a ready image (pinned by digest, from a registry the workload pulls from: now, or once the platform's
 * login server is known) or the build args. Returns the image to run; undefined when the workload builds it.
 */
export function checkWorkloadImage(args: WorkloadImageArgs, names: Pick<ServiceNames, "imageRepository">, facts: PlatformFacts | undefined): pulumi.Input<string> | undefined {
  checkExclusive({ image: args.image, appPath: args.appPath });
  checkExclusive({ image: args.image, dockerfile: args.dockerfile });
  checkExclusive({ image: args.image, imageTag: args.imageTag });
  let image: pulumi.Input<string> | undefined;
  if (args.image !== undefined) {
    checkNameIfKnown("imageRepository", "names.imageRepository", names.imageRepository);
    const candidates = pullCandidates(args, facts);
    // The platform's login server (or the name of the registry it created) may be known only later (another
    // stack's output): then the image is checked against it inside `apply`, with the same error.
    const checkOnceKnown = (reference: string, server: string | undefined, registryName: string | undefined, pullServers: string[]) => {
      checkDigestReference("image", reference);
      const [platformRegistry, ...others] = candidates;
      const platformCandidate = { ...platformRegistry!, server: platformRegistry!.server ?? server?.toLowerCase(), registryName: platformRegistry!.registryName ?? registryName };
      pullSourceOf(reference, [platformCandidate, ...others.map((candidate, index) => ({ ...candidate, server: pullServers[index]?.toLowerCase() }))]);
    };
    const later = (reference: pulumi.Input<string>) => checkedLater(reference, args.platform.registryLoginServer, facts?.registryName, pullServersOf(args), checkOnceKnown);
    const knownImage = knownValue(args.image);
    if (knownImage !== undefined) {
      checkDigestReference("image", knownImage);
      image = pullSourceOf(knownImage, candidates) !== undefined ? knownImage : later(knownImage);
    } else {
      image = later(args.image);
    }
  } else {
    validateImageArgs({ repository: names.imageRepository, appPath: args.appPath, dockerfile: args.dockerfile, imageTag: args.imageTag });
  }
  return image;
}

/**
 * Checks `pullRegistries`: a known server or id now, before anything is registered; one given as an Output
 * (a registry of another stack) inside `apply` once known, with the same error. Returns the registries to use.
 */
export function checkedPullRegistries(pullRegistries: readonly PullRegistry[] = []): PullRegistry[] {
  return pullRegistries.map((registry, index) => {
    // A missing value is as wrong now as it would be later.
    if (registry.server === undefined || registry.server === null) checkPullRegistryServer(index, registry.server);
    if (registry.registryId === undefined || registry.registryId === null) checkPullRegistryId(index, registry.registryId);
    return {
      server: checkedInput(registry.server, (server) => checkPullRegistryServer(index, server)),
      registryId: checkedInput(registry.registryId, (registryId) => checkPullRegistryId(index, registryId)),
    };
  });
}

/**
 * Checks everything the service takes and fills in the defaults. Throws a ValidationError naming the field,
 * the value and the rule before anything is registered; values known only later are checked inside `apply`
 * with the same error.
 */
/** Throws unless a workload (`a service`, `a job`) is given the platform it runs on. */
export function checkPlatformGiven(platform: PlatformReference | undefined | null, workload: string): void {
  if (platform === undefined || platform === null) {
    throw new ValidationError("platform", undefined, `${workload} needs the platform it runs on: a ContainerAppsPlatform, or its resource group, environment and registry ids`);
  }
}

/** What every workload's checks resolve about where it runs and what it runs. */
export interface CheckedWorkloadPlacement {
  readonly environmentKind: pulumi.Input<EnvironmentKind>;
  readonly workloadProfileName: pulumi.Input<string | undefined>;
  readonly pullRegistries: PullRegistry[];
  readonly image?: pulumi.Input<string>;
}

/**
 * The checks a service and a job share once their platform is known: the environment's kind, the workload
 * profile, the identity, the pull registries and the image, each now or once known.
 */
export function checkWorkloadPlacement(
  args: WorkloadArgs & Pick<ContainerAppServiceArgs, "workloadProfileName">,
  names: Pick<ServiceNames, "identity" | "imageRepository">,
  facts: PlatformFacts | undefined,
): CheckedWorkloadPlacement {
  const environmentKind = checkedInput<EnvironmentKind>(args.platform.environmentKind ?? facts?.environmentKind ?? "workload-profiles", (kind) =>
    checkOneOf("platform.environmentKind", kind, ENVIRONMENT_KINDS),
  );
  const workloadProfileName = workloadProfileOf(args, environmentKind, facts);
  checkWorkloadIdentity(args.identity, names.identity);
  const pullRegistries = checkedPullRegistries(args.pullRegistries);
  const image = checkWorkloadImage({ ...args, pullRegistries }, names, facts);
  return { environmentKind, workloadProfileName, pullRegistries, image };
}

export function checkServiceArgs(name: string, args: ContainerAppServiceArgs): CheckedServiceArgs {
  checkPlatformGiven(args.platform, "a service");
  const names = resolveServiceNames(name, args);
  const tags = platformTags(args.tags);
  const facts = factsOf(args.platform);
  const ingress = args.ingress ?? "internal";
  checkOneOf("ingress", ingress, INGRESS_MODES);
  const { environmentKind, workloadProfileName, pullRegistries, image } = checkWorkloadPlacement(args, names, facts);
  const zoneRedundant = facts?.zoneRedundant ?? false;
  const settings = resolveContainerAppSettings(args, { zoneRedundant });
  if (zoneRedundant && settings.minReplicas < 2) {
    // Allowed (a dev stack may want scale to zero), but the zone redundancy then protects nothing.
    pulumi.log.warn(
      `minReplicas ${settings.minReplicas} in a zone-redundant environment: a zone outage can take every replica down; ` +
        "keep 2 or more (3 covers every zone) or set zoneRedundant: false.",
    );
  }
  if (ingress === "none" && settings.traffic !== undefined) {
    throw new ValidationError("traffic", settings.traffic, 'splits ingress traffic, so it needs `ingress` "external" or "internal", not "none"');
  }
  validateContainerAppArgs({
    containerAppName: names.containerApp,
    ...settings,
    workloadProfileName: workloadProfileName as pulumi.Input<string> | undefined,
    env: { ...Object.fromEntries(SERVICE_ENV.map((key) => [key, ""])), ...args.env },
    secrets: args.secrets,
  });
  const namesToPassOn: ServiceNames = { ...workloadNamesToPassOn(names, args), containerApp: checkedName("containerApp", "containerAppName", names.containerApp) };
  const resources = checkedResources(settings.cpu, settings.memory, workloadProfileName);
  return { names: namesToPassOn, tags, ingress, environmentKind, workloadProfileName, image, facts, zoneRedundant, resources, pullRegistries };
}

function checkedLater(
  image: pulumi.Input<string>,
  server: pulumi.Input<string>,
  registryName: pulumi.Input<string> | undefined,
  pullServers: pulumi.Output<string[]>,
  check: (reference: string, server: string | undefined, registryName: string | undefined, pullServers: string[]) => void,
): pulumi.Output<string> {
  return pulumi.all([image, server, registryName, pullServers]).apply(([reference, resolvedServer, resolvedName, resolvedPullServers]) => {
    check(reference, resolvedServer, resolvedName, resolvedPullServers);
    return reference;
  });
}

/** The login servers of `pullRegistries` (checked ones: see {@link checkedPullRegistries}), once known. */
function pullServersOf(args: Pick<ContainerAppServiceArgs, "pullRegistries">): pulumi.Output<string[]> {
  return pulumi.all((args.pullRegistries ?? []).map((registry) => registry.server));
}

/**
 * The profile the app runs on: the requested one (checked against the environment's kind and, for a platform of
 * this program, its profiles) or the default. Checked now when the kind and the request are known, otherwise
 * inside `apply` once they are, with the same error.
 */
export function workloadProfileOf(args: Pick<ContainerAppServiceArgs, "workloadProfileName">, environmentKind: pulumi.Input<EnvironmentKind>, facts: PlatformFacts | undefined): pulumi.Input<string | undefined> {
  const profileFor = (kind: EnvironmentKind, requested: string | undefined): string | undefined => {
    if (kind === "consumption-only" && requested !== undefined) {
      throw new ValidationError("workloadProfileName", requested, "a consumption-only environment has no workload profiles");
    }
    if (requested !== undefined && facts && !facts.workloadProfileNames.includes(requested)) {
      throw new ValidationError("workloadProfileName", requested, `the platform's environment has the profiles ${facts.workloadProfileNames.join(", ")}`);
    }
    return kind === "workload-profiles" ? (requested ?? CONSUMPTION_PROFILE) : undefined;
  };
  const requested = args.workloadProfileName;
  // A platform of this program knows its kind while the program runs, even though its output does not.
  const kind = knownValue(environmentKind) ?? facts?.environmentKind;
  const knownRequest = knownValue(requested);
  if (kind !== undefined && (requested === undefined || knownRequest !== undefined)) return profileFor(kind, knownRequest);
  return pulumi.all([environmentKind, requested]).apply(([resolvedKind, resolvedRequest]) => profileFor(resolvedKind, resolvedRequest));
}

/** The registries the app may pull from: the platform's first, then `pullRegistries`. */
function pullCandidates(args: WorkloadImageArgs, facts: PlatformFacts | undefined): PullCandidate[] {
  return [
    { server: knownValue(args.platform.registryLoginServer) ?? facts?.registryLoginServer, registryName: knownValue(facts?.registryName), field: "platform.registryLoginServer" },
    // A server given as an Output is not known yet: the image is then checked once it is.
    ...(args.pullRegistries ?? []).map((registry, index) => ({ server: knownValue(registry.server)?.toLowerCase(), field: `pullRegistries[${index}].server` })),
  ];
}

/** Claims the service's Azure names, so a second component of the program cannot take the same ones. */
export function claimServiceNames(name: string, args: ContainerAppServiceArgs, checked: CheckedServiceArgs, claimant = `ContainerAppService ${name}`): void {
  claimWorkloadNames(args, checked, claimant, { kind: "container app", field: "names.containerApp", name: checked.names.containerApp });
}

/**
 * Claims a workload's own Azure name (`workload`) and, when it creates one, its identity's, in the platform's
 * resource group, so a second component of the program cannot take the same ones.
 */
export function claimWorkloadNames(
  args: Pick<WorkloadArgs, "platform" | "identity">,
  checked: { readonly facts?: PlatformFacts; readonly names: { readonly identity: pulumi.Input<string> } },
  claimant: string,
  workload: { readonly kind: string; readonly field: string; readonly name: pulumi.Input<string> },
): void {
  const group = knownValue(args.platform.resourceGroupName) ?? checked.facts?.resourceGroupName;
  const inGroup = group !== undefined ? { resourceGroup: group } : undefined;
  // Names known only later (Outputs) cannot be compared while the program runs, so they claim nothing.
  claimAzureName(workload.kind, inGroup, knownValue(workload.name), claimant, workload.field);
  if (args.identity?.existingIdentityId === undefined) {
    claimAzureName("user-assigned identity", inGroup, knownValue(checked.names.identity), claimant, "names.identity");
  }
}

/** The identity a workload pulls and reads secrets with, and its grants, each to wait for before the workload exists. */
export interface WorkloadIdentity {
  readonly identity?: managedidentity.UserAssignedIdentity;
  readonly identityId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  readonly grants: authorization.RoleAssignment[];
}

/**
 * Creates the workload's user-assigned identity (or takes the existing one) and grants it AcrPull on the
 * platform's registry and on `pullRegistries`, Key Vault Secrets User on `keyVaultIds` and Storage Blob Data
 * Contributor on `storageAccountIds`.
 */
export function createWorkloadIdentity(
  name: string,
  args: Pick<ContainerAppServiceArgs, "platform" | "identity" | "pullRegistries" | "keyVaultIds" | "storageAccountIds">,
  identityName: pulumi.Input<string>,
  placement: { resourceGroupName: pulumi.Input<string>; location?: pulumi.Input<string>; tags: Record<string, string> },
  child: { parent: pulumi.Resource },
): WorkloadIdentity {
  const platform = args.platform;
  let identity: managedidentity.UserAssignedIdentity | undefined;
  let identityId: pulumi.Output<string>;
  let principalId: pulumi.Output<string>;
  let clientId: pulumi.Output<string>;
  const existing = args.identity?.existingIdentityId;
  if (existing !== undefined) {
    identityId = pulumi.output(existing);
    principalId = pulumi.output(args.identity!.existingPrincipalId!);
    clientId = pulumi.output(args.identity?.existingClientId ?? "");
  } else {
    identity = createUserAssignedIdentity(name, { ...placement, identityName }, child);
    identityId = identity.id;
    principalId = identity.principalId;
    clientId = identity.clientId;
  }

  // User-assigned, so every grant exists before the app: a system-assigned identity cannot be granted in time.
  const grants = [
    grantRole(`${name}-acrpull`, { principalId, roleDefinitionId: ROLE_DEFINITION_IDS.AcrPull, scope: platform.registryId }, child),
    ...(args.pullRegistries ?? []).map((registry, index) =>
      grantRole(`${name}-acrpull-${index + 1}`, { principalId, roleDefinitionId: ROLE_DEFINITION_IDS.AcrPull, scope: registry.registryId }, child),
    ),
    ...(args.keyVaultIds ?? []).map((scope, index) =>
      grantRole(`${name}-kv-secrets-user${index === 0 ? "" : `-${index + 1}`}`, { principalId, roleDefinitionId: ROLE_DEFINITION_IDS.KeyVaultSecretsUser, scope }, child),
    ),
    ...(args.storageAccountIds ?? []).map((scope, index) =>
      grantRole(`${name}-blob-contributor${index === 0 ? "" : `-${index + 1}`}`, { principalId, roleDefinitionId: ROLE_DEFINITION_IDS.StorageBlobDataContributor, scope }, child),
    ),
  ];

  return { identity, identityId, principalId, clientId, grants };
}

/**
 * The image a workload runs and its pull settings: the build pushed to the platform's registry, or the ready
 * reference with the settings of the registry that serves it.
 */
export function provideWorkloadImage(
  name: string,
  args: WorkloadImageArgs & Pick<ContainerAppServiceArgs, "buildArgs" | "buildOnPreview">,
  checked: Pick<CheckedServiceArgs, "image" | "facts">,
  imageRepository: pulumi.Input<string>,
  identityId: pulumi.Output<string>,
  opts: { parent: pulumi.Resource; exchangeToken?: AcrTokenExchange },
): { imageRef: pulumi.Output<string>; pullRegistries: pulumi.Input<inputs.app.RegistryCredentialsArgs[]> } {
  const platform = args.platform;
  const child = { parent: opts.parent };
  let imageRef: pulumi.Output<string>;
  let pullRegistries: pulumi.Input<inputs.app.RegistryCredentialsArgs[]>;
  const platformServer = pulumi.output(platform.registryLoginServer);
  if (checked.image === undefined) {
    const built = buildImage(
      name,
      {
        loginServer: platform.registryPushServer ?? platform.registryLoginServer,
        repository: imageRepository,
        appPath: args.appPath,
        dockerfile: args.dockerfile,
        buildArgs: args.buildArgs,
        buildOnPreview: args.buildOnPreview,
        imageTag: args.imageTag,
        exchangeToken: opts.exchangeToken,
      },
      child,
    );
    imageRef = built.ref;
    pullRegistries = [{ server: platformServer, identity: identityId }];
  } else {
    imageRef = pulumi.output(checked.image);
    // Pull settings follow the image's registry, worked out once its login server is known.
    pullRegistries = pulumi.all([imageRef, platformServer, identityId, checked.facts?.registryName, pullServersOf(args)]).apply(([reference, server, identityResourceId, registryName, extra]) => {
      const candidates: PullCandidate[] = [
        { server: server.toLowerCase(), registryName, field: "platform.registryLoginServer" },
        ...extra.map((extraServer, index) => ({ server: extraServer.toLowerCase(), field: `pullRegistries[${index}].server` })),
      ];
      const source = pullSourceOf(reference, candidates);
      if (source === "anonymous" || source === undefined) return [];
      return [{ server: source === 0 ? server : extra[source - 1]!, identity: identityResourceId }];
    });
  }

  return { imageRef, pullRegistries };
}

/** What {@link buildService} created. */
export interface BuiltService {
  readonly app: CreatedContainerApp;
  readonly imageRef: pulumi.Output<string>;
  readonly identityId: pulumi.Output<string>;
  readonly identityPrincipalId: pulumi.Output<string>;
  readonly identityClientId: pulumi.Output<string>;
  readonly identity?: managedidentity.UserAssignedIdentity;
}

/**
 * Creates the service's resources under `opts.parent`, named after `name` (`<name>-id`, `<name>-acrpull`,
 * `<name>-image`, `<name>-app`, …): the identity, its grants, the image and the app, which waits for every
 * grant and for `opts.dependsOn`. The args must have passed {@link checkServiceArgs}.
 */
export function buildService(
  name: string,
  args: ContainerAppServiceArgs,
  checked: CheckedServiceArgs,
  opts: { parent: pulumi.Resource; dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>; exchangeToken?: AcrTokenExchange },
): BuiltService {
  const child = { parent: opts.parent };
  const { names, tags } = checked;
  const platform = args.platform;
  const placement = { resourceGroupName: platform.resourceGroupName, location: platform.location, tags };

  const checkedArgs = { ...args, pullRegistries: checked.pullRegistries };
  const { identity, identityId, principalId, clientId, grants } = createWorkloadIdentity(name, checkedArgs, names.identity, placement, child);
  const { imageRef, pullRegistries } = provideWorkloadImage(name, checkedArgs, checked, names.imageRepository, identityId, { ...child, exchangeToken: opts.exchangeToken });

  const serviceName = args.serviceName ?? names.containerApp;
  const serviceVersion = pulumi.output(args.serviceVersion ?? imageRef);
  const settings = resolveContainerAppSettings(args, { zoneRedundant: checked.zoneRedundant });
  const resources = knownValue(checked.resources) ?? { cpu: pulumi.output(checked.resources).cpu, memory: pulumi.output(checked.resources).memory };
  const hasDataRoles = (args.keyVaultIds?.length ?? 0) + (args.storageAccountIds?.length ?? 0) > 0;
  const app = createContainerApp(
    name,
    {
      ...placement,
      ...settings,
      cpu: resources.cpu,
      memory: resources.memory,
      containerAppName: names.containerApp,
      environmentId: platform.environmentId,
      // Known here unless the platform is another stack's; then the profile is an Output that says it all.
      environmentKind: knownValue(checked.environmentKind) ?? checked.facts?.environmentKind,
      workloadProfileName: checked.workloadProfileName as pulumi.Input<string>,
      image: imageRef,
      pullRegistries,
      identityId,
      systemAssigned: args.identity?.systemAssigned ?? true,
      external: checked.ingress === "external",
      ingressEnabled: checked.ingress !== "none",
      secrets: args.secrets,
      dependsOn: [...grants, ...dependenciesOf(opts.dependsOn)],
      env: {
        PORT: String(settings.targetPort),
        OTEL_SERVICE_NAME: serviceName,
        // The service reads its version from SERVICE_VERSION. OTEL_RESOURCE_ATTRIBUTES stays unset: the managed
        // OpenTelemetry agent injects its own, and a value set on the app would replace it
        // (https://learn.microsoft.com/en-us/azure/container-apps/opentelemetry-agents).
        SERVICE_VERSION: serviceVersion,
        // The SDKs' DefaultAzureCredential picks the user-assigned identity by its client id.
        ...(hasDataRoles ? { AZURE_CLIENT_ID: clientId } : {}),
        ...args.env,
      },
    },
    child,
  );
  return { app, imageRef, identityId, identityPrincipalId: principalId, identityClientId: clientId, identity };
}

export function dependenciesOf(dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) return [];
  if (Array.isArray(dependsOn)) return dependsOn;
  if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
  throw new ValidationError("dependsOn", "an Output", "a service's or job's dependsOn must list the resources themselves");
}

/**
 * One workload on a platform: its user-assigned identity (or an existing one), granted AcrPull on the registry
 * it pulls from and Key Vault Secrets User and Storage Blob Data Contributor on the vaults and accounts it is
 * given, all before the app exists; its image, built and pushed with an exchanged Entra token and run by
 * digest, or a ready reference whose registry the app can pull from; and the container app with probes,
 * scale rules, Dapr, secrets and revisions. The platform is a `ContainerAppsPlatform` of the same program or
 * the ids of one in another stack.
 */
export class ContainerAppService extends pulumi.ComponentResource {
  /** `https://<fqdn>`; empty with ingress "none". */
  readonly url: pulumi.Output<string>;
  /** The app's ingress host name; empty with ingress "none". */
  readonly fqdn: pulumi.Output<string>;
  /** The container app's Azure name. */
  readonly containerAppName: pulumi.Output<string>;
  /** Resource id of the container app. */
  readonly containerAppId: pulumi.Output<string>;
  /** The newest revision's name. */
  readonly latestRevisionName: pulumi.Output<string>;
  /** The image the app runs, `<registry>/<repository>@sha256:…`. */
  readonly imageRef: pulumi.Output<string>;
  /** Resource id of the user-assigned identity (image pulls, Key Vault and blob access). */
  readonly identityId: pulumi.Output<string>;
  /** Principal (object) id of the user-assigned identity, for more role grants. */
  readonly identityPrincipalId: pulumi.Output<string>;
  /** Client id of the user-assigned identity (AZURE_CLIENT_ID). */
  readonly identityClientId: pulumi.Output<string>;
  /** Principal id of the app's system-assigned identity, for its own data access; empty without one. */
  readonly appPrincipalId: pulumi.Output<string>;

  constructor(name: string, args: ContainerAppServiceArgs, opts: ContainerAppServiceOptions = {}) {
    // Everything known is checked before the component or any child is registered.
    const checked = checkServiceArgs(name, args);
    claimServiceNames(name, args, checked);
    const { exchangeToken, ...resourceOptions } = opts;
    super(SERVICE_TYPE, name, {}, resourceOptions);
    const built = buildService(name, args, checked, { parent: this, dependsOn: resourceOptions.dependsOn, exchangeToken });
    this.url = built.app.url;
    this.fqdn = built.app.fqdn;
    this.containerAppName = built.app.app.name;
    this.containerAppId = built.app.app.id;
    this.latestRevisionName = built.app.app.latestRevisionName;
    this.imageRef = built.imageRef;
    this.identityId = built.identityId;
    this.identityPrincipalId = built.identityPrincipalId;
    this.identityClientId = built.identityClientId;
    this.appPrincipalId = built.app.app.identity.apply((value) => value?.principalId ?? "");
    this.registerOutputs({
      url: this.url,
      fqdn: this.fqdn,
      containerAppName: this.containerAppName,
      containerAppId: this.containerAppId,
      latestRevisionName: this.latestRevisionName,
      imageRef: this.imageRef,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
      identityClientId: this.identityClientId,
      appPrincipalId: this.appPrincipalId,
    });
  }
}

