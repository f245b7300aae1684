import * as pulumi from "@pulumi/pulumi";
import type * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as containerregistry from "@pulumi/azure-native/containerregistry";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import { AcrTokenExchange } from "./acrToken";
import {
  ContainerAppSettings,
  CreatedContainerApp,
  KeyVaultSecretArgs,
  ResolvedContainerAppSettings,
  createContainerApp,
  resolveContainerAppSettings,
  validateContainerAppArgs,
} from "./containerApp";
import { EnvironmentArgs, createManagedEnvironment, validateEnvironmentArgs } from "./environment";
import { createUserAssignedIdentity } from "./identity";
import { BuiltImage, buildImage, validateImageArgs } from "./image";
import { checkName } from "./naming";
import { Observability, createObservability, validateObservabilityArgs } from "./observability";
import type { PublicContainerAppNames } from "./publicContainerApp";
import { RegistryArgs, createRegistry, grantPull, validateRegistryArgs } from "./registry";
import type { EnvironmentKind } from "./subnets";
import { checkTags } from "./validation";

/**
 * Args both components take, with the same defaults and rules. Both build, in this order: the resource
 * group, observability, the registry, the identity and its AcrPull grant, the image, the environment and
 * the app; the private one adds its network, vault, storage and private endpoints around them.
 */
export interface ContainerAppTopologyArgs extends ContainerAppSettings {
  /** Use this existing resource group instead of creating one. Default: create `rg-<prefix>`. */
  readonly resourceGroupName?: string;
  /** Azure region for everything. Default: the provider's `azure-native:location` (or the existing group's). */
  readonly location?: pulumi.Input<string>;
  /** Base of every generated name. Default: the component name. */
  readonly namePrefix?: string;
  /** Tags on every taggable resource, over the default `{ "managed-by": "pulumi-aca" }`. */
  readonly tags?: Record<string, string>;
  /**
   * The managed environment's kind. "workload-profiles" (default): the app runs on the environment's
   * Consumption profile. "consumption-only" (legacy): no workload profiles; in a VNet its infrastructure
   * subnet must be /23 or larger and not delegated.
   */
  readonly environmentKind?: EnvironmentKind;
  /** Log Analytics retention, 30–730 days. Default 30. */
  readonly logRetentionInDays?: number;
  /** A ready image pinned by digest; skips the build. Mutually exclusive with `appPath`/`dockerfile`. */
  readonly image?: string;
  /** Docker build context. Default: the reference service shipped in this package (`app/`). */
  readonly appPath?: string;
  /** Dockerfile. Default `<appPath>/Dockerfile`. */
  readonly dockerfile?: string;
  /** Docker build arguments. Default none. */
  readonly buildArgs?: Record<string, string>;
  /** How the deployer's Entra token becomes an ACR refresh token. Default: the registry's `/oauth2/exchange`. */
  readonly exchangeToken?: AcrTokenExchange;
  /**
   * Build the image during `pulumi preview` too (it is never pushed in a preview). Default false: a preview has
   * no side effects and needs no Docker daemon; `pulumi up` still fails on a broken build before the app changes.
   */
  readonly buildOnPreview?: boolean;
  /**
   * The tag the build is pushed under besides `latest`, never to be reused for other content. Default
   * `build-<hash of the context, Dockerfile and build args>`, so every image a revision runs stays tagged.
   */
  readonly imageTag?: string;
  /** OTEL_SERVICE_NAME of the app. Default: the container app's name. */
  readonly serviceName?: string;
  /** SERVICE_VERSION of the app (the service's `service.version`). Default: the image digest reference. */
  readonly serviceVersion?: pulumi.Input<string>;
}

/** The Azure names both components use, all resolved. */
export type TopologyNames = Readonly<Required<PublicContainerAppNames>>;

export const DEFAULT_TAGS: Readonly<Record<string, string>> = { "managed-by": "pulumi-aca" };

