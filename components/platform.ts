import * as pulumi from "@pulumi/pulumi";
import type * as app from "@pulumi/azure-native/app";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import { CONSUMPTION_PROFILE, createManagedEnvironment, validateEnvironmentArgs } from "./environment";
import { knownValue } from "./inputs";
import { claimAzureName } from "./nameClaims";
import { ResourceKind, checkNameIfKnown, checkedName, generateName } from "./naming";
import { checkAddressPrefixes, createPrivateNetwork } from "./network";
import { createObservability, validateObservabilityArgs } from "./observability";
import { LinkedPrivateZone, PrivateLink, createEnvironmentDns, createPrivateLink } from "./privateEndpoints";
import { RegistrySku, createRegistry, validateRegistryArgs } from "./registry";
import { CONTAINER_APPS_DELEGATION, ENVIRONMENT_KINDS, EnvironmentKind, SubnetPlan, overlaps, parseCidr, validateSubnetPlan } from "./subnets";
import { ValidationError, checkInteger, checkOneOf, checkTags } from "./validation";

export const PLATFORM_TYPE = "pulumi-aca:index:ContainerAppsPlatform";

export const DEFAULT_TAGS: Readonly<Record<string, string>> = { "managed-by": "pulumi-aca" };

/** The user's tags over {@link DEFAULT_TAGS}, checked against Azure's tag rules. */
export function platformTags(tags: Record<string, string> | undefined): Record<string, string> {
  const merged = { ...DEFAULT_TAGS, ...tags };
  checkTags(merged);
  return merged;
}

/** The seed that makes globally unique names differ between projects, stacks and components. */
export function uniqueSeedOf(name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}

/**
 * Azure names of what a ContainerAppsPlatform creates; each defaults to one generated from the prefix and the
 * stack, so the stacks of one program never collide in a subscription. A name given here is used as it is. Each
 * may be an Output (another stack's, another resource's): checked against Azure's rule once known, with the
 * same error, and left out of the duplicate-name check, which compares only the names the program knows when
 * it starts.
 */
export interface ContainerAppsPlatformNames {
  /** Resource group (when created). Default `rg-<prefix>-<stack>`. */
  resourceGroup?: pulumi.Input<string>;
  /** Container registry, globally unique. Default `cr<prefix><hash of project, stack and component>`. */
  registry?: pulumi.Input<string>;
  /** Log Analytics workspace. Default `log-<prefix>-<stack>`. */
  logAnalyticsWorkspace?: pulumi.Input<string>;
  /** Application Insights. Default `appi-<prefix>-<stack>`. */
  appInsights?: pulumi.Input<string>;
  /** Managed environment. Default `cae-<prefix>-<stack>`. */
  environment?: pulumi.Input<string>;
  /** Virtual network (private mode, when created). Default `vnet-<prefix>-<stack>`. */
  virtualNetwork?: pulumi.Input<string>;
}

/** Log Analytics and App Insights that exist already (a shared monitoring subscription): none are created. */
export interface ExistingObservability {
  /** Resource id of the Log Analytics workspace. */
  logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** The workspace's customer id (its "Workspace ID"). */
  logAnalyticsCustomerId: pulumi.Input<string>;
  /** The workspace's primary shared key; kept secret. */
  logAnalyticsSharedKey: pulumi.Input<string>;
  /** The App Insights connection string the managed OpenTelemetry agent sends to; kept secret. */
  appInsightsConnectionString: pulumi.Input<string>;
}

/** A registry that exists already: none is created; services pull from it with their identities. */
export interface ExistingRegistry {
  /** Resource id of the registry (the AcrPull grants are scoped to it). */
  id: pulumi.Input<string>;
  /** Its login server, e.g. `contoso.azurecr.io`. */
  loginServer: pulumi.Input<string>;
}

/**
 * A Dedicated workload profile, next to the Consumption profile every workload-profiles environment has.
 * Types and sizes: https://learn.microsoft.com/azure/container-apps/workload-profiles-overview
 */
export interface DedicatedWorkloadProfile {
  /** The profile's name in the environment; services select it with `workloadProfileName`. */
  name: string;
  /** Size: "D4", "D8", "D16", "D32" (general purpose), "E4", "E8", "E16", "E32" (memory optimised), or a GPU type ("NC24-A100", "NC48-A100", "NC96-A100"). */
  workloadProfileType: string;
  /** Fewest nodes, 0 or more. Default 0. */
  minimumCount?: number;
  /** Most nodes, at least `minimumCount` and 1. Default 3. */
  maximumCount?: number;
}

/** Dedicated workload profile types Azure documents (availability varies by region). */
export const DEDICATED_PROFILE_TYPES: readonly string[] = ["D4", "D8", "D16", "D32", "E4", "E8", "E16", "E32", "NC24-A100", "NC48-A100", "NC96-A100"];

