import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { ROLE_DEFINITION_IDS, grantRole } from "./identity";
import { checkVaultSecretName, createKeyVault, createKeyVaultSecret, checkSoftDeleteRetention, secretUrl } from "./keyVault";
import { checkName, generateName } from "./naming";
import { checkAddressPrefixes, createPrivateNetwork } from "./network";
import { PrivateLink, createEnvironmentDns, createPrivateLink } from "./privateEndpoints";
import { PublicContainerAppNames, resolvePublicContainerAppNames } from "./publicContainerApp";
import { StorageSku, checkContainerName, checkStorageSku, createBlobContainer, createStorageAccount } from "./storage";
import { CONTAINER_APPS_DELEGATION, ENVIRONMENT_KINDS, SubnetPlan, overlaps, parseCidr, validateSubnetPlan } from "./subnets";
import { ContainerAppTopology, ContainerAppTopologyArgs, checkTopologyArgs, createTopologyFoundation, deployTopologyApp, uniqueSeedOf } from "./topology";
import { ValidationError, checkOneOf } from "./validation";

/** Azure names of what a PrivateContainerApp creates; each defaults to one generated from the prefix. */
export interface PrivateContainerAppNames extends PublicContainerAppNames {
  /** Key Vault, globally unique. Default `kv-<prefix>-<hash>`. */
  readonly keyVault?: string;
  /** Storage account, globally unique. Default `st<prefix><hash>`. */
  readonly storageAccount?: string;
  /** Virtual network (when created). Default `vnet-<prefix>-<stack>`. */
  readonly virtualNetwork?: string;
}

/** The VNet this component creates. Every range is checked before anything is registered. */
export interface PrivateNetworkSettings {
  /** The VNet's address space. Default `["10.0.0.0/16"]`. */
  readonly addressSpace?: readonly string[];
  /**
   * The environment's infrastructure subnet: for a workload-profiles environment /27 or larger, delegated to
   * Microsoft.App/environments; for a consumption-only one /23 or larger, not delegated. Default
   * `"10.0.0.0/23"`, which suits both (and leaves the Consumption profile room to scale out).
   */
  readonly infrastructureSubnetPrefix?: string;
  /** The private endpoints subnet, /28 or larger. Default `"10.0.2.0/24"`. */
  readonly privateEndpointsSubnetPrefix?: string;
  /**
   * Sources the infrastructure NSG lets reach the environment on 80/443: IP addresses, CIDR ranges or
   * service tags (each tag becomes a rule of its own, as Azure takes tags only one per rule). Default
   * `["VirtualNetwork"]`.
   */
  readonly clientAddressPrefixes?: readonly string[];
  /** Sources the endpoints NSG lets reach the private endpoints on 443, as `clientAddressPrefixes`. Default `["VirtualNetwork"]`. */
  readonly privateEndpointClientPrefixes?: readonly string[];
}

/**
 * A VNet and subnets that exist already (a landing zone's spoke), by id: none are created and no NSG is
 * attached (the owner of the subnets owns their NSGs). Declare the ranges and delegation to have them
 * checked before deployment; what is not declared cannot be checked until Azure answers.
 */
export interface ExistingNetwork {
  readonly virtualNetworkId: pulumi.Input<string>;
  /**
   * Workload-profiles environment: /27 or larger, delegated to Microsoft.App/environments. Consumption-only
   * environment: /23 or larger, not delegated.
   */
  readonly infrastructureSubnetId: pulumi.Input<string>;
  /** /28 or larger, not delegated. */
  readonly privateEndpointsSubnetId: pulumi.Input<string>;
  /** The VNet's address space, if declared. */
  readonly addressSpace?: readonly string[];
  /** The infrastructure subnet's range, if declared. */
  readonly infrastructureSubnetPrefix?: string;
  /** The service the infrastructure subnet is delegated to, if declared; `null` declares "not delegated". */
  readonly infrastructureSubnetDelegation?: string | null;
  /** The endpoints subnet's range, if declared. */
  readonly privateEndpointsSubnetPrefix?: string;
}