/** The user's tags over {@link DEFAULT_TAGS}, checked against Azure's tag rules. */
export function topologyTags(tags: Record<string, string> | undefined): Record<string, string> {
  const merged = { ...DEFAULT_TAGS, ...tags };
  checkTags(merged);
  return merged;
}

/** The seed that makes globally unique names differ between projects, stacks and components. */
export function uniqueSeedOf(name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}

/** The app as both components run it: its name, ingress, environment kind and settings with defaults. */
export interface TopologyAppSettings extends ResolvedContainerAppSettings {
  readonly containerAppName: string;
  readonly external: boolean;
  readonly environmentKind: EnvironmentKind;
}

/** What the shared checks resolve. */
export interface CheckedTopologyArgs {
  /** The user's tags over {@link DEFAULT_TAGS}. */
  readonly tags: Record<string, string>;
  readonly retentionInDays: number;
  readonly app: TopologyAppSettings;
}

/** What a component adds to the shared checks. */
export interface TopologyCheckOptions {
  /** The app's ingress reachable through the environment's load balancer. */
  readonly external: boolean;
  /** The registry as the component creates it. */
  readonly registry: Pick<RegistryArgs, "sku" | "allowedIpRanges">;
  /** The app's secrets, as they will be referenced. Default none. */
  readonly secrets?: readonly KeyVaultSecretArgs[];
  /** Variables the component sets itself, so user names are checked against them. Default none. */
  readonly reservedEnv?: Record<string, string>;
  /** The environment spreads replicas over availability zones, which changes the replica defaults. Default false. */
  readonly zoneRedundant?: boolean;
}

/**
 * Checks everything both components share, in the order they build it, and fills in the defaults. Throws a
 * ValidationError naming the field, the value and the rule, before anything is registered.
 */
export function checkTopologyArgs(args: ContainerAppTopologyArgs, names: TopologyNames, options: TopologyCheckOptions): CheckedTopologyArgs {
  const tags = topologyTags(args.tags);
  const retentionInDays = args.logRetentionInDays ?? 30;
  validateObservabilityArgs({ resourceGroupName: "", workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays });
  validateRegistryArgs({ resourceGroupName: "", registryName: names.registry, ...options.registry });
  checkName("userAssignedIdentity", "names.identity", names.identity);
  validateImageArgs({ repository: names.imageRepository, image: args.image, appPath: args.appPath, dockerfile: args.dockerfile, imageTag: args.imageTag });
  const environmentKind = args.environmentKind ?? "workload-profiles";
  validateEnvironmentArgs({ environmentName: names.environment, environmentKind });
  const app = {
    containerAppName: names.containerApp,
    external: options.external,
    environmentKind,
    ...resolveContainerAppSettings(args, { zoneRedundant: options.zoneRedundant }),
  };
  if (options.zoneRedundant && app.minReplicas < 2) {
    // Allowed (a dev stack may want scale to zero), but the zone redundancy then protects nothing.
    pulumi.log.warn(
      `minReplicas ${app.minReplicas} in a zone-redundant environment: a zone outage can take every replica down; ` +
        "keep 2 or more (3 covers every zone) or set zoneRedundant: false.",
    );
  }
  validateContainerAppArgs({ ...app, env: { ...options.reservedEnv, ...args.env }, secrets: options.secrets });
  return { tags, retentionInDays, app };
}

/** Where every resource goes: the created or existing group, its region, and the tags. */
export interface TopologyPlacement {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly tags: Record<string, string>;
}

/** Creates the resource group named `groupName`, or looks up `args.resourceGroupName` when given. */
export function placeTopology(
  name: string,
  args: Pick<ContainerAppTopologyArgs, "resourceGroupName" | "location">,
  groupName: string,
  tags: Record<string, string>,
  opts: pulumi.InvokeOptions & pulumi.CustomResourceOptions,
): TopologyPlacement {
  if (args.resourceGroupName !== undefined) {
    const existing = resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, opts);
    const location = args.location !== undefined ? pulumi.output(args.location) : existing.location;
    return { resourceGroupName: existing.name, location, tags };
  }
  const group = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: groupName, location: args.location, tags }, opts);
  return { resourceGroupName: group.name, location: group.location, tags };
}