/** The VNet the platform creates. Every range is checked before anything is registered. */
export interface PrivateNetworkSettings {
  /** The VNet's address space. Default `["10.0.0.0/16"]`. */
  addressSpace?: string[];
  /**
   * The environment's infrastructure subnet: for a workload-profiles environment /27 or larger, delegated to
   * Microsoft.App/environments; for a consumption-only one /23 or larger, not delegated. Default
   * `"10.0.0.0/23"`, which suits both (and leaves the Consumption profile room to scale out).
   */
  infrastructureSubnetPrefix?: string;
  /** The private endpoints subnet, /28 or larger. Default `"10.0.2.0/24"`. */
  privateEndpointsSubnetPrefix?: string;
  /**
   * Sources the infrastructure NSG lets reach the environment on 80/443: IP addresses, CIDR ranges or
   * service tags (each tag becomes a rule of its own, as Azure takes tags only one per rule). Default
   * `["VirtualNetwork"]`.
   */
  clientAddressPrefixes?: string[];
  /** Sources the endpoints NSG lets reach the private endpoints on 443, as `clientAddressPrefixes`. Default `["VirtualNetwork"]`. */
  privateEndpointClientPrefixes?: string[];
}

/**
 * A VNet and subnets that exist already (a landing zone's spoke), by id: none are created and no NSG is
 * attached (the owner of the subnets owns their NSGs). Declare the ranges and delegation to have them
 * checked before deployment; what is not declared cannot be checked until Azure answers.
 */
export interface ExistingNetwork {
  virtualNetworkId: pulumi.Input<string>;
  /**
   * Workload-profiles environment: /27 or larger, delegated to Microsoft.App/environments. Consumption-only
   * environment: /23 or larger, not delegated. One environment per subnet.
   */
  infrastructureSubnetId: pulumi.Input<string>;
  /** /28 or larger, not delegated. */
  privateEndpointsSubnetId: pulumi.Input<string>;
  /** The VNet's address space, if declared. */
  addressSpace?: string[];
  /** The infrastructure subnet's range, if declared. */
  infrastructureSubnetPrefix?: string;
  /**
   * The service the infrastructure subnet is delegated to, if declared; `"none"` (or `null` from TypeScript)
   * declares "not delegated".
   */
  infrastructureSubnetDelegation?: string;
  /** The endpoints subnet's range, if declared. */
  privateEndpointsSubnetPrefix?: string;
}

/**
 * How the image reaches a registry whose public network access is off. There is no third way: the admin
 * user stays off.
 */
export const ImagePush = {
  /** The deployment runs on an agent inside the VNet (or one peered to it) and pushes over the private endpoint. */
  InsideNetwork: "inside-network",
  /** The registry's public endpoint is opened to `deployerIpAddress` alone; every other address is denied. */
  AllowListedIp: "allow-listed-ip",
} as const;

export type ImagePush = (typeof ImagePush)[keyof typeof ImagePush];

export const IMAGE_PUSH_CHOICES: readonly ImagePush[] = ["inside-network", "allow-listed-ip"];

/** Private DNS zones a hub owns for the platform's own endpoints: given zones are used as they are. */
export interface PlatformPrivateDnsZoneIds {
  /** Zone `privatelink.azurecr.io`. */
  registry?: pulumi.Input<string>;
  /**
   * The zone named after the environment's default domain (internal environments). The platform writes the
   * `*` record to the environment's static IP into it. It must be in the subscription the provider deploys to.
   */
  environment?: pulumi.Input<string>;
}

/** Private mode: the network, its private endpoints and DNS. */
export interface PlatformNetworkArgs {
  /** The VNet to create. Default: 10.0.0.0/16 with 10.0.0.0/23 and 10.0.2.0/24. Exclusive with `existingNetwork`. */
  network?: PrivateNetworkSettings;
  /** Use an existing VNet and subnets instead of creating them. Exclusive with `network`. */
  existingNetwork?: ExistingNetwork;
  /** Hub-owned private DNS zones. Default: a zone per service, linked to the VNet. */
  privateDnsZoneIds?: PlatformPrivateDnsZoneIds;
  /** More VNets (a hub, a build agents' network) every zone the platform creates is linked to. Default none. */
  additionalVirtualNetworkIds?: pulumi.Input<string>[];
  /**
   * The environment's load balancer: internal (true, default), a private IP in the infrastructure subnet
   * with public network access disabled; or external (false), a public IP for apps with external ingress.
   */
  internal?: boolean;
  /**
   * How images get into the private registry. Default "allow-listed-ip" when `deployerIpAddress` is given,
   * otherwise "inside-network" (the registry closed to every public address). See {@link ImagePush}.
   */
  imagePush?: ImagePush;
  /** The deployer's public IPv4 address or range, allowed through the registry firewall; only with "allow-listed-ip". */
  deployerIpAddress?: string;
}

