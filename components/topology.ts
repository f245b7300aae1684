import * as pulumi from "@pulumi/pulumi";
import type { AcrTokenExchange } from "./acrToken";
import type { ContainerAppSettings } from "./containerApp";
import type { ContainerAppsPlatform } from "./platform";
import type { ContainerAppService, PullRegistry } from "./service";
import type { EnvironmentKind } from "./subnets";

/**
 * Args PublicContainerApp and PrivateContainerApp both take, with the same defaults and rules. Each is one
 * ContainerAppsPlatform and one ContainerAppService; these args are split between the two.
 */
export interface ContainerAppTopologyArgs extends ContainerAppSettings {
  /** Use this existing resource group instead of creating one. Default: create `rg-<prefix>-<stack>`. */
  resourceGroupName?: pulumi.Input<string>;
  /** Azure region for everything. Default: the provider's `azure-native:location` (or the existing group's). */
  location?: pulumi.Input<string>;
  /** Base of every generated name. Default: the component name. */
  namePrefix?: string;
  /** Tags on every taggable resource, over the default `{ "managed-by": "pulumi-aca" }`. */
  tags?: Record<string, string>;
  /**
   * The managed environment's kind. "workload-profiles" (default): the app runs on the environment's
   * Consumption profile. "consumption-only" (legacy): no workload profiles; in a VNet its infrastructure
   * subnet must be /23 or larger and not delegated.
   */
  environmentKind?: EnvironmentKind;
  /** Log Analytics retention, 30–730 days. Default 30. */
  logRetentionInDays?: number;
  /**
   * A ready image pinned by digest; skips the build. Its registry must be the component's, one listed in
   * `pullRegistries`, or mcr.microsoft.com. Mutually exclusive with `appPath`/`dockerfile`.
   */
  image?: pulumi.Input<string>;
  /** More registries `image` may come from, each with AcrPull granted to the app's identity. Default none. */
  pullRegistries?: PullRegistry[];
  /** Docker build context. Default: the reference service shipped in this package (`app/`). */
  appPath?: string;
  /** Dockerfile. Default `<appPath>/Dockerfile`. */
  dockerfile?: string;
  /** Docker build arguments. Default none. */
  buildArgs?: Record<string, string>;
  /**
   * Build the image during `pulumi preview` too (it is never pushed in a preview). Default false: a preview has
   * no side effects and needs no Docker daemon; `pulumi up` still fails on a broken build before the app changes.
   */
  buildOnPreview?: boolean;
  /**
   * The tag the build is pushed under besides `latest`, never to be reused for other content. Default
   * `build-<hash of the context, Dockerfile and build args>`, so every image a revision runs stays tagged.
   */
  imageTag?: string;
  /** OTEL_SERVICE_NAME of the app. Default: the container app's name. */
  serviceName?: pulumi.Input<string>;
  /** SERVICE_VERSION of the app (the service's `service.version`). Default: the image digest reference. */
  serviceVersion?: pulumi.Input<string>;
}

/** TypeScript-only options of both compositions: functions cannot cross into other languages. */
export interface ContainerAppTopologyOptions extends pulumi.ComponentResourceOptions {
  /** How the deployer's Entra token becomes an ACR refresh token. Default: the registry's `/oauth2/exchange`. */
  exchangeToken?: AcrTokenExchange;
}

/** The token exchange from the options, or from the args where programs written for 0.1.0 still pass it. */
export function exchangeTokenOf(args: object, opts: ContainerAppTopologyOptions): AcrTokenExchange | undefined {
  return opts.exchangeToken ?? (args as { exchangeToken?: AcrTokenExchange }).exchangeToken;
}

/** The app-level settings of the topology args, as a service takes them. */
export function serviceSettingsOf(args: ContainerAppTopologyArgs): ContainerAppSettings {
  return {
    targetPort: args.targetPort,
    cpu: args.cpu,
    memory: args.memory,
    minReplicas: args.minReplicas,
    maxReplicas: args.maxReplicas,
    concurrency: args.concurrency,
    env: args.env,
    probes: args.probes,
    terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
    dapr: args.dapr,
    traffic: args.traffic,
    revisionSuffix: args.revisionSuffix,
  };
}

/**
 * The outputs PublicContainerApp and PrivateContainerApp both expose: the app and its identity from the service,
 * the registry, environment, observability and resource group from the platform. Each class still declares
 * them itself, because Pulumi's component analyzer reads a component's outputs from its own members.
 */
export function topologyOutputsOf(platform: ContainerAppsPlatform, service: ContainerAppService) {
  return {
    url: service.url,
    fqdn: service.fqdn,
    containerAppName: service.containerAppName,
    containerAppId: service.containerAppId,
    latestRevisionName: service.latestRevisionName,
    imageRef: service.imageRef,
    registryLoginServer: platform.registryLoginServer,
    identityId: service.identityId,
    identityPrincipalId: service.identityPrincipalId,
    identityClientId: service.identityClientId,
    appPrincipalId: service.appPrincipalId,
    environmentId: platform.environmentId,
    logAnalyticsWorkspaceId: platform.logAnalyticsWorkspaceId,
    appInsightsConnectionString: platform.appInsightsConnectionString,
    resourceGroupName: platform.resourceGroupName,
  };
}

/** The outputs both compositions declare and take from {@link topologyOutputsOf}. */
export type ContainerAppTopologyOutputs = ReturnType<typeof topologyOutputsOf>;

/**
 * Options that let stacks deployed with version 0.1.0 upgrade without replacing anything. Then the component's
 * type token was `aca:index:<Class>` and every resource was its direct child; now the token is
 * `pulumi-aca:index:<Class>` and the resources sit under a platform and a service. The component gets an alias
 * to its old type, and every cloud resource below it an alias to its old URN (its type and name under the old
 * component), so the engine moves each one's state instead of deleting and recreating it.
 */
export function upgradeOptions(name: string, oldType: string, opts: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
  const oldComponentUrn = pulumi.createUrn(name, oldType, opts.parent);
  const aliasToOldUrn: pulumi.ResourceTransformation = (resource) => {
    // This package's components are new; what sits below them is what 0.1.0 created.
    if (resource.type.startsWith("pulumi-aca:")) return undefined;
    return { props: resource.props, opts: pulumi.mergeOptions(resource.opts, { aliases: [pulumi.createUrn(resource.name, resource.type, oldComponentUrn)] }) };
  };
  return {
    ...opts,
    aliases: [{ type: oldType }, ...(opts.aliases ?? [])],
    transformations: [...(opts.transformations ?? []), aliasToOldUrn],
  };
}