/** Observability, the registry and the identity that pulls from it, with its AcrPull grant. */
export interface TopologyFoundation {
  readonly placement: TopologyPlacement;
  readonly observability: Observability;
  readonly registry: containerregistry.Registry;
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly pullGrant: authorization.RoleAssignment;
}

export interface TopologyFoundationArgs {
  readonly args: Pick<ContainerAppTopologyArgs, "resourceGroupName" | "location">;
  readonly names: TopologyNames;
  readonly checked: Pick<CheckedTopologyArgs, "tags" | "retentionInDays">;
  /** The registry's SKU and network access. */
  readonly registry: Pick<RegistryArgs, "sku" | "publicNetworkAccess" | "allowedIpRanges">;
}

/**
 * Creates what the app needs first: the resource group (or looks it up), logs and telemetry, the registry,
 * the identity and its AcrPull grant.
 */
export function createTopologyFoundation(name: string, args: TopologyFoundationArgs, opts: pulumi.CustomResourceOptions): TopologyFoundation {
  const { names, checked } = args;
  const placement = placeTopology(name, args.args, names.resourceGroup, checked.tags, opts);
  const observability = createObservability(
    name,
    { ...placement, workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays: checked.retentionInDays },
    opts,
  );
  const registry = createRegistry(name, { ...placement, registryName: names.registry, ...args.registry }, opts);
  const identity = createUserAssignedIdentity(name, { ...placement, identityName: names.identity }, opts);
  // User-assigned, so the AcrPull grant exists before the app: a system-assigned identity cannot be granted in time.
  const pullGrant = grantPull(`${name}-acrpull`, registry, identity.principalId, opts);
  return { placement, observability, registry, identity, pullGrant };
}

/** The foundation plus the image, the environment and the app. */
export interface Topology extends TopologyFoundation {
  readonly image: BuiltImage;
  readonly environment: app.ManagedEnvironment;
  readonly app: CreatedContainerApp;
}

