import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { AcrTokenExchange } from "./acrToken";
import { DaprArgs, KeyVaultSecretArgs, ProbesArgs, createContainerApp, validateContainerAppArgs } from "./containerApp";
import { createManagedEnvironment, validateEnvironmentArgs } from "./environment";
import { createUserAssignedIdentity } from "./identity";
import { buildImage, validateImageArgs } from "./image";
import { checkName, generateName } from "./naming";
import { createObservability, validateObservabilityArgs } from "./observability";
import { RegistrySku, createRegistry, grantPull, validateRegistryArgs } from "./registry";
import { TrafficWeight, checkTags } from "./validation";

/** Azure names of the resources a PublicContainerApp creates; each defaults to one generated from the prefix. */
export interface PublicContainerAppNames {
  /** Resource group (when created). Default `rg-<prefix>`. */
  readonly resourceGroup?: string;
  /** Container registry, globally unique. Default `cr<prefix><hash>`. */
  readonly registry?: string;
  /** User-assigned identity. Default `id-<prefix>`. */
  readonly identity?: string;
  /** Log Analytics workspace. Default `log-<prefix>`. */
  readonly logAnalyticsWorkspace?: string;
  /** Application Insights. Default `appi-<prefix>`. */
  readonly appInsights?: string;
  /** Managed environment. Default `cae-<prefix>`. */
  readonly environment?: string;
  /** Container app. Default `ca-<prefix>`. */
  readonly containerApp?: string;
  /** Image repository in the registry. Default `<prefix>`. */
  readonly imageRepository?: string;
}

export interface PublicContainerAppArgs {
  /** Use this existing resource group instead of creating one. Default: create `rg-<prefix>`. */
  readonly resourceGroupName?: string;
  /** Azure region for everything. Default: the provider's `azure-native:location` (or the existing group's). */
  readonly location?: pulumi.Input<string>;
  /** Base of every generated name. Default: the component name. */
  readonly namePrefix?: string;
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  readonly names?: PublicContainerAppNames;
  /** Tags on every taggable resource, over the default `{ "managed-by": "pulumi-aca" }`. */
  readonly tags?: Record<string, string>;
  /** Log Analytics retention, 30–730 days. Default 30. */
  readonly logRetentionInDays?: number;
  /** Registry SKU. Default "Basic". */
  readonly registrySku?: RegistrySku;
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
  /** Ingress open to the internet. Default true. */
  readonly external?: boolean;
  /** Encrypt traffic between apps and replicas inside the environment. Default true. */
  readonly peerTrafficEncryption?: boolean;
  /** Port the container listens on, 1–65535. Default 8000. */
  readonly targetPort?: number;
  /** CPU cores, 0.25–4 in 0.25 steps. Default 0.5. */
  readonly cpu?: number;
  /** Memory, 2 GiB per core ("1Gi" for 0.5). Default "1Gi". */
  readonly memory?: string;
  /** Fewest replicas (0 scales to zero). Default 0. */
  readonly minReplicas?: number;
  /** Most replicas, ≥ minReplicas, ≤ 1000. Default 3. */
  readonly maxReplicas?: number;
  /** Concurrent requests per replica before scaling out, ≥ 1. Default 100. */
  readonly concurrency?: number;
  /** Extra environment variables (plain values; use `secrets` for secrets). Default none. */
  readonly env?: Record<string, pulumi.Input<string>>;
  /**
   * Key Vault secret references, read through the user-assigned identity (grant it Key Vault Secrets User,
   * see `identityPrincipalId`). Never inline values. Default none.
   */
  readonly secrets?: readonly KeyVaultSecretArgs[];
  /** Probe overrides; defaults: liveness /health, readiness /ready, startup /health. */
  readonly probes?: ProbesArgs;
  /** Seconds between SIGTERM and SIGKILL, 0–600. Default 30. */
  readonly terminationGracePeriodSeconds?: number;
  /** Dapr sidecar. Default off. */
  readonly dapr?: DaprArgs;
  /** Traffic split between revisions (weights sum to 100); turns on multiple revision mode. Default none. */
  readonly traffic?: readonly TrafficWeight[];
  /** Suffix for the revision this deployment creates. Default: Azure's. */
  readonly revisionSuffix?: string;
  /** OTEL_SERVICE_NAME of the app. Default: the container app's name. */
  readonly serviceName?: string;
  /** SERVICE_VERSION of the app. Default: the image digest reference. */
  readonly serviceVersion?: pulumi.Input<string>;
}