export interface ContainerAppsPlatformArgs {
  /** Base of every generated name. Default: the component name. */
  namePrefix?: string;
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  names?: ContainerAppsPlatformNames;
  /** Use this existing resource group instead of creating one. Default: create `rg-<prefix>-<stack>`. */
  resourceGroupName?: pulumi.Input<string>;
  /** Azure region for everything. Default: the provider's `azure-native:location` (or the existing group's). */
  location?: pulumi.Input<string>;
  /** Tags on every taggable resource, over the default `{ "managed-by": "pulumi-aca" }`. */
  tags?: Record<string, string>;
  /** Log Analytics retention, 30–730 days. Default 30. */
  logRetentionInDays?: number;
  /** Use existing Log Analytics and App Insights instead of creating them. */
  existingObservability?: ExistingObservability;
  /** Registry SKU. Default "Basic"; private mode needs (and defaults to) "Premium". */
  registrySku?: RegistrySku;
  /** Use an existing registry instead of creating one. */
  existingRegistry?: ExistingRegistry;
  /**
   * The managed environment's kind. "workload-profiles" (default): a Consumption profile plus any
   * `workloadProfiles`. "consumption-only" (legacy): no workload profiles; in a VNet its infrastructure subnet
   * must be /23 or larger and not delegated.
   */
  environmentKind?: EnvironmentKind;
  /** Dedicated workload profiles next to Consumption (workload-profiles environments only). Default none. */
  workloadProfiles?: DedicatedWorkloadProfile[];
  /** Encrypt traffic between apps and replicas inside the environment. Default true. */
  peerTrafficEncryption?: boolean;
  /** Spread the environment across availability zones (needs private mode's VNet). Default: true in private mode. */
  zoneRedundant?: boolean;
  /** Put the platform in a VNet with private endpoints and DNS. Default: public (Azure-managed network). */
  privateNetwork?: PlatformNetworkArgs;
}

/** The defaults of the created VNet. */
export const DEFAULT_NETWORK = {
  addressSpace: ["10.0.0.0/16"],
  infrastructureSubnetPrefix: "10.0.0.0/23",
  privateEndpointsSubnetPrefix: "10.0.2.0/24",
} as const;

/**
 * The subnet plan the args describe: the created VNet's ranges (defaults filled in, the infrastructure
 * subnet delegated as the environment kind needs), or what was declared of an existing one. Throws a
 * ValidationError on `network` and `existingNetwork` together, or an unknown `environmentKind`.
 */
