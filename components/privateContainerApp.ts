import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { knownValue } from "./inputs";
import { checkVaultSecretName, createKeyVault, createKeyVaultSecret, checkSoftDeleteRetention, secretUrl } from "./keyVault";
import { claimAzureName } from "./nameClaims";
import { checkedName, generateName } from "./naming";
import { ContainerAppsPlatform, ContainerAppsPlatformArgs, ExistingNetwork, ImagePush, PrivateNetworkSettings, checkPlatformArgs, claimPlatformNames, plannedPlatform, uniqueSeedOf } from "./platform";
import { PrivateLink, createPrivateLink } from "./privateEndpoints";
import { PublicContainerAppNames, platformNamesOf, serviceNamesOf } from "./publicContainerApp";
import { ContainerAppService, ContainerAppServiceArgs, checkServiceArgs, claimServiceNames } from "./service";
import { StorageSku, checkContainerName, checkStorageSku, createBlobContainer, createStorageAccount } from "./storage";
import { ContainerAppTopologyArgs, ContainerAppTopologyOptions, ContainerAppTopologyOutputs, exchangeTokenOf, serviceSettingsOf, topologyOutputsOf, upgradeOptions } from "./topology";
import { ValidationError } from "./validation";

/** Azure names of what a PrivateContainerApp creates; each defaults to one generated from the prefix. */
export interface PrivateContainerAppNames extends PublicContainerAppNames {
  /** Key Vault, globally unique. Default `kv-<prefix>-<hash>`. */
  readonly keyVault?: pulumi.Input<string>;
  /** Storage account, globally unique. Default `st<prefix><hash>`. */
  readonly storageAccount?: pulumi.Input<string>;
  /** Virtual network (when created). Default `vnet-<prefix>-<stack>`. */
  readonly virtualNetwork?: pulumi.Input<string>;
}

/** Private DNS zones owned elsewhere (a hub): given zones are used as they are and none are created. */
export interface PrivateDnsZoneIds {
  /** Zone `privatelink.azurecr.io`. */
  readonly registry?: pulumi.Input<string>;
  /** Zone `privatelink.vaultcore.azure.net`. */
  readonly vault?: pulumi.Input<string>;
  /** Zone `privatelink.blob.core.windows.net`. */
  readonly blob?: pulumi.Input<string>;
  /** The zone named after the internal environment's default domain; the `*` record is written into it. */
  readonly environment?: pulumi.Input<string>;
}

/** A secret the app reads from the component's Key Vault through its identity. */
export interface PrivateSecretArgs {
  /** The Container Apps secret name (lowercase letters, digits, hyphens). */
  readonly name: string;
  /** Environment variable that receives it. Default: none (mount or read it by name). */
  readonly env?: string;
  /** The secret's name in the vault. Default: `name`. */
  readonly vaultSecretName?: string;
  /**
   * A value to write into the vault (through Azure Resource Manager, kept secret in state). Default: none;
   * the secret is expected to be written into the vault by whoever owns it.
   */
  readonly value?: pulumi.Input<string>;
}

