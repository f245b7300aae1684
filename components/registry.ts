import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ACR_REFRESH_TOKEN_USERNAME, AcrTokenExchange, exchangeAcrRefreshToken } from "./acrToken";
import { ROLE_DEFINITION_IDS, grantRole } from "./identity";
import { checkNameIfKnown, checkedName } from "./naming";
import { ValidationError, checkOneOf } from "./validation";

/** Registry SKUs (an `as const` object, so Pulumi's component analyzer turns it into a schema enum). */
export const RegistrySku = { Basic: "Basic", Standard: "Standard", Premium: "Premium" } as const;

export type RegistrySku = (typeof RegistrySku)[keyof typeof RegistrySku];

export interface RegistryArgs {
  /** Resource group of the registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region; default: the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** The registry's Azure name: 5-50 letters and digits, globally unique; an Output is checked once known. */
  readonly registryName: pulumi.Input<string>;
  /** SKU. Default "Basic". Private endpoints, IP rules and zone redundancy need "Premium". */
  readonly sku?: RegistrySku;
  /**
   * "Enabled" (default) or "Disabled". A registry with public access disabled can only be pushed to from
   * inside its network or from an address in `allowedIpRanges`.
   */
  readonly publicNetworkAccess?: "Enabled" | "Disabled";
  /**
   * IP addresses or CIDR ranges allowed through the registry firewall (e.g. the deployer's, so a build
   * outside the VNet can push); everything else is denied. Premium only. Default: no firewall rules.
   */
  readonly allowedIpRanges?: readonly string[];
  /** Spread the registry across availability zones. Premium only. Default false. */
  readonly zoneRedundancy?: boolean;
  /**
   * Days an untagged manifest is kept before it is purged, 0–365. Premium only (the other SKUs have no
   * retention policy). Default 7 on Premium.
   */
  readonly untaggedRetentionDays?: number;
  /** Tags for the registry. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const IPV4_OR_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([0-9]|[12]\d|3[0-2]))?$/;

/** Validates the registry args; throws before anything is registered. */
export function validateRegistryArgs(args: RegistryArgs): void {
  checkNameIfKnown("containerRegistry", "registryName", args.registryName);
  const sku = args.sku ?? "Basic";
  checkOneOf("registrySku", sku, ["Basic", "Standard", "Premium"]);
  if (args.publicNetworkAccess !== undefined) {
    checkOneOf("publicNetworkAccess", args.publicNetworkAccess, ["Enabled", "Disabled"]);
  }
  for (const range of args.allowedIpRanges ?? []) {
    if (!IPV4_OR_CIDR.test(range)) throw new ValidationError("allowedIpRanges", range, "each entry must be an IPv4 address or CIDR range");
  }
  if ((args.allowedIpRanges?.length ?? 0) > 0 && sku !== "Premium") {
    throw new ValidationError("registrySku", sku, "registry IP rules (`allowedIpRanges`) need the Premium SKU");
  }
  if (args.zoneRedundancy && sku !== "Premium") {
    throw new ValidationError("registrySku", sku, "registry zone redundancy needs the Premium SKU");
  }
  if (args.untaggedRetentionDays !== undefined) {
    const days = args.untaggedRetentionDays;
    if (!Number.isInteger(days) || days < 0 || days > 365) {
      throw new ValidationError("untaggedRetentionDays", days, "must be an integer from 0 to 365");
    }
    if (sku !== "Premium") throw new ValidationError("registrySku", sku, "a retention policy (`untaggedRetentionDays`) needs the Premium SKU");
  }
}

/**
 * Registry policies Premium supports: untagged manifests purged after a retention period, and, once the
 * registry is closed to the public, exports disabled so images cannot be copied out (Azure accepts a
 * disabled export policy only with public network access disabled).
 */
function premiumPolicies(args: RegistryArgs): containerregistry.RegistryArgs["policies"] {
  if ((args.sku ?? "Basic") !== "Premium") return undefined;
  return {
    retentionPolicy: { status: "enabled", days: args.untaggedRetentionDays ?? 7 },
    exportPolicy: args.publicNetworkAccess === "Disabled" ? { status: "disabled" } : undefined,
  };
}

/** Creates a container registry with the admin user and anonymous pull off: pulls and pushes use Entra identities. */
export function createRegistry(name: string, args: RegistryArgs, opts: pulumi.CustomResourceOptions): containerregistry.Registry {
  validateRegistryArgs(args);
  const ranges = args.allowedIpRanges ?? [];
  return new containerregistry.Registry(
    `${name}-acr`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      registryName: checkedName("containerRegistry", "registryName", args.registryName),
      sku: { name: args.sku ?? "Basic" },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: args.publicNetworkAccess ?? "Enabled",
      networkRuleSet:
        ranges.length > 0
          ? { defaultAction: "Deny", ipRules: ranges.map((range) => ({ action: "Allow", iPAddressOrRange: range })) }
          : undefined,
      zoneRedundancy: args.zoneRedundancy ? "Enabled" : "Disabled",
      policies: premiumPolicies(args),
      tags: args.tags,
    },
    opts,
  );
}

/** Grants AcrPull on the registry (not the group) to a principal, e.g. the app's user-assigned identity. */
export function grantPull(
  name: string,
  registry: containerregistry.Registry,
  principalId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return grantRole(name, { principalId, roleDefinitionId: ROLE_DEFINITION_IDS.AcrPull, scope: registry.id }, opts);
}

/** Docker registry credentials as @pulumi/docker-build takes them. */
export interface PushCredentials {
  readonly address: pulumi.Output<string>;
  readonly username: string;
  /** The ACR refresh token, secret. */
  readonly password: pulumi.Output<string>;
}

/**
 * Push credentials without an admin user: the deploying identity's Entra token (azure-native's
 * getClientToken) exchanged at the registry for a refresh token. The password is a secret.
 *
 * In a preview the password stays unknown and the registry is never called, even when its login server is
 * known (a preview of an existing stack): a preview has no side effects, and a CI preview with a read-only
 * identity would be refused by the exchange. Nothing is pushed in a preview, so nothing needs the token.
 */
export function pushCredentials(
  loginServer: pulumi.Input<string>,
  opts: { parent?: pulumi.Resource; exchange?: AcrTokenExchange; preview?: boolean } = {},
): PushCredentials {
  const address = pulumi.output(loginServer);
  if (opts.preview ?? pulumi.runtime.isDryRun()) {
    return { address, username: ACR_REFRESH_TOKEN_USERNAME, password: pulumi.secret(pulumi.output(pulumi.unknown as unknown as string)) };
  }
  const exchange = opts.exchange ?? ((request) => exchangeAcrRefreshToken(request));
  const client = authorization.getClientConfigOutput({ parent: opts.parent });
  const token = authorization.getClientTokenOutput({}, { parent: opts.parent });
  const password = pulumi
    .all([loginServer, client.tenantId, token.token])
    .apply(([server, tenantId, accessToken]) => exchange({ loginServer: server, tenantId, accessToken }));
  return { address, username: ACR_REFRESH_TOKEN_USERNAME, password: pulumi.secret(password) };
}