/** The Azure names a PublicContainerApp uses: explicit ones validated, the rest generated. */
export function resolvePublicContainerAppNames(name: string, args: Pick<PublicContainerAppArgs, "namePrefix" | "names">, uniqueSeed: string) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  const resolved = {
    resourceGroup: names.resourceGroup ?? generateName("resourceGroup", base),
    registry: names.registry ?? generateName("containerRegistry", base, { uniqueSeed }),
    identity: names.identity ?? generateName("userAssignedIdentity", base),
    logAnalyticsWorkspace: names.logAnalyticsWorkspace ?? generateName("logAnalyticsWorkspace", base),
    appInsights: names.appInsights ?? generateName("applicationInsights", base),
    environment: names.environment ?? generateName("managedEnvironment", base),
    containerApp: names.containerApp ?? generateName("containerApp", base),
    imageRepository: names.imageRepository ?? generateName("imageRepository", base),
  };
  checkName("resourceGroup", "names.resourceGroup", resolved.resourceGroup);
  return resolved;
}

export const DEFAULT_TAGS: Readonly<Record<string, string>> = { "managed-by": "pulumi-aca" };

/**
 * The public Azure Container Apps topology in one resource: resource group, Log Analytics and workspace-based
 * App Insights, a registry without admin user, a user-assigned identity holding AcrPull on the registry
 * before the app exists, the image built and pushed with an exchanged Entra token and run by digest, a
 * workload-profiles environment with the managed OpenTelemetry agent, and the container app behind HTTPS.
 */
export class PublicContainerApp extends pulumi.ComponentResource {
  /** `https://<fqdn>`. */
  readonly url: pulumi.Output<string>;
  /** The app's ingress host name. */
  readonly fqdn: pulumi.Output<string>;
  readonly containerAppName: pulumi.Output<string>;
  readonly containerAppId: pulumi.Output<string>;
  readonly latestRevisionName: pulumi.Output<string>;
  /** The image the app runs, `<registry>/<repository>@sha256:…`. */
  readonly imageRef: pulumi.Output<string>;
  readonly registryLoginServer: pulumi.Output<string>;
  /** Resource id of the user-assigned identity (pull and Key Vault access). */
  readonly identityId: pulumi.Output<string>;
  readonly identityPrincipalId: pulumi.Output<string>;
  readonly identityClientId: pulumi.Output<string>;
  /** Principal id of the app's system-assigned identity, for its own data access. */
  readonly appPrincipalId: pulumi.Output<string>;
  readonly environmentId: pulumi.Output<string>;
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** App Insights connection string, secret. */
  readonly appInsightsConnectionString: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;