export interface PrivateContainerAppArgs extends ContainerAppTopologyArgs {
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  readonly names?: PrivateContainerAppNames;
  /** The VNet to create. Default: 10.0.0.0/16 with 10.0.0.0/23 and 10.0.2.0/24. Exclusive with `existingNetwork`. */
  readonly network?: PrivateNetworkSettings;
  /** Use an existing VNet and subnets instead of creating them. Exclusive with `network`. */
  readonly existingNetwork?: ExistingNetwork;
  /** Hub-owned private DNS zones to register the endpoints in. Default: a zone per service, linked to the VNet. */
  readonly privateDnsZoneIds?: PrivateDnsZoneIds;
  /**
   * The environment's load balancer: internal (true, default), a private IP in the infrastructure subnet
   * with public network access disabled; or external (false), a public IP for apps with external ingress.
   */
  readonly internal?: boolean;
  /**
   * The app's ingress. False (default): reachable only from apps in the same environment. True: reachable
   * through the environment's load balancer, which for an internal environment means from the VNet (and
   * networks peered to it), never from the internet.
   */
  readonly externalIngress?: boolean;
  /**
   * Spread the environment across availability zones, so a zone outage leaves the app running. Needs a
   * region with availability zones. Default true, and with it `minReplicas` defaults to 3 (one replica per
   * zone, always on: the app no longer scales to zero, which is the cost of surviving a zone outage). Set
   * false for a dev stack to keep scale to zero.
   */
  readonly zoneRedundant?: boolean;
  /**
   * How the image gets into the private registry. Default "allow-listed-ip" when `deployerIpAddress` is given,
   * otherwise "inside-network" (the registry closed to every public address). A first deployment from outside
   * the VNet (a laptop, a hosted CI runner) gives `deployerIpAddress`; moving to "inside-network" later closes
   * the registry in place. See {@link ImagePush}.
   */
  readonly imagePush?: ImagePush;
  /** The deployer's public IPv4 address or range, allowed through the registry firewall; only with "allow-listed-ip", which it selects by default. */
  readonly deployerIpAddress?: string;
  /** Days Key Vault keeps deleted secrets, 7–90. Default 90. */
  readonly softDeleteRetentionInDays?: number;
  /**
   * Key Vault purge protection. Default true: a destroyed stack's vault name stays taken for
   * `softDeleteRetentionInDays`. False for a dev stack destroyed and recreated often (the pack's mandatory
   * `kv-purge-protection` rule then reports it); it cannot be turned off once a vault has it.
   */
  readonly purgeProtection?: boolean;
  /** Storage redundancy. Default "Standard_ZRS". */
  readonly storageSku?: StorageSku;
  /** The blob container the app gets (as AZURE_STORAGE_CONTAINER). Default "data". */
  readonly blobContainerName?: string;
  /** Secrets read from the component's Key Vault as Key Vault references. Default none. */
  readonly secrets?: PrivateSecretArgs[];
}

/** Private endpoint ids by service. */
export interface PrivateEndpointIds {
  registry: string;
  vault: string;
  blob: string;
}

/** Private DNS zone ids by service, plus the internal environment's own zone. */
export interface PrivateZoneIds {
  registry: string;
  vault: string;
  blob: string;
  environment?: string;
}

/** The Azure names a PrivateContainerApp adds to the platform's and the service's: vault and storage account. */
export function resolvePrivateDataNames(name: string, args: Pick<PrivateContainerAppArgs, "namePrefix" | "names">) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  const uniqueSeed = uniqueSeedOf(name);
  const resolved = {
    keyVault: names.keyVault ?? generateName("keyVault", base, { uniqueSeed }),
    storageAccount: names.storageAccount ?? generateName("storageAccount", base, { uniqueSeed }),
  };
  // A known name is checked now; an Output inside `apply` once known, with the same error.
  return {
    keyVault: checkedName("keyVault", "names.keyVault", resolved.keyVault),
    storageAccount: checkedName("storageAccount", "names.storageAccount", resolved.storageAccount),
  };
}

/** The platform half of a PrivateContainerApp's args: private mode, Premium registry, hub zones. */
export function privatePlatformArgs(args: PrivateContainerAppArgs): ContainerAppsPlatformArgs {
  return {
    namePrefix: args.namePrefix,
    names: { ...platformNamesOf(args.names), virtualNetwork: args.names?.virtualNetwork },
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    tags: args.tags,
    logRetentionInDays: args.logRetentionInDays,
    registrySku: "Premium",
    environmentKind: args.environmentKind,
    peerTrafficEncryption: true,
    zoneRedundant: args.zoneRedundant ?? true,
    privateNetwork: {
      network: args.network,
      existingNetwork: args.existingNetwork,
      privateDnsZoneIds: { registry: args.privateDnsZoneIds?.registry, environment: args.privateDnsZoneIds?.environment },
      internal: args.internal ?? true,
      imagePush: args.imagePush,
      deployerIpAddress: args.deployerIpAddress,
    },
  };
}