export interface TopologyAppArgs {
  readonly args: ContainerAppTopologyArgs;
  readonly names: TopologyNames;
  readonly app: TopologyAppSettings;
  /** The server the image is pushed to, once it can be reached. Default: the registry's login server. */
  readonly pushServer?: pulumi.Input<string>;
  /** The environment's network settings. */
  readonly environment: Pick<EnvironmentArgs, "vnet" | "publicNetworkAccess" | "peerTrafficEncryption" | "zoneRedundant">;
  /** Key Vault references the app reads. Default none. */
  readonly secrets?: readonly KeyVaultSecretArgs[];
  /** Variables the component sets after the telemetry ones; the user's `env` goes over them. */
  readonly env?: Record<string, pulumi.Input<string>>;
  /** What the app waits for besides the AcrPull grant. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Builds the image, creates the environment and runs the app on it, after the pull grant and `dependsOn`. */
export function deployTopologyApp(name: string, foundation: TopologyFoundation, spec: TopologyAppArgs, opts: pulumi.CustomResourceOptions): Topology {
  const { placement, observability, registry, identity } = foundation;
  const { args, names } = spec;
  const image = buildImage(
    name,
    {
      loginServer: spec.pushServer ?? registry.loginServer,
      repository: names.imageRepository,
      image: args.image,
      appPath: args.appPath,
      dockerfile: args.dockerfile,
      buildArgs: args.buildArgs,
      exchangeToken: args.exchangeToken,
      buildOnPreview: args.buildOnPreview,
      imageTag: args.imageTag,
    },
    opts,
  );
  const environment = createManagedEnvironment(
    name,
    {
      ...placement,
      ...spec.environment,
      environmentName: names.environment,
      environmentKind: spec.app.environmentKind,
      logAnalyticsCustomerId: observability.workspaceCustomerId,
      logAnalyticsSharedKey: observability.workspaceSharedKey,
      appInsightsConnectionString: observability.connectionString,
    },
    opts,
  );
  const serviceName = args.serviceName ?? names.containerApp;
  const serviceVersion = pulumi.output(args.serviceVersion ?? image.ref);
  const created = createContainerApp(
    name,
    {
      ...placement,
      ...spec.app,
      environmentId: environment.id,
      image: image.ref,
      registryServer: registry.loginServer,
      identityId: identity.id,
      secrets: spec.secrets,
      dependsOn: [foundation.pullGrant, ...(spec.dependsOn ?? [])],
      env: {
        PORT: String(spec.app.targetPort),
        OTEL_SERVICE_NAME: serviceName,
        // The service reads its version from SERVICE_VERSION. OTEL_RESOURCE_ATTRIBUTES stays unset: the managed
        // OpenTelemetry agent injects its own, and a value set on the app would replace it
        // (https://learn.microsoft.com/en-us/azure/container-apps/opentelemetry-agents).
        SERVICE_VERSION: serviceVersion,
        ...spec.env,
        ...args.env,
      },
    },
    opts,
  );
  return { ...foundation, image, environment, app: created };
}

type TopologyOutputName =
  | "url"
  | "fqdn"
  | "containerAppName"
  | "containerAppId"
  | "latestRevisionName"
  | "imageRef"
  | "registryLoginServer"
  | "identityId"
  | "identityPrincipalId"
  | "identityClientId"
  | "appPrincipalId"
  | "environmentId"
  | "logAnalyticsWorkspaceId"
  | "appInsightsConnectionString"
  | "resourceGroupName";

/** The outputs both components expose; each component adds its own. */
export abstract class ContainerAppTopology extends pulumi.ComponentResource {
  /** `https://<fqdn>`; in a private environment it resolves only where the environment's zone is visible. */
  declare readonly url: pulumi.Output<string>;
  /** The app's ingress host name. */
  declare readonly fqdn: pulumi.Output<string>;
  declare readonly containerAppName: pulumi.Output<string>;
  declare readonly containerAppId: pulumi.Output<string>;
  declare readonly latestRevisionName: pulumi.Output<string>;
  /** The image the app runs, `<registry>/<repository>@sha256:…`. */
  declare readonly imageRef: pulumi.Output<string>;
  declare readonly registryLoginServer: pulumi.Output<string>;
  /** Resource id of the user-assigned identity (image pulls, and Key Vault and blob access where granted). */
  declare readonly identityId: pulumi.Output<string>;
  declare readonly identityPrincipalId: pulumi.Output<string>;
  declare readonly identityClientId: pulumi.Output<string>;
  /** Principal id of the app's system-assigned identity, for its own data access. */
  declare readonly appPrincipalId: pulumi.Output<string>;
  declare readonly environmentId: pulumi.Output<string>;
  declare readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** App Insights connection string, secret. */
  declare readonly appInsightsConnectionString: pulumi.Output<string>;
  declare readonly resourceGroupName: pulumi.Output<string>;

  protected constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }

  /** Sets the shared outputs from the topology and registers them with the component's own. */
  protected registerTopologyOutputs(topology: Topology, own: Record<string, pulumi.Output<unknown>> = {}): void {
    const { app: created, image, registry, identity, environment, observability, placement } = topology;
    const outputs: Pick<ContainerAppTopology, TopologyOutputName> = {
      url: created.url,
      fqdn: created.fqdn,
      containerAppName: created.app.name,
      containerAppId: created.app.id,
      latestRevisionName: created.app.latestRevisionName,
      imageRef: image.ref,
      registryLoginServer: registry.loginServer,
      identityId: identity.id,
      identityPrincipalId: identity.principalId,
      identityClientId: identity.clientId,
      appPrincipalId: created.app.identity.apply((value) => value?.principalId ?? ""),
      environmentId: environment.id,
      logAnalyticsWorkspaceId: observability.workspace.id,
      appInsightsConnectionString: observability.connectionString,
      resourceGroupName: placement.resourceGroupName,
    };
    // The fields are declared here and set once, from one place, for both components.
    Object.assign(this, outputs);
    this.registerOutputs({ ...outputs, ...own });
  }
}