export function subnetPlanOf(args: {
  readonly network?: PrivateNetworkSettings;
  readonly existingNetwork?: ExistingNetwork;
  readonly environmentKind?: EnvironmentKind;
}): SubnetPlan {
  if (args.network !== undefined && args.existingNetwork !== undefined) {
    throw new ValidationError("network+existingNetwork", "both set", "only one of `network` or `existingNetwork` may be set");
  }
  const environmentKind = args.environmentKind ?? "workload-profiles";
  checkOneOf("environmentKind", environmentKind, ENVIRONMENT_KINDS);
  const existing = args.existingNetwork;
  if (existing) {
    const delegation = existing.infrastructureSubnetDelegation as string | null | undefined;
    return {
      environmentKind,
      addressSpace: existing.addressSpace ? { field: "existingNetwork.addressSpace", prefixes: existing.addressSpace } : undefined,
      infrastructure:
        existing.infrastructureSubnetPrefix !== undefined
          ? {
              field: "existingNetwork.infrastructureSubnetPrefix",
              addressPrefix: existing.infrastructureSubnetPrefix,
              delegationField: "existingNetwork.infrastructureSubnetDelegation",
              delegation: delegation === null || delegation === "none" ? undefined : delegation,
              delegationUnknown: delegation === undefined,
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

/** Checks the Dedicated profiles: known types, unique names other than Consumption, sane node counts. */
export function checkWorkloadProfiles(profiles: readonly DedicatedWorkloadProfile[], environmentKind: EnvironmentKind): void {
  if (profiles.length > 0 && environmentKind !== "workload-profiles") {
    throw new ValidationError("workloadProfiles", profiles.map((profile) => profile.name), 'Dedicated profiles need environmentKind "workload-profiles"');
  }
  const seen = new Set<string>([CONSUMPTION_PROFILE.toLowerCase()]);
  profiles.forEach((profile, index) => {
    const field = `workloadProfiles[${index}]`;
    if (typeof profile.name !== "string" || !/^[a-zA-Z][a-zA-Z0-9-]{0,14}$/.test(profile.name)) {
      throw new ValidationError(`${field}.name`, profile.name, "must be 1-15 letters, digits and hyphens, starting with a letter");
    }
    if (seen.has(profile.name.toLowerCase())) {
      throw new ValidationError(`${field}.name`, profile.name, `must be unique and not "${CONSUMPTION_PROFILE}", which every workload-profiles environment has`);
    }
    seen.add(profile.name.toLowerCase());
    checkOneOf(`${field}.workloadProfileType`, profile.workloadProfileType, DEDICATED_PROFILE_TYPES);
    const minimum = profile.minimumCount ?? 0;
    checkInteger(`${field}.minimumCount`, minimum, 0, 100);
    checkInteger(`${field}.maximumCount`, profile.maximumCount ?? 3, Math.max(1, minimum), 100);
  });
}

/** The Azure names the platform uses: explicit ones validated, the rest generated. */
export function resolvePlatformNames(
  name: string,
  args: Pick<ContainerAppsPlatformArgs, "namePrefix" | "names" | "privateNetwork">,
  stack: string = pulumi.getStack(),
  uniqueSeed: string = uniqueSeedOf(name),
) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  const resolved = {
    resourceGroup: names.resourceGroup ?? generateName("resourceGroup", base, { stack }),
    registry: names.registry ?? generateName("containerRegistry", base, { uniqueSeed }),
    logAnalyticsWorkspace: names.logAnalyticsWorkspace ?? generateName("logAnalyticsWorkspace", base, { stack }),
    appInsights: names.appInsights ?? generateName("applicationInsights", base, { stack }),
    environment: names.environment ?? generateName("managedEnvironment", base, { stack }),
    virtualNetwork: names.virtualNetwork ?? generateName("virtualNetwork", base, { stack }),
  };
  checkNameIfKnown("resourceGroup", "names.resourceGroup", resolved.resourceGroup);
  if (args.privateNetwork) checkNameIfKnown("virtualNetwork", "names.virtualNetwork", resolved.virtualNetwork);
  return resolved;
}

export type PlatformNames = ReturnType<typeof resolvePlatformNames>;

/** What the checks resolve: every default filled in. */
export interface CheckedPlatformArgs {
  readonly names: PlatformNames;
  readonly tags: Record<string, string>;
  readonly retentionInDays: number;
  readonly environmentKind: EnvironmentKind;
  readonly registrySku: RegistrySku;
  readonly workloadProfiles: readonly DedicatedWorkloadProfile[];
  /** Private mode only. */
  readonly network?: {
    readonly internal: boolean;
    readonly imagePush: ImagePush;
    readonly allowedIpRanges: string[];
    readonly zoneRedundant: boolean;
  };
}

/**
 * Checks everything the platform takes, in the order it builds it, and fills in the defaults. Throws a
 * ValidationError naming the field, the value and the rule, before anything is registered.
 */
export function checkPlatformArgs(name: string, args: ContainerAppsPlatformArgs): CheckedPlatformArgs {
  const names = resolvePlatformNames(name, args);
  const tags = platformTags(args.tags);
  const retentionInDays = args.logRetentionInDays ?? 30;
  const environmentKind = args.environmentKind ?? "workload-profiles";
  if (args.existingObservability === undefined) {
    validateObservabilityArgs({ resourceGroupName: "", workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays });
  }
  const privateNetwork = args.privateNetwork;
  let network: CheckedPlatformArgs["network"];
  if (privateNetwork) {
    validateSubnetPlan(subnetPlanOf({ ...privateNetwork, environmentKind }));
    const ranges = privateNetwork.network;
    if (ranges?.clientAddressPrefixes) checkAddressPrefixes("network.clientAddressPrefixes", ranges.clientAddressPrefixes);
    if (ranges?.privateEndpointClientPrefixes) checkAddressPrefixes("network.privateEndpointClientPrefixes", ranges.privateEndpointClientPrefixes);
    const imagePush = privateNetwork.imagePush ?? (privateNetwork.deployerIpAddress !== undefined ? "allow-listed-ip" : "inside-network");
    checkImagePush(imagePush, privateNetwork.deployerIpAddress);
    network = {
      internal: privateNetwork.internal ?? true,
      imagePush,
      allowedIpRanges: imagePush === "allow-listed-ip" ? [privateNetwork.deployerIpAddress!] : [],
      zoneRedundant: args.zoneRedundant ?? true,
    };
  }
  const registrySku = args.registrySku ?? (privateNetwork ? "Premium" : "Basic");
  if (privateNetwork && args.existingRegistry === undefined && registrySku !== "Premium") {
    throw new ValidationError("registrySku", registrySku, "a registry reached through a private endpoint needs the Premium SKU");
  }
  if (args.existingRegistry === undefined) {
    validateRegistryArgs({ resourceGroupName: "", registryName: names.registry, sku: registrySku, allowedIpRanges: network?.allowedIpRanges });
  }
  validateEnvironmentArgs({
    environmentName: names.environment,
    environmentKind,
    zoneRedundant: network?.zoneRedundant ?? args.zoneRedundant,
    vnet: privateNetwork ? { infrastructureSubnetId: "" } : undefined,
  });
  const workloadProfiles = args.workloadProfiles ?? [];
  checkWorkloadProfiles(workloadProfiles, environmentKind);
  return { names: namesToPassOn(names, args), tags, retentionInDays, environmentKind, registrySku, workloadProfiles, network };
}

/**
 * The names the platform gives its resources: each one it uses checked, a known one now (it passed already),
 * an Output inside `apply` once known, with the error a known one gets.
 */
function namesToPassOn(names: PlatformNames, args: ContainerAppsPlatformArgs): PlatformNames {
  const creates = { observability: args.existingObservability === undefined, network: args.privateNetwork !== undefined && args.privateNetwork.existingNetwork === undefined };
  const passOn = (used: boolean, kind: ResourceKind, field: string, value: pulumi.Input<string>) => (used ? checkedName(kind, field, value) : value);
  return {
    resourceGroup: passOn(args.resourceGroupName === undefined, "resourceGroup", "names.resourceGroup", names.resourceGroup),
    registry: passOn(args.existingRegistry === undefined, "containerRegistry", "registryName", names.registry),
    logAnalyticsWorkspace: passOn(creates.observability, "logAnalyticsWorkspace", "workspaceName", names.logAnalyticsWorkspace),
    appInsights: passOn(creates.observability, "applicationInsights", "appInsightsName", names.appInsights),
    environment: passOn(true, "managedEnvironment", "environmentName", names.environment),
    virtualNetwork: passOn(creates.network, "virtualNetwork", "names.virtualNetwork", names.virtualNetwork),
  };
}

/** Claims the platform's Azure names, so a second component of the program cannot take the same ones. */
export function claimPlatformNames(name: string, args: ContainerAppsPlatformArgs, checked: CheckedPlatformArgs): void {
  const claimant = `ContainerAppsPlatform ${name}`;
  // Names known only later (Outputs) cannot be compared while the program runs, so they claim nothing.
  const names = knownNames(checked.names);
  const group = knownValue(args.resourceGroupName) ?? (args.resourceGroupName === undefined ? names.resourceGroup : undefined);
  const inGroup = group !== undefined ? { resourceGroup: group } : undefined;
  if (args.resourceGroupName === undefined) claimAzureName("resource group", "subscription", names.resourceGroup, claimant, "names.resourceGroup");
  if (args.existingRegistry === undefined) claimAzureName("container registry", "global", names.registry, claimant, "names.registry");
  if (args.existingObservability === undefined) {
    claimAzureName("Log Analytics workspace", inGroup, names.logAnalyticsWorkspace, claimant, "names.logAnalyticsWorkspace");
    claimAzureName("Application Insights", inGroup, names.appInsights, claimant, "names.appInsights");
  }
  claimAzureName("managed environment", inGroup, names.environment, claimant, "names.environment");
  const existing = args.privateNetwork?.existingNetwork;
  if (existing) {
    // Azure gives a subnet to one environment only.
    claimAzureName("environment infrastructure subnet", "subscription", knownValue(existing.infrastructureSubnetId), claimant, "privateNetwork.existingNetwork.infrastructureSubnetId");
  } else if (args.privateNetwork) {
    claimAzureName("virtual network", inGroup, names.virtualNetwork, claimant, "names.virtualNetwork");
  }
}

/** The names the program knows now; those given as Outputs are undefined. */
function knownNames(names: PlatformNames): { [Key in keyof PlatformNames]: string | undefined } {
  return {
    resourceGroup: knownValue(names.resourceGroup),
    registry: knownValue(names.registry),
    logAnalyticsWorkspace: knownValue(names.logAnalyticsWorkspace),
    appInsights: knownValue(names.appInsights),
    environment: knownValue(names.environment),
    virtualNetwork: knownValue(names.virtualNetwork),
  };
}

/** What a platform knows while the program runs, for services built on it in the same program. */
export interface PlatformFacts {
  readonly environmentKind: EnvironmentKind;
  /** Names of the workload profiles the environment has. */
  readonly workloadProfileNames: readonly string[];
  /** The created registry's name (its login server's first label), when the platform created it; an Output when given as one. */
  readonly registryName?: pulumi.Input<string>;
  /** The registry's login server, when it was given as a plain value. */
  readonly registryLoginServer?: string;
  /** The resource group's name, when known while the program runs. */
  readonly resourceGroupName?: string;
  /** The environment spreads replicas over availability zones (services then default to 3 replicas). */
  readonly zoneRedundant: boolean;
}

const platformFacts = new WeakMap<object, PlatformFacts>();

function factsFrom(args: ContainerAppsPlatformArgs, checked: CheckedPlatformArgs): PlatformFacts {
  return {
    environmentKind: checked.environmentKind,
    workloadProfileNames: workloadProfileNamesOf(checked),
    registryName: args.existingRegistry === undefined ? checked.names.registry : undefined,
    registryLoginServer: knownValue(args.existingRegistry?.loginServer),
    resourceGroupName: knownValue(args.resourceGroupName ?? checked.names.resourceGroup),
    zoneRedundant: checked.network?.zoneRedundant ?? args.zoneRedundant ?? false,
  };
}

/**
 * A stand-in for a platform that is about to be created, carrying what is known of it already, so a
 * composition can check its service's args before it registers anything.
 */
export function plannedPlatform(args: ContainerAppsPlatformArgs, checked: CheckedPlatformArgs) {
  const reference = {
    resourceGroupName: knownValue(args.resourceGroupName) ?? checked.names.resourceGroup,
    environmentId: pulumi.output(""),
    environmentKind: checked.environmentKind,
    registryId: pulumi.output(""),
    registryLoginServer: args.existingRegistry?.loginServer ?? pulumi.output(""),
  };
  platformFacts.set(reference, factsFrom(args, checked));
  return reference;
}

/** The facts of a platform created in this program; undefined for plain ids (another stack's platform). */
export function factsOf(platform: object): PlatformFacts | undefined {
  return platformFacts.get(platform);
}

/** Resolves a zone id `/subscriptions/…/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>`. */
export function parsePrivateZoneId(id: string): { resourceGroupName: string; zoneName: string } {
  const match = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i.exec(id);
  if (!match) {
    throw new ValidationError(
      "privateNetwork.privateDnsZoneIds.environment",
      id,
      "must be a private DNS zone id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>",
    );
  }
  return { resourceGroupName: match[1]!, zoneName: match[2]! };
}

/**
 * Everything the apps of one team share, public or private: a resource group (or an existing one), Log
 * Analytics and workspace-based App Insights (or existing ones), a registry without admin user (or an
 * existing one), and a managed environment with the managed OpenTelemetry agent (workload profiles, Dedicated
 * ones included, or consumption-only). In private mode also the VNet, subnets and NSGs (or existing ones), the
 * registry's private endpoint and DNS (hub-owned zones accepted, the environment's own included), links to
 * more VNets, and an internal environment with a private zone for its default domain. Services run on it
 * with `ContainerAppService`.
 */
export class ContainerAppsPlatform extends pulumi.ComponentResource {
  /** The resource group everything is in. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The Azure region. */
  readonly location: pulumi.Output<string>;
  /** Resource id of the managed environment. */
  readonly environmentId: pulumi.Output<string>;
  /** The managed environment's Azure name. */
  readonly environmentName: pulumi.Output<string>;
  /** "workload-profiles" or "consumption-only". */
  readonly environmentKind: pulumi.Output<EnvironmentKind>;
  /** Names of the environment's workload profiles, Consumption first; empty for consumption-only. */
  readonly workloadProfileNames: pulumi.Output<string[]>;
  /** The environment's default domain; apps are `<app>.<defaultDomain>`. */
  readonly environmentDefaultDomain: pulumi.Output<string>;
  /** The environment's private IP (internal) or public IP (external). */
  readonly environmentStaticIp: pulumi.Output<string>;
  /** Resource id of the registry. */
  readonly registryId: pulumi.Output<string>;
  /** The registry's login server, `<name>.azurecr.io`. */
  readonly registryLoginServer: pulumi.Output<string>;
  /** The login server once images can be pushed to it (in private mode, after its endpoint and DNS exist). */
  readonly registryPushServer: pulumi.Output<string>;
  /** Resource id of the Log Analytics workspace. */
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** App Insights connection string, secret. */
  readonly appInsightsConnectionString: pulumi.Output<string>;
  /** Private mode: the VNet. */
  readonly virtualNetworkId: pulumi.Output<string | undefined>;
  /** Private mode: the environment's subnet. */
  readonly infrastructureSubnetId: pulumi.Output<string | undefined>;
  /** Private mode: the subnet for private endpoints (services' vaults and accounts go there too). */
  readonly privateEndpointsSubnetId: pulumi.Output<string | undefined>;
  /** Private mode: the registry's private endpoint. */
  readonly registryPrivateEndpointId: pulumi.Output<string | undefined>;
  /** Private mode: the registry's private DNS zone. */
  readonly registryPrivateDnsZoneId: pulumi.Output<string | undefined>;
  /** Private mode with an internal environment: the zone of its default domain. */
  readonly environmentPrivateDnsZoneId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ContainerAppsPlatformArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const checked = checkPlatformArgs(name, args);
    claimPlatformNames(name, args, checked);
    super(PLATFORM_TYPE, name, {}, opts);
    const built = buildPlatform(name, args, checked, { parent: this });
    this.resourceGroupName = built.resourceGroupName;
    this.location = built.location;
    this.environmentId = built.environment.id;
    this.environmentName = built.environment.name;
    this.environmentKind = pulumi.output(checked.environmentKind);
    this.workloadProfileNames = pulumi.output(workloadProfileNamesOf(checked));
    this.environmentDefaultDomain = built.environment.defaultDomain;
    this.environmentStaticIp = built.environment.staticIp;
    this.registryId = built.registryId;
    this.registryLoginServer = built.registryLoginServer;
    this.registryPushServer = built.registryPushServer;
    this.logAnalyticsWorkspaceId = built.logAnalyticsWorkspaceId;
    this.appInsightsConnectionString = built.appInsightsConnectionString;
    this.virtualNetworkId = pulumi.output(built.network?.virtualNetworkId);
    this.infrastructureSubnetId = pulumi.output(built.network?.infrastructureSubnetId);
    this.privateEndpointsSubnetId = pulumi.output(built.network?.privateEndpointsSubnetId);
    this.registryPrivateEndpointId = pulumi.output(built.network?.registryLink?.endpoint.id);
    this.registryPrivateDnsZoneId = pulumi.output(built.network?.registryLink?.privateDnsZoneId);
    this.environmentPrivateDnsZoneId = pulumi.output(built.network?.environmentZoneId);
    platformFacts.set(this, factsFrom(args, checked));
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      location: this.location,
      environmentId: this.environmentId,
      environmentName: this.environmentName,
      environmentKind: this.environmentKind,
      workloadProfileNames: this.workloadProfileNames,
      environmentDefaultDomain: this.environmentDefaultDomain,
      environmentStaticIp: this.environmentStaticIp,
      registryId: this.registryId,
      registryLoginServer: this.registryLoginServer,
      registryPushServer: this.registryPushServer,
      logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
      appInsightsConnectionString: this.appInsightsConnectionString,
      virtualNetworkId: this.virtualNetworkId,
      infrastructureSubnetId: this.infrastructureSubnetId,
      privateEndpointsSubnetId: this.privateEndpointsSubnetId,
      registryPrivateEndpointId: this.registryPrivateEndpointId,
      registryPrivateDnsZoneId: this.registryPrivateDnsZoneId,
      environmentPrivateDnsZoneId: this.environmentPrivateDnsZoneId,
    });
  }
}