/** The variables the component sets itself on top of the service's. */
const DATA_ENV = ["AZURE_KEY_VAULT_URI", "AZURE_STORAGE_BLOB_ENDPOINT", "AZURE_STORAGE_CONTAINER"] as const;

/** The service half of a PrivateContainerApp's args, on `platform`, reading from the vault and the account. */
export function privateServiceArgs(
  args: PrivateContainerAppArgs,
  platform: ContainerAppServiceArgs["platform"],
  data: { keyVaultId: pulumi.Input<string>; storageAccountId: pulumi.Input<string>; vaultUri: pulumi.Input<string>; blobEndpoint: pulumi.Input<string> },
): ContainerAppServiceArgs {
  const blobContainerName = args.blobContainerName ?? "data";
  return {
    ...serviceSettingsOf(args),
    platform,
    namePrefix: args.namePrefix,
    names: serviceNamesOf(args.names),
    tags: args.tags,
    ingress: args.externalIngress ? "external" : "internal",
    image: args.image,
    pullRegistries: args.pullRegistries,
    appPath: args.appPath,
    dockerfile: args.dockerfile,
    buildArgs: args.buildArgs,
    buildOnPreview: args.buildOnPreview,
    imageTag: args.imageTag,
    secrets: (args.secrets ?? []).map((secret) => ({
      name: secret.name,
      env: secret.env,
      keyVaultUrl: secretUrl(data.vaultUri, secret.vaultSecretName ?? secret.name),
    })),
    keyVaultIds: [data.keyVaultId],
    storageAccountIds: [data.storageAccountId],
    env: {
      AZURE_KEY_VAULT_URI: data.vaultUri,
      AZURE_STORAGE_BLOB_ENDPOINT: data.blobEndpoint,
      AZURE_STORAGE_CONTAINER: blobContainerName,
      ...args.env,
    },
    serviceName: args.serviceName,
    serviceVersion: args.serviceVersion,
  };
}

/** Checks the vault-side names of the secrets: valid, and each written value under a name of its own. */
function checkPrivateSecrets(secrets: readonly PrivateSecretArgs[]): void {
  const written = new Set<string>();
  secrets.forEach((secret, index) => {
    const vaultSecretName = secret.vaultSecretName ?? secret.name;
    checkVaultSecretName(`secrets[${index}].vaultSecretName`, vaultSecretName);
    if (secret.value === undefined) return;
    if (written.has(vaultSecretName)) {
      throw new ValidationError(`secrets[${index}].vaultSecretName`, vaultSecretName, "two values cannot be written under one vault secret name");
    }
    written.add(vaultSecretName);
  });
}

/** A well-formed stand-in for what is known only once the vault exists, so the service's checks can run first. */
const PLACEHOLDER_DATA = {
  keyVaultId: "",
  storageAccountId: "",
  vaultUri: "https://placeholder.vault.azure.net/",
  blobEndpoint: "https://placeholder.blob.core.windows.net/",
};

/**
 * The private Azure Container Apps topology in one resource: one `ContainerAppsPlatform` in private mode (a
 * VNet, or an existing one, with an infrastructure subnet and a private-endpoints subnet under NSGs; an
 * internal, VNet-integrated environment with public access off, peer-traffic encryption, logs, the managed
 * OpenTelemetry agent and a private DNS zone for its default domain; a Premium registry reached through a
 * private endpoint), a Key Vault and a blob storage account each reached only through a private endpoint
 * whose DNS zone is linked to the VNet, and one `ContainerAppService`: a user-assigned identity holding
 * AcrPull, Key Vault Secrets User and Storage Blob Data Contributor, each on its own resource, before the app
 * exists, and the app with internal ingress reading its secrets as Key Vault references.
 */
