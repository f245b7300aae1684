import * as pulumi from "@pulumi/pulumi";
import { KeyVaultSecretArgs } from "./containerApp";
import { checkName, generateName } from "./naming";
import { RegistrySku } from "./registry";
import { ContainerAppTopology, ContainerAppTopologyArgs, checkTopologyArgs, createTopologyFoundation, deployTopologyApp, uniqueSeedOf } from "./topology";

/**
 * Azure names of the resources a PublicContainerApp creates; each defaults to one generated from the prefix
 * and the stack, so the stacks of one program never collide in a subscription. A name given here is used as
 * it is.
 */
export interface PublicContainerAppNames {
  /** Resource group (when created). Default `rg-<prefix>-<stack>`. */
  readonly resourceGroup?: string;
  /** Container registry, globally unique. Default `cr<prefix><hash of project, stack and component>`. */
  readonly registry?: string;
  /** User-assigned identity. Default `id-<prefix>-<stack>`. */
  readonly identity?: string;
  /** Log Analytics workspace. Default `log-<prefix>-<stack>`. */
  readonly logAnalyticsWorkspace?: string;
  /** Application Insights. Default `appi-<prefix>-<stack>`. */
  readonly appInsights?: string;
  /** Managed environment. Default `cae-<prefix>-<stack>`. */
  readonly environment?: string;
  /** Container app. Default `ca-<prefix>-<stack>`. */
  readonly containerApp?: string;
  /** Image repository in the registry. Default `<prefix>`. */
  readonly imageRepository?: string;
}

export interface PublicContainerAppArgs extends ContainerAppTopologyArgs {
  /** Explicit Azure names, validated against Azure's rules. Default: generated from `namePrefix`. */
  readonly names?: PublicContainerAppNames;
  /** Registry SKU. Default "Basic". */
  readonly registrySku?: RegistrySku;
  /** Ingress open to the internet. Default true. */
  readonly external?: boolean;
  /** Encrypt traffic between apps and replicas inside the environment. Default true. */
  readonly peerTrafficEncryption?: boolean;
  /**
   * Key Vault secret references, read through the user-assigned identity (grant it Key Vault Secrets User,
   * see `identityPrincipalId`). Never inline values. Default none.
   */
  readonly secrets?: readonly KeyVaultSecretArgs[];
}

/** The Azure names a PublicContainerApp uses: explicit ones validated, the rest generated. */
export function resolvePublicContainerAppNames(
  name: string,
  args: Pick<PublicContainerAppArgs, "namePrefix" | "names">,
  uniqueSeed: string,
  stack: string = pulumi.getStack(),
) {
  const base = args.namePrefix ?? name;
  const names = args.names ?? {};
  const resolved = {
    resourceGroup: names.resourceGroup ?? generateName("resourceGroup", base, { stack }),
    registry: names.registry ?? generateName("containerRegistry", base, { uniqueSeed }),
    identity: names.identity ?? generateName("userAssignedIdentity", base, { stack }),
    logAnalyticsWorkspace: names.logAnalyticsWorkspace ?? generateName("logAnalyticsWorkspace", base, { stack }),
    appInsights: names.appInsights ?? generateName("applicationInsights", base, { stack }),
    environment: names.environment ?? generateName("managedEnvironment", base, { stack }),
    containerApp: names.containerApp ?? generateName("containerApp", base, { stack }),
    imageRepository: names.imageRepository ?? generateName("imageRepository", base),
  };
  checkName("resourceGroup", "names.resourceGroup", resolved.resourceGroup);
  return resolved;
}

/**
 * The public Azure Container Apps topology in one resource: resource group, Log Analytics and workspace-based
 * App Insights, a registry without admin user, a user-assigned identity holding AcrPull on the registry
 * before the app exists, the image built and pushed with an exchanged Entra token and run by digest, a
 * workload-profiles (or consumption-only) environment with the managed OpenTelemetry agent, and the
 * container app behind HTTPS.
 */
export class PublicContainerApp extends ContainerAppTopology {
  constructor(name: string, args: PublicContainerAppArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before the component or any child is registered.
    const names = resolvePublicContainerAppNames(name, args, uniqueSeedOf(name));
    const checked = checkTopologyArgs(args, names, { external: args.external ?? true, registry: { sku: args.registrySku }, secrets: args.secrets });

    super("aca:index:PublicContainerApp", name, opts);
    const child = { parent: this };
    const foundation = createTopologyFoundation(name, { args, names, checked, registry: { sku: args.registrySku } }, child);
    const topology = deployTopologyApp(
      name,
      foundation,
      { args, names, app: checked.app, secrets: args.secrets, environment: { peerTrafficEncryption: args.peerTrafficEncryption ?? true } },
      child,
    );
    this.registerTopologyOutputs(topology);
  }
}