function workloadProfileNamesOf(checked: CheckedPlatformArgs): string[] {
  return checked.environmentKind === "workload-profiles" ? [CONSUMPTION_PROFILE, ...checked.workloadProfiles.map((profile) => profile.name)] : [];
}

/** What {@link buildPlatform} created or looked up. */
export interface BuiltPlatform {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly environment: app.ManagedEnvironment;
  readonly registryId: pulumi.Output<string>;
  readonly registryLoginServer: pulumi.Output<string>;
  readonly registryPushServer: pulumi.Output<string>;
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  readonly appInsightsConnectionString: pulumi.Output<string>;
  readonly network?: {
    readonly virtualNetworkId: pulumi.Output<string>;
    readonly infrastructureSubnetId: pulumi.Output<string>;
    readonly privateEndpointsSubnetId: pulumi.Output<string>;
    /** Undefined with an existing registry (its owner gives it an endpoint). */
    readonly registryLink?: PrivateLink;
    readonly environmentZoneId?: pulumi.Output<string>;
  };
}

/**
 * Creates the platform's resources under `opts.parent`, named after `name` (`<name>-rg`, `<name>-law`,
 * `<name>-acr`, `<name>-env`, …). The args must have passed {@link checkPlatformArgs}.
 */
export function buildPlatform(name: string, args: ContainerAppsPlatformArgs, checked: CheckedPlatformArgs, opts: { parent: pulumi.Resource }): BuiltPlatform {
  const { names, tags } = checked;
  let resourceGroupName: pulumi.Output<string>;
  let location: pulumi.Output<string>;
  if (args.resourceGroupName !== undefined) {
    const existing = resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, opts);
    resourceGroupName = existing.name;
    location = args.location !== undefined ? pulumi.output(args.location) : existing.location;
  } else {
    const group = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: names.resourceGroup, location: args.location, tags },
      opts,
    );
    resourceGroupName = group.name;
    location = group.location;
  }
  const placement = { resourceGroupName, location, tags };

  let workspace: { id: pulumi.Output<string>; customerId: pulumi.Output<string>; sharedKey: pulumi.Output<string>; connectionString: pulumi.Output<string> };
  if (args.existingObservability) {
    const existing = args.existingObservability;
    workspace = {
      id: pulumi.output(existing.logAnalyticsWorkspaceId),
      customerId: pulumi.output(existing.logAnalyticsCustomerId),
      sharedKey: pulumi.secret(existing.logAnalyticsSharedKey),
      connectionString: pulumi.secret(existing.appInsightsConnectionString),
    };
  } else {
    const observability = createObservability(
      name,
      { ...placement, workspaceName: names.logAnalyticsWorkspace, appInsightsName: names.appInsights, retentionInDays: checked.retentionInDays },
      opts,
    );
    workspace = {
      id: observability.workspace.id,
      customerId: observability.workspaceCustomerId,
      sharedKey: observability.workspaceSharedKey,
      connectionString: observability.connectionString,
    };
  }

  const network = checked.network;
  let registryId: pulumi.Output<string>;
  let registryLoginServer: pulumi.Output<string>;
  let createdRegistry: ReturnType<typeof createRegistry> | undefined;
  if (args.existingRegistry) {
    registryId = pulumi.output(args.existingRegistry.id);
    registryLoginServer = pulumi.output(args.existingRegistry.loginServer);
  } else {
    // In private mode public access stays off unless the push is allow-listed, and then only the deployer's
    // address gets through the firewall.
    createdRegistry = createRegistry(
      name,
      {
        ...placement,
        registryName: names.registry,
        sku: checked.registrySku,
        publicNetworkAccess: network ? (network.imagePush === "allow-listed-ip" ? "Enabled" : "Disabled") : undefined,
        allowedIpRanges: network?.allowedIpRanges,
      },
      opts,
    );
    registryId = createdRegistry.id;
    registryLoginServer = createdRegistry.loginServer;
  }

  let built: BuiltPlatform["network"];
  let registryPushServer = registryLoginServer;
  let vnet: { infrastructureSubnetId: pulumi.Output<string>; internal: boolean } | undefined;
  if (network && args.privateNetwork) {
    const settings = args.privateNetwork;
    let virtualNetworkId: pulumi.Output<string>;
    let infrastructureSubnetId: pulumi.Output<string>;
    let privateEndpointsSubnetId: pulumi.Output<string>;
    if (settings.existingNetwork) {
      virtualNetworkId = pulumi.output(settings.existingNetwork.virtualNetworkId);
      infrastructureSubnetId = pulumi.output(settings.existingNetwork.infrastructureSubnetId);
      privateEndpointsSubnetId = pulumi.output(settings.existingNetwork.privateEndpointsSubnetId);
    } else {
      const ranges = settings.network ?? {};
      const created = createPrivateNetwork(
        name,
        {
          ...placement,
          environmentKind: checked.environmentKind,
          addressSpace: ranges.addressSpace ?? DEFAULT_NETWORK.addressSpace,
          infrastructureSubnetPrefix: ranges.infrastructureSubnetPrefix ?? DEFAULT_NETWORK.infrastructureSubnetPrefix,
          privateEndpointsSubnetPrefix: ranges.privateEndpointsSubnetPrefix ?? DEFAULT_NETWORK.privateEndpointsSubnetPrefix,
          clientAddressPrefixes: ranges.clientAddressPrefixes,
          privateEndpointClientPrefixes: ranges.privateEndpointClientPrefixes,
          names: {
            virtualNetwork: names.virtualNetwork,
            infrastructureSecurityGroup: securityGroupName(names.virtualNetwork, "infrastructure"),
            privateEndpointsSecurityGroup: securityGroupName(names.virtualNetwork, "private-endpoints"),
          },
        },
        opts,
      );
      virtualNetworkId = created.virtualNetwork.id;
      infrastructureSubnetId = created.infrastructureSubnet.id;
      privateEndpointsSubnetId = created.privateEndpointsSubnet.id;
    }
    const extraNetworks = settings.additionalVirtualNetworkIds ?? [];
    const registryLink = createdRegistry
      ? createPrivateLink(
          `${name}-acr`,
          {
            ...placement,
            subnetId: privateEndpointsSubnetId,
            virtualNetworkId,
            service: "registry",
            targetResourceId: createdRegistry.id,
            privateDnsZoneId: settings.privateDnsZoneIds?.registry,
          },
          opts,
        )
      : undefined;
    if (registryLink?.zone) linkToMoreNetworks(`${name}-acr`, registryLink.zone, extraNetworks, resourceGroupName, tags, opts);
    if (registryLink && network.imagePush === "inside-network") {
      // Inside the network the push goes through the private endpoint, so it waits until the endpoint and
      // its DNS records exist (the login server resolves to the private address only then).
      registryPushServer = pulumi
        .all([registryLoginServer, ...registryLink.readiness.map((resource) => resource.id)])
        .apply(([server]) => server as string);
    }
    built = { virtualNetworkId, infrastructureSubnetId, privateEndpointsSubnetId, registryLink };
    vnet = { infrastructureSubnetId, internal: network.internal };
  }

  const environment = createManagedEnvironment(
    name,
    {
      ...placement,
      environmentName: names.environment,
      environmentKind: checked.environmentKind,
      dedicatedProfiles: checked.workloadProfiles.map((profile) => ({
        name: profile.name,
        workloadProfileType: profile.workloadProfileType,
        minimumCount: profile.minimumCount ?? 0,
        maximumCount: profile.maximumCount ?? 3,
      })),
      logAnalyticsCustomerId: workspace.customerId,
      logAnalyticsSharedKey: workspace.sharedKey,
      appInsightsConnectionString: workspace.connectionString,
      vnet,
      publicNetworkAccess: network ? (network.internal ? "Disabled" : "Enabled") : undefined,
      peerTrafficEncryption: args.peerTrafficEncryption ?? true,
      zoneRedundant: network?.zoneRedundant ?? args.zoneRedundant ?? false,
    },
    opts,
  );

  if (built && network?.internal) {
    const hubZone = args.privateNetwork?.privateDnsZoneIds?.environment;
    if (hubZone === undefined) {
      const dns = createEnvironmentDns(
        `${name}-env`,
        { resourceGroupName, defaultDomain: environment.defaultDomain, staticIp: environment.staticIp, virtualNetworkId: built.virtualNetworkId, tags },
        opts,
      );
      linkToMoreNetworks(`${name}-env`, dns, args.privateNetwork?.additionalVirtualNetworkIds ?? [], resourceGroupName, tags, opts);
      built = { ...built, environmentZoneId: dns.zone.id };
    } else {
      const zone = pulumi.output(hubZone).apply(parsePrivateZoneId);
      new privatedns.PrivateRecordSet(
        `${name}-env-wildcard`,
        {
          resourceGroupName: zone.resourceGroupName,
          privateZoneName: zone.zoneName,
          recordType: "A",
          relativeRecordSetName: "*",
          ttl: 300,
          aRecords: [{ ipv4Address: environment.staticIp }],
        },
        opts,
      );
      built = { ...built, environmentZoneId: pulumi.output(hubZone) };
    }
  }

  return {
    resourceGroupName,
    location,
    environment,
    registryId,
    registryLoginServer,
    registryPushServer,
    logAnalyticsWorkspaceId: workspace.id,
    appInsightsConnectionString: workspace.connectionString,
    network: built,
  };
}