export class PrivateContainerApp extends pulumi.ComponentResource implements ContainerAppTopologyOutputs {
  /** `https://<fqdn>`; it resolves only where the environment's zone is visible. */
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
  /** Resource id of the user-assigned identity (image pulls, Key Vault and blob access). */
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
  /** The environment's private IP (internal) or public IP (external). */
  readonly environmentStaticIp: pulumi.Output<string>;
  /** The environment's default domain; apps are `<app>.<defaultDomain>`. */
  readonly environmentDefaultDomain: pulumi.Output<string>;
  /** Resource id of the VNet. */
  readonly virtualNetworkId: pulumi.Output<string>;
  /** Resource id of the environment's infrastructure subnet. */
  readonly infrastructureSubnetId: pulumi.Output<string>;
  /** Resource id of the private endpoints subnet. */
  readonly privateEndpointsSubnetId: pulumi.Output<string>;
  /** Private endpoint ids by service. */
  readonly privateEndpointIds: pulumi.Output<PrivateEndpointIds>;
  /** Private DNS zone ids by service, plus the environment's own zone when it is internal. */
  readonly privateDnsZoneIds: pulumi.Output<PrivateZoneIds>;
  /** The Key Vault's Azure name. */
  readonly keyVaultName: pulumi.Output<string>;
  /** `https://<vault>.vault.azure.net/`. */
  readonly vaultUri: pulumi.Output<string>;
  /** The storage account's Azure name. */
  readonly storageAccountName: pulumi.Output<string>;
  /** `https://<account>.blob.core.windows.net/`. */
  readonly blobEndpoint: pulumi.Output<string>;