/** Private DNS zones owned elsewhere (a hub): given zones are used as they are and none are created. */
export interface PrivateDnsZoneIds {
  /** Zone `privatelink.azurecr.io`. */
  readonly registry?: pulumi.Input<string>;
  /** Zone `privatelink.vaultcore.azure.net`. */
  readonly vault?: pulumi.Input<string>;
  /** Zone `privatelink.blob.core.windows.net`. */
  readonly blob?: pulumi.Input<string>;
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

/**
 * How the image reaches a registry whose public network access is off. There is no third way: the admin
 * user stays off.
 */
export type ImagePush =
  /** The deployment runs on an agent inside the VNet (or one peered to it) and pushes over the private endpoint. */
  | "inside-network"
  /** The registry's public endpoint is opened to `deployerIpAddress` alone; every other address is denied. */
  | "allow-listed-ip";

export const IMAGE_PUSH_CHOICES: readonly ImagePush[] = ["inside-network", "allow-listed-ip"];

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
  readonly secrets?: readonly PrivateSecretArgs[];
}

/** The defaults of the created VNet. */
export const DEFAULT_NETWORK = {
  addressSpace: ["10.0.0.0/16"],
  infrastructureSubnetPrefix: "10.0.0.0/23",
  privateEndpointsSubnetPrefix: "10.0.2.0/24",
} as const;

/** The Azure names a PrivateContainerApp uses: the public ones plus vault, storage account and VNet. */
export function resolvePrivateContainerAppNames(
  name: string,
  args: Pick<PrivateContainerAppArgs, "namePrefix" | "names">,
  uniqueSeed: string,
  stack: string = pulumi.getStack(),
) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  const resolved = {
    ...resolvePublicContainerAppNames(name, args, uniqueSeed, stack),
    keyVault: names.keyVault ?? generateName("keyVault", base, { uniqueSeed }),
    storageAccount: names.storageAccount ?? generateName("storageAccount", base, { uniqueSeed }),
    virtualNetwork: names.virtualNetwork ?? generateName("virtualNetwork", base, { stack }),
  };
  checkName("keyVault", "names.keyVault", resolved.keyVault);
  checkName("storageAccount", "names.storageAccount", resolved.storageAccount);
  checkName("virtualNetwork", "names.virtualNetwork", resolved.virtualNetwork);
  return resolved;
}

/**
 * The subnet plan the args describe: the created VNet's ranges (defaults filled in, the infrastructure
 * subnet delegated as the environment kind needs), or what was declared of an existing one. Throws a
 * ValidationError on `network` and `existingNetwork` together, or an unknown `environmentKind`.
 */
export function subnetPlanOf(args: Pick<PrivateContainerAppArgs, "network" | "existingNetwork" | "environmentKind">): SubnetPlan {
  if (args.network !== undefined && args.existingNetwork !== undefined) {
    throw new ValidationError("network+existingNetwork", "both set", "only one of `network` or `existingNetwork` may be set");
  }
  const environmentKind = args.environmentKind ?? "workload-profiles";
  checkOneOf("environmentKind", environmentKind, ENVIRONMENT_KINDS);
  const existing = args.existingNetwork;
  if (existing) {
    return {
      environmentKind,
      addressSpace: existing.addressSpace ? { field: "existingNetwork.addressSpace", prefixes: existing.addressSpace } : undefined,
      infrastructure:
        existing.infrastructureSubnetPrefix !== undefined
          ? {
              field: "existingNetwork.infrastructureSubnetPrefix",
              addressPrefix: existing.infrastructureSubnetPrefix,
              delegationField: "existingNetwork.infrastructureSubnetDelegation",
              delegation: existing.infrastructureSubnetDelegation ?? undefined,
              delegationUnknown: existing.infrastructureSubnetDelegation === undefined,
            }
          : undefined,
      privateEndpoints:
        existing.privateEndpointsSubnetPrefix !== undefined
          ? { field: "existingNetwork.privateEndpointsSubnetPrefix", addressPrefix: existing.privateEndpointsSubnetPrefix }
          : undefined,
    };
  }
  const settings = args.network ?? {};
  return {
    environmentKind,
    addressSpace: { field: "network.addressSpace", prefixes: settings.addressSpace ?? DEFAULT_NETWORK.addressSpace },
    infrastructure: {
      field: "network.infrastructureSubnetPrefix",
      addressPrefix: settings.infrastructureSubnetPrefix ?? DEFAULT_NETWORK.infrastructureSubnetPrefix,
      delegation: environmentKind === "workload-profiles" ? CONTAINER_APPS_DELEGATION : undefined,
    },
    privateEndpoints: {
      field: "network.privateEndpointsSubnetPrefix",
      addressPrefix: settings.privateEndpointsSubnetPrefix ?? DEFAULT_NETWORK.privateEndpointsSubnetPrefix,
    },
  };
}

