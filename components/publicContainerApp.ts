import * as pulumi from "@pulumi/pulumi";
import type { KeyVaultSecretArgs } from "./containerApp";
import { ContainerAppsPlatform, ContainerAppsPlatformArgs, ContainerAppsPlatformNames, checkPlatformArgs, claimPlatformNames, plannedPlatform, resolvePlatformNames, uniqueSeedOf } from "./platform";
import type { RegistrySku } from "./registry";
import { ContainerAppService, ContainerAppServiceArgs, ContainerAppServiceNames, checkServiceArgs, claimServiceNames, resolveServiceNames } from "./service";
import { ContainerAppTopologyArgs, ContainerAppTopologyOptions, ContainerAppTopologyOutputs, exchangeTokenOf, serviceSettingsOf, topologyOutputsOf, upgradeOptions } from "./topology";

/**
 * Azure names of the resources a PublicContainerApp creates; each defaults to one generated from the prefix
 * and the stack, so the stacks of one program never collide in a subscription. A name given here is used as
 * it is. Each may be an Output: checked against Azure's rule once known, with the same error, and left out of
 * the duplicate-name check, which compares only the names the program knows when it starts.
 */
export interface PublicContainerAppNames {
  /** Resource group (when created). Default `rg-<prefix>-<stack>`. */
  resourceGroup?: pulumi.Input<string>;
  /** Container registry, globally unique. Default `cr<prefix><hash of project, stack and component>`. */
  registry?: pulumi.Input<string>;
  /** User-assigned identity. Default `id-<prefix>-<stack>`. */
  identity?: pulumi.Input<string>;
  /** Log Analytics workspace. Default `log-<prefix>-<stack>`. */
  logAnalyticsWorkspace?: pulumi.Input<string>;
  /** Application Insights. Default `appi-<prefix>-<stack>`. */
  appInsights?: pulumi.Input<string>;
  /** Managed environment. Default `cae-<prefix>-<stack>`. */
  environment?: pulumi.Input<string>;
  /** Container app. Default `ca-<prefix>-<stack>`. */
  containerApp?: pulumi.Input<string>;
  /** Image repository in the registry. Default `<prefix>`. */
  imageRepository?: pulumi.Input<string>;
}

export interface PublicContainerAppArgs extends ContainerAppTopologyArgs {
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  names?: PublicContainerAppNames;
  /** Registry SKU. Default "Basic". */
  registrySku?: RegistrySku;
  /** Ingress open to the internet. Default true. */
  external?: boolean;
  /** Encrypt traffic between apps and replicas inside the environment. Default true. */
  peerTrafficEncryption?: boolean;
  /**
   * Key Vault secret references, read through the user-assigned identity (grant it Key Vault Secrets User,
   * see `identityPrincipalId`, or list the vault in `keyVaultIds`). Never inline values. Default none.
   */
  secrets?: KeyVaultSecretArgs[];
  /** Key Vaults (resource ids) the identity is granted Key Vault Secrets User on, before the app exists. Default none. */
  keyVaultIds?: pulumi.Input<string>[];
}

/** The platform's share of a composition's names (`PublicContainerAppNames`, or the private ones that extend them). */
export function platformNamesOf(names: PublicContainerAppNames = {}): ContainerAppsPlatformNames {
  return {
    resourceGroup: names.resourceGroup,
    registry: names.registry,
    logAnalyticsWorkspace: names.logAnalyticsWorkspace,
    appInsights: names.appInsights,
    environment: names.environment,
  };
}

/** The service's share of a composition's names. */
export function serviceNamesOf(names: PublicContainerAppNames = {}): ContainerAppServiceNames {
  return { containerApp: names.containerApp, identity: names.identity, imageRepository: names.imageRepository };
}

/** The Azure names a PublicContainerApp uses: its platform's and its service's, explicit ones validated, the rest generated. */
export function resolvePublicContainerAppNames(
  name: string,
  args: Pick<PublicContainerAppArgs, "namePrefix" | "names">,
  uniqueSeed: string = uniqueSeedOf(name),
  stack: string = pulumi.getStack(),
) {
  const platform = resolvePlatformNames(name, publicPlatformArgs(args), stack, uniqueSeed);
  const service = resolveServiceNames(name, { namePrefix: args.namePrefix, names: serviceNamesOf(args.names) }, stack);
  return {
    resourceGroup: platform.resourceGroup,
    registry: platform.registry,
    identity: service.identity,
    logAnalyticsWorkspace: platform.logAnalyticsWorkspace,
    appInsights: platform.appInsights,
    environment: platform.environment,
    containerApp: service.containerApp,
    imageRepository: service.imageRepository,
  };
}