  constructor(name: string, args: PrivateContainerAppArgs = {}, opts: ContainerAppTopologyOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const platformArgs = privatePlatformArgs(args);
    const checkedPlatform = checkPlatformArgs(name, platformArgs);
    const dataNames = resolvePrivateDataNames(name, args);
    checkSoftDeleteRetention("softDeleteRetentionInDays", args.softDeleteRetentionInDays ?? 90);
    checkStorageSku("storageSku", args.storageSku ?? "Standard_ZRS");
    const blobContainerName = args.blobContainerName ?? "data";
    checkContainerName("blobContainerName", blobContainerName);
    const secrets = args.secrets ?? [];
    checkPrivateSecrets(secrets);
    const plannedArgs = privateServiceArgs(args, plannedPlatform(platformArgs, checkedPlatform), PLACEHOLDER_DATA);
    const checkedService = checkServiceArgs(name, plannedArgs);
    const userEnv = Object.keys(args.env ?? {});
    const clash = DATA_ENV.find((variable) => userEnv.includes(variable) || secrets.some((secret) => secret.env === variable));
    if (clash && secrets.some((secret) => secret.env === clash)) {
      throw new ValidationError("secrets.env", clash, "is set by the component itself; give the secret another variable");
    }
    claimPlatformNames(name, platformArgs, checkedPlatform);
    claimServiceNames(name, plannedArgs, checkedService);
    const claimant = `PrivateContainerApp ${name}`;
    claimAzureName("key vault", "global", knownValue(dataNames.keyVault), claimant, "names.keyVault");
    claimAzureName("storage account", "global", knownValue(dataNames.storageAccount), claimant, "names.storageAccount");

    const { exchangeToken: _exchange, ...resourceOptions } = opts;
    super("pulumi-aca:index:PrivateContainerApp", name, {}, upgradeOptions(name, "aca:index:PrivateContainerApp", resourceOptions));
    const child = { parent: this };
    const platform = new ContainerAppsPlatform(name, platformArgs, child);
    const resourceGroupName = platform.resourceGroupName;
    const tags = checkedPlatform.tags;
    const placement = { resourceGroupName, location: platform.location, tags };

    const tenantId = authorization.getClientConfigOutput(child).tenantId;
    const vault = createKeyVault(name, { ...placement, vaultName: dataNames.keyVault, tenantId, softDeleteRetentionInDays: args.softDeleteRetentionInDays, purgeProtection: args.purgeProtection }, child);
    const account = createStorageAccount(name, { ...placement, accountName: dataNames.storageAccount, sku: args.storageSku }, child);
    const container = createBlobContainer(name, { resourceGroupName, accountName: account.name, containerName: blobContainerName }, child);

    const virtualNetworkId = platform.virtualNetworkId.apply((id) => id!);
    const privateEndpointsSubnetId = platform.privateEndpointsSubnetId.apply((id) => id!);
    const linkArgs = { ...placement, subnetId: privateEndpointsSubnetId, virtualNetworkId };
    const zones = args.privateDnsZoneIds ?? {};
    const links: Record<"vault" | "blob", PrivateLink> = {
      vault: createPrivateLink(`${name}-kv`, { ...linkArgs, service: "vault", targetResourceId: vault.id, privateDnsZoneId: zones.vault }, child),
      blob: createPrivateLink(`${name}-st`, { ...linkArgs, service: "blob", targetResourceId: account.id, privateDnsZoneId: zones.blob }, child),
    };

    const vaultUri = vault.properties.apply((properties) => properties.vaultUri ?? "");
    const writtenSecrets = secrets.flatMap((secret) =>
      secret.value === undefined
        ? []
        : [
            createKeyVaultSecret(
              `${name}-secret-${secret.name}`,
              { resourceGroupName, vaultName: vault.name, secretName: secret.vaultSecretName ?? secret.name, value: secret.value, tags },
              child,
            ),
          ],
    );
    const blobEndpoint = account.primaryEndpoints.apply((endpoints) => endpoints.blob);
    const service = new ContainerAppService(
      name,
      privateServiceArgs(args, platform, { keyVaultId: vault.id, storageAccountId: account.id, vaultUri, blobEndpoint }),
      {
        parent: this,
        // The app reaches its vault and account by name only once their endpoints and DNS exist.
        dependsOn: [...links.vault.readiness, ...links.blob.readiness, ...writtenSecrets, container],
        exchangeToken: exchangeTokenOf(args, opts),
      },
    );

    const shared = topologyOutputsOf(platform, service);
    Object.assign(this, shared);
    this.environmentStaticIp = platform.environmentStaticIp;
    this.environmentDefaultDomain = platform.environmentDefaultDomain;
    this.virtualNetworkId = virtualNetworkId;
    this.infrastructureSubnetId = platform.infrastructureSubnetId.apply((id) => id!);
    this.privateEndpointsSubnetId = privateEndpointsSubnetId;
    this.privateEndpointIds = pulumi
      .all([platform.registryPrivateEndpointId, links.vault.endpoint.id, links.blob.endpoint.id])
      .apply(([registryEndpoint, vaultEndpoint, blobEndpointId]) => ({ registry: registryEndpoint!, vault: vaultEndpoint, blob: blobEndpointId }));
    this.privateDnsZoneIds = pulumi
      .all([platform.registryPrivateDnsZoneId, links.vault.privateDnsZoneId, links.blob.privateDnsZoneId, platform.environmentPrivateDnsZoneId])
      .apply(([registryZone, vaultZone, blobZone, environmentZone]) => ({
        registry: registryZone!,
        vault: vaultZone,
        blob: blobZone,
        ...(environmentZone !== undefined ? { environment: environmentZone } : {}),
      }));
    this.keyVaultName = vault.name;
    this.vaultUri = vaultUri;
    this.storageAccountName = account.name;
    this.blobEndpoint = blobEndpoint;
    this.registerOutputs({
      ...shared,
      environmentStaticIp: this.environmentStaticIp,
      environmentDefaultDomain: this.environmentDefaultDomain,
      virtualNetworkId: this.virtualNetworkId,
      infrastructureSubnetId: this.infrastructureSubnetId,
      privateEndpointsSubnetId: this.privateEndpointsSubnetId,
      privateEndpointIds: this.privateEndpointIds,
      privateDnsZoneIds: this.privateDnsZoneIds,
      keyVaultName: this.keyVaultName,
      vaultUri: this.vaultUri,
      storageAccountName: this.storageAccountName,
      blobEndpoint: this.blobEndpoint,
    });
  }
}