/** Addresses a registry firewall never sees as a client's source (RFC 1918, loopback, link-local). */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16"];

/** Checks the image-push choice: explicit, and the deployer's address only where it is used. */
export function checkImagePush(imagePush: string, deployerIpAddress: string | undefined): void {
  checkOneOf("imagePush", imagePush as ImagePush, IMAGE_PUSH_CHOICES);
  if (imagePush === "allow-listed-ip") {
    if (deployerIpAddress === undefined) {
      throw new ValidationError(
        "deployerIpAddress",
        undefined,
        'imagePush "allow-listed-ip" needs the deployer\'s public IPv4 address or range to let through the registry firewall',
      );
    }
    let range;
    try {
      range = parseCidr("deployerIpAddress", deployerIpAddress.includes("/") ? deployerIpAddress : `${deployerIpAddress}/32`);
    } catch {
      throw new ValidationError("deployerIpAddress", deployerIpAddress, "must be an IPv4 address (203.0.113.7) or CIDR range (203.0.113.0/29)");
    }
    const privateRange = PRIVATE_RANGES.find((candidate) => overlaps(parseCidr("private", candidate), range));
    if (privateRange) {
      throw new ValidationError(
        "deployerIpAddress",
        deployerIpAddress,
        `overlaps the private range ${privateRange}; the registry firewall sees the deployer's public address, so give that one`,
      );
    }
  } else if (deployerIpAddress !== undefined) {
    throw new ValidationError(
      "deployerIpAddress",
      deployerIpAddress,
      'is used only with imagePush "allow-listed-ip"; with "inside-network" the registry admits no public address',
    );
  }
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

/**
 * The private Azure Container Apps topology in one resource: a VNet (or an existing one) with an
 * infrastructure subnet and a private-endpoints subnet under NSGs; an internal, VNet-integrated environment
 * with public access off, peer-traffic encryption, logs and the managed OpenTelemetry agent, and a private
 * DNS zone for its default domain; a Premium registry, a Key Vault and a blob storage account, each reached
 * only through a private endpoint whose DNS zone is linked to the VNet; a user-assigned identity holding
 * AcrPull, Key Vault Secrets User and Storage Blob Data Contributor, each on its own resource, before the
 * app exists; and the app with internal ingress reading its secrets as Key Vault references.
 */
export class PrivateContainerApp extends ContainerAppTopology {
  /** The environment's private IP (internal) or public IP (external). */
  readonly environmentStaticIp: pulumi.Output<string>;
  readonly environmentDefaultDomain: pulumi.Output<string>;
  readonly virtualNetworkId: pulumi.Output<string>;
  readonly infrastructureSubnetId: pulumi.Output<string>;
  readonly privateEndpointsSubnetId: pulumi.Output<string>;
  /** Private endpoint ids by service. */
  readonly privateEndpointIds: pulumi.Output<{ registry: string; vault: string; blob: string }>;
  /** Private DNS zone ids by service, plus the environment's own zone when it is internal. */
  readonly privateDnsZoneIds: pulumi.Output<{ registry: string; vault: string; blob: string; environment?: string }>;
  readonly keyVaultName: pulumi.Output<string>;
  /** `https://<vault>.vault.azure.net/`. */
  readonly vaultUri: pulumi.Output<string>;
  readonly storageAccountName: pulumi.Output<string>;
  /** `https://<account>.blob.core.windows.net/`. */
  readonly blobEndpoint: pulumi.Output<string>;

  constructor(name: string, args: PrivateContainerAppArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const names = resolvePrivateContainerAppNames(name, args, uniqueSeedOf(name));
    const environmentKind = args.environmentKind ?? "workload-profiles";
    validateSubnetPlan(subnetPlanOf(args));
    if (args.network?.clientAddressPrefixes) checkAddressPrefixes("network.clientAddressPrefixes", args.network.clientAddressPrefixes);
    if (args.network?.privateEndpointClientPrefixes) {
      checkAddressPrefixes("network.privateEndpointClientPrefixes", args.network.privateEndpointClientPrefixes);
    }
    const imagePush = args.imagePush ?? (args.deployerIpAddress !== undefined ? "allow-listed-ip" : "inside-network");
    checkImagePush(imagePush, args.deployerIpAddress);
    checkSoftDeleteRetention("softDeleteRetentionInDays", args.softDeleteRetentionInDays ?? 90);
    checkStorageSku("storageSku", args.storageSku ?? "Standard_ZRS");
    const blobContainerName = args.blobContainerName ?? "data";
    checkContainerName("blobContainerName", blobContainerName);
    const secrets = args.secrets ?? [];
    checkPrivateSecrets(secrets);
    const allowedIpRanges = imagePush === "allow-listed-ip" ? [args.deployerIpAddress!] : [];
    // The vault's URI is not known yet; a well-formed stand-in lets the shared check judge names and env clashes.
    const placeholderUrl = "https://placeholder.vault.azure.net/secrets/placeholder";
    const checked = checkTopologyArgs(args, names, {
      external: args.externalIngress ?? false,
      registry: { sku: "Premium", allowedIpRanges },
      secrets: secrets.map((secret) => ({ name: secret.name, env: secret.env, keyVaultUrl: placeholderUrl })),
      reservedEnv: PLATFORM_ENV_PLACEHOLDERS,
      zoneRedundant: args.zoneRedundant ?? true,
    });
    const { tags } = checked;
    const internal = args.internal ?? true;

    super("aca:index:PrivateContainerApp", name, opts);
    const child = { parent: this };
    // Premium: private endpoints need it. Public access stays off unless the push is allow-listed, and then
    // only the deployer's address gets through the firewall.
    const foundation = createTopologyFoundation(
      name,
      {
        args,
        names,
        checked,
        registry: { sku: "Premium", publicNetworkAccess: imagePush === "allow-listed-ip" ? "Enabled" : "Disabled", allowedIpRanges },
      },
      child,
    );
    const { placement, registry, identity } = foundation;
    const { resourceGroupName } = placement;

    let virtualNetworkId: pulumi.Output<string>;
    let infrastructureSubnetId: pulumi.Output<string>;
    let privateEndpointsSubnetId: pulumi.Output<string>;
    if (args.existingNetwork) {
      virtualNetworkId = pulumi.output(args.existingNetwork.virtualNetworkId);
      infrastructureSubnetId = pulumi.output(args.existingNetwork.infrastructureSubnetId);
      privateEndpointsSubnetId = pulumi.output(args.existingNetwork.privateEndpointsSubnetId);
    } else {
      const settings = args.network ?? {};
      const created = createPrivateNetwork(
        name,
        {
          ...placement,
          environmentKind,
          addressSpace: settings.addressSpace ?? DEFAULT_NETWORK.addressSpace,
          infrastructureSubnetPrefix: settings.infrastructureSubnetPrefix ?? DEFAULT_NETWORK.infrastructureSubnetPrefix,
          privateEndpointsSubnetPrefix: settings.privateEndpointsSubnetPrefix ?? DEFAULT_NETWORK.privateEndpointsSubnetPrefix,
          clientAddressPrefixes: settings.clientAddressPrefixes,
          privateEndpointClientPrefixes: settings.privateEndpointClientPrefixes,
          names: {
            virtualNetwork: names.virtualNetwork,
            infrastructureSecurityGroup: generateName("networkSecurityGroup", `${names.virtualNetwork}-infrastructure`),
            privateEndpointsSecurityGroup: generateName("networkSecurityGroup", `${names.virtualNetwork}-private-endpoints`),
          },
        },
        child,
      );
      virtualNetworkId = created.virtualNetwork.id;
      infrastructureSubnetId = created.infrastructureSubnet.id;
      privateEndpointsSubnetId = created.privateEndpointsSubnet.id;
    }

    const tenantId = authorization.getClientConfigOutput(child).tenantId;
    const vault = createKeyVault(
      name,
      { ...placement, vaultName: names.keyVault, tenantId, softDeleteRetentionInDays: args.softDeleteRetentionInDays, purgeProtection: args.purgeProtection },
      child,
    );
    const account = createStorageAccount(name, { ...placement, accountName: names.storageAccount, sku: args.storageSku }, child);
    const container = createBlobContainer(name, { resourceGroupName, accountName: account.name, containerName: blobContainerName }, child);

    // Each role on its own resource, never the group; all held before the app is created (AcrPull comes with the foundation).
    const grants = [
      grantRole(
        `${name}-kv-secrets-user`,
        { principalId: identity.principalId, roleDefinitionId: ROLE_DEFINITION_IDS.KeyVaultSecretsUser, scope: vault.id },
        child,
      ),
      grantRole(
        `${name}-blob-contributor`,
        { principalId: identity.principalId, roleDefinitionId: ROLE_DEFINITION_IDS.StorageBlobDataContributor, scope: account.id },
        child,
      ),
    ];

    const linkArgs = { ...placement, subnetId: privateEndpointsSubnetId, virtualNetworkId };
    const zones = args.privateDnsZoneIds ?? {};
    const links: Record<"registry" | "vault" | "blob", PrivateLink> = {
      registry: createPrivateLink(`${name}-acr`, { ...linkArgs, service: "registry", targetResourceId: registry.id, privateDnsZoneId: zones.registry }, child),
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

    // Inside the network the push goes through the private endpoint, so it waits until the endpoint and its
    // DNS records exist (the login server resolves to the private address only then).
    const pushServer =
      imagePush === "inside-network"
        ? pulumi
            .all([registry.loginServer, ...links.registry.readiness.map((resource) => resource.id)])
            .apply(([server]) => server as string)
        : undefined;
    const blobEndpoint = account.primaryEndpoints.apply((endpoints) => endpoints.blob);
    const topology = deployTopologyApp(
      name,
      foundation,
      {
        args,
        names,
        app: checked.app,
        pushServer,
        environment: {
          vnet: { infrastructureSubnetId, internal },
          publicNetworkAccess: internal ? "Disabled" : "Enabled",
          peerTrafficEncryption: true,
          zoneRedundant: args.zoneRedundant ?? true,
        },
        secrets: secrets.map((secret) => ({
          name: secret.name,
          env: secret.env,
          keyVaultUrl: secretUrl(vaultUri, secret.vaultSecretName ?? secret.name),
        })),
        dependsOn: [...grants, ...links.registry.readiness, ...links.vault.readiness, ...links.blob.readiness, ...writtenSecrets, container],
        env: {
          // The SDKs' DefaultAzureCredential picks the user-assigned identity by its client id.
          AZURE_CLIENT_ID: identity.clientId,
          AZURE_KEY_VAULT_URI: vaultUri,
          AZURE_STORAGE_BLOB_ENDPOINT: blobEndpoint,
          AZURE_STORAGE_CONTAINER: blobContainerName,
        },
      },
      child,
    );
    const { environment } = topology;
    const environmentDns = internal
      ? createEnvironmentDns(
          `${name}-env`,
          { resourceGroupName, defaultDomain: environment.defaultDomain, staticIp: environment.staticIp, virtualNetworkId, tags },
          child,
        )
      : undefined;

    this.environmentStaticIp = environment.staticIp;
    this.environmentDefaultDomain = environment.defaultDomain;
    this.virtualNetworkId = virtualNetworkId;
    this.infrastructureSubnetId = infrastructureSubnetId;
    this.privateEndpointsSubnetId = privateEndpointsSubnetId;
    this.privateEndpointIds = pulumi
      .all([links.registry.endpoint.id, links.vault.endpoint.id, links.blob.endpoint.id])
      .apply(([registryEndpoint, vaultEndpoint, blobEndpointId]) => ({ registry: registryEndpoint, vault: vaultEndpoint, blob: blobEndpointId }));
    this.privateDnsZoneIds = pulumi
      .all([links.registry.privateDnsZoneId, links.vault.privateDnsZoneId, links.blob.privateDnsZoneId, environmentDns?.zone.id])
      .apply(([registryZone, vaultZone, blobZone, environmentZone]) => ({
        registry: registryZone,
        vault: vaultZone,
        blob: blobZone,
        ...(environmentZone !== undefined ? { environment: environmentZone } : {}),
      }));
    this.keyVaultName = vault.name;
    this.vaultUri = vaultUri;
    this.storageAccountName = account.name;
    this.blobEndpoint = blobEndpoint;
    this.registerTopologyOutputs(topology, {
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

/** The variables the component sets itself, so user `env` names are checked against them up front. */
const PLATFORM_ENV_PLACEHOLDERS: Record<string, string> = {
  PORT: "",
  OTEL_SERVICE_NAME: "",
  SERVICE_VERSION: "",
  AZURE_CLIENT_ID: "",
  AZURE_KEY_VAULT_URI: "",
  AZURE_STORAGE_BLOB_ENDPOINT: "",
  AZURE_STORAGE_CONTAINER: "",
};