  constructor(name: string, args: PublicContainerAppArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const tags = { ...DEFAULT_TAGS, ...args.tags };
    checkTags(tags);
    const names = resolvePublicContainerAppNames(name, args, `${pulumi.getProject()}/${pulumi.getStack()}/${name}`);
    const retentionInDays = args.logRetentionInDays ?? 30;
    validateObservabilityArgs({ resourceGroupName: "", workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays });
    validateRegistryArgs({ resourceGroupName: "", registryName: names.registry, sku: args.registrySku });
    checkName("userAssignedIdentity", "names.identity", names.identity);
    validateImageArgs({ repository: names.imageRepository, image: args.image, appPath: args.appPath, dockerfile: args.dockerfile });
    validateEnvironmentArgs({ environmentName: names.environment });
    const appSettings = {
      containerAppName: names.containerApp,
      external: args.external ?? true,
      targetPort: args.targetPort ?? 8000,
      cpu: args.cpu ?? 0.5,
      memory: args.memory ?? "1Gi",
      minReplicas: args.minReplicas ?? 0,
      maxReplicas: args.maxReplicas ?? 3,
      concurrency: args.concurrency ?? 100,
      secrets: args.secrets,
      probes: args.probes,
      terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
      dapr: args.dapr,
      traffic: args.traffic,
      revisionSuffix: args.revisionSuffix,
    };
    validateContainerAppArgs({ ...appSettings, env: args.env });

    super("aca:index:PublicContainerApp", name, {}, opts);
    const child = { parent: this };

    let resourceGroupName: pulumi.Output<string>;
    let location: pulumi.Output<string>;
    if (args.resourceGroupName !== undefined) {
      const existing = resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, child);
      resourceGroupName = existing.name;
      location = args.location !== undefined ? pulumi.output(args.location) : existing.location;
    } else {
      const group = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: names.resourceGroup, location: args.location, tags }, child);
      resourceGroupName = group.name;
      location = group.location;
    }
    const common = { resourceGroupName, location, tags };

    const observability = createObservability(
      name,
      { ...common, workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays },
      child,
    );
    const registry = createRegistry(name, { ...common, registryName: names.registry, sku: args.registrySku }, child);
    const identity = createUserAssignedIdentity(name, { ...common, identityName: names.identity }, child);
    // User-assigned, so the AcrPull grant exists before the app: a system-assigned identity cannot be granted in time.
    const pullGrant = grantPull(`${name}-acrpull`, registry, identity.principalId, child);
    const image = buildImage(
      name,
      {
        loginServer: registry.loginServer,
        repository: names.imageRepository,
        image: args.image,
        appPath: args.appPath,
        dockerfile: args.dockerfile,
        buildArgs: args.buildArgs,
        exchangeToken: args.exchangeToken,
      },
      child,
    );
    const environment = createManagedEnvironment(
      name,
      {
        ...common,
        environmentName: names.environment,
        peerTrafficEncryption: args.peerTrafficEncryption ?? true,
        logAnalyticsCustomerId: observability.workspaceCustomerId,
        logAnalyticsSharedKey: observability.workspaceSharedKey,
        appInsightsConnectionString: observability.connectionString,
      },
      child,
    );
    const serviceName = args.serviceName ?? names.containerApp;
    const serviceVersion = pulumi.output(args.serviceVersion ?? image.ref);
    const created = createContainerApp(
      name,
      {
        ...common,
        ...appSettings,
        environmentId: environment.id,
        image: image.ref,
        registryServer: registry.loginServer,
        identityId: identity.id,
        dependsOn: [pullGrant],
        env: {
          PORT: String(appSettings.targetPort),
          OTEL_SERVICE_NAME: serviceName,
          SERVICE_VERSION: serviceVersion,
          OTEL_RESOURCE_ATTRIBUTES: pulumi.interpolate`service.version=${serviceVersion}`,
          ...args.env,
        },
      },
      child,
    );

    this.url = created.url;
    this.fqdn = created.fqdn;
    this.containerAppName = created.app.name;
    this.containerAppId = created.app.id;
    this.latestRevisionName = created.app.latestRevisionName;
    this.imageRef = image.ref;
    this.registryLoginServer = registry.loginServer;
    this.identityId = identity.id;
    this.identityPrincipalId = identity.principalId;
    this.identityClientId = identity.clientId;
    this.appPrincipalId = created.app.identity.apply((value) => value?.principalId ?? "");
    this.environmentId = environment.id;
    this.logAnalyticsWorkspaceId = observability.workspace.id;
    this.appInsightsConnectionString = observability.connectionString;
    this.resourceGroupName = resourceGroupName;
    this.registerOutputs({
      url: this.url,
      fqdn: this.fqdn,
      containerAppName: this.containerAppName,
      containerAppId: this.containerAppId,
      latestRevisionName: this.latestRevisionName,
      imageRef: this.imageRef,
      registryLoginServer: this.registryLoginServer,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
      identityClientId: this.identityClientId,
      appPrincipalId: this.appPrincipalId,
      environmentId: this.environmentId,
      logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
      appInsightsConnectionString: this.appInsightsConnectionString,
      resourceGroupName: this.resourceGroupName,
    });
  }
}