/** The platform half of a PublicContainerApp's args. */
export function publicPlatformArgs(args: Omit<PublicContainerAppArgs, "names"> & { names?: PublicContainerAppNames }): ContainerAppsPlatformArgs {
  return {
    namePrefix: args.namePrefix,
    names: platformNamesOf(args.names),
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    tags: args.tags,
    logRetentionInDays: args.logRetentionInDays,
    registrySku: args.registrySku,
    environmentKind: args.environmentKind,
    peerTrafficEncryption: args.peerTrafficEncryption ?? true,
  };
}

/** The service half of a PublicContainerApp's args, on `platform`. */
export function publicServiceArgs(args: PublicContainerAppArgs, platform: ContainerAppServiceArgs["platform"]): ContainerAppServiceArgs {
  return {
    ...serviceSettingsOf(args),
    platform,
    namePrefix: args.namePrefix,
    names: serviceNamesOf(args.names),
    tags: args.tags,
    ingress: (args.external ?? true) ? "external" : "internal",
    image: args.image,
    pullRegistries: args.pullRegistries,
    appPath: args.appPath,
    dockerfile: args.dockerfile,
    buildArgs: args.buildArgs,
    buildOnPreview: args.buildOnPreview,
    imageTag: args.imageTag,
    secrets: args.secrets,
    keyVaultIds: args.keyVaultIds,
    serviceName: args.serviceName,
    serviceVersion: args.serviceVersion,
  };
}

/**
 * The public Azure Container Apps topology in one resource: one `ContainerAppsPlatform` (resource group, Log
 * Analytics and workspace-based App Insights, a registry without admin user, a workload-profiles or
 * consumption-only environment with the managed OpenTelemetry agent) and one `ContainerAppService` on it (a
 * user-assigned identity holding AcrPull on the registry before the app exists, the image built and pushed
 * with an exchanged Entra token and run by digest, and the container app behind HTTPS).
 */
export class PublicContainerApp extends pulumi.ComponentResource implements ContainerAppTopologyOutputs {
  /** `https://<fqdn>`. */
  declare readonly url: pulumi.Output<string>;
  /** The app's ingress host name. */
  declare readonly fqdn: pulumi.Output<string>;
  /** The container app's Azure name. */
  declare readonly containerAppName: pulumi.Output<string>;
  /** Resource id of the container app. */
  declare readonly containerAppId: pulumi.Output<string>;
  /** The newest revision's name. */
  declare readonly latestRevisionName: pulumi.Output<string>;
  /** The image the app runs, `<registry>/<repository>@sha256:…`. */
  declare readonly imageRef: pulumi.Output<string>;
  /** The registry's login server, `<name>.azurecr.io`. */
  declare readonly registryLoginServer: pulumi.Output<string>;
  /** Resource id of the user-assigned identity (image pulls, and Key Vault access where granted). */
  declare readonly identityId: pulumi.Output<string>;
  /** Principal (object) id of the user-assigned identity, for more role grants. */
  declare readonly identityPrincipalId: pulumi.Output<string>;
  /** Client id of the user-assigned identity (AZURE_CLIENT_ID). */
  declare readonly identityClientId: pulumi.Output<string>;
  /** Principal id of the app's system-assigned identity, for its own data access. */
  declare readonly appPrincipalId: pulumi.Output<string>;
  /** Resource id of the managed environment. */
  declare readonly environmentId: pulumi.Output<string>;
  /** Resource id of the Log Analytics workspace. */
  declare readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** App Insights connection string, secret. */
  declare readonly appInsightsConnectionString: pulumi.Output<string>;
  /** The resource group everything is in. */
  declare readonly resourceGroupName: pulumi.Output<string>;

  constructor(name: string, args: PublicContainerAppArgs = {}, opts: ContainerAppTopologyOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const platformArgs = publicPlatformArgs(args);
    const checkedPlatform = checkPlatformArgs(name, platformArgs);
    const serviceArgs = publicServiceArgs(args, plannedPlatform(platformArgs, checkedPlatform));
    const checkedService = checkServiceArgs(name, serviceArgs);
    claimPlatformNames(name, platformArgs, checkedPlatform);
    claimServiceNames(name, serviceArgs, checkedService);
    const { exchangeToken: _exchange, ...resourceOptions } = opts;
    super("pulumi-aca:index:PublicContainerApp", name, {}, upgradeOptions(name, "aca:index:PublicContainerApp", resourceOptions));
    const platform = new ContainerAppsPlatform(name, platformArgs, { parent: this });
    const service = new ContainerAppService(name, publicServiceArgs(args, platform), { parent: this, exchangeToken: exchangeTokenOf(args, opts) });

    const shared = topologyOutputsOf(platform, service);
    Object.assign(this, shared);
    this.registerOutputs(shared);
  }
}