/** A subnet's NSG is named after the VNet (`nsg-<vnet>-<subnet>`), once the VNet's name is known. */
function securityGroupName(virtualNetworkName: pulumi.Input<string>, subnet: string): pulumi.Input<string> {
  const known = knownValue(virtualNetworkName);
  if (known !== undefined) return generateName("networkSecurityGroup", `${known}-${subnet}`);
  return pulumi.output(virtualNetworkName).apply((resolved) => generateName("networkSecurityGroup", `${resolved}-${subnet}`));
}

/** Links a created zone to more VNets (a hub, where its resolvers run), one link per VNet. */
function linkToMoreNetworks(
  name: string,
  zone: LinkedPrivateZone,
  virtualNetworkIds: readonly pulumi.Input<string>[],
  resourceGroupName: pulumi.Input<string>,
  tags: Record<string, string>,
  opts: { parent: pulumi.Resource },
): void {
  virtualNetworkIds.forEach((virtualNetworkId, index) => {
    new privatedns.VirtualNetworkLink(
      `${name}-link-${index + 1}`,
      {
        resourceGroupName,
        privateZoneName: zone.zone.name,
        virtualNetwork: { id: virtualNetworkId },
        registrationEnabled: false,
        location: "global",
        tags,
      },
      opts,
    );
  });
}
