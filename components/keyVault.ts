import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { ChildOptions, Placement } from "./network";
import { ValidationError } from "./validation";

/** What `createKeyVault` needs. */
export interface KeyVaultArgs extends Placement {
  /** The vault's Azure name: 3–24 letters, digits and hyphens, globally unique. */
  readonly vaultName: pulumi.Input<string>;
  /** The Entra tenant the vault trusts. */
  readonly tenantId: pulumi.Input<string>;
  /** Days a deleted vault or secret stays recoverable, 7–90. Default 90. */
  readonly softDeleteRetentionInDays?: number;
  /**
   * Purge protection: a deleted vault (and its name) cannot be purged before the retention period ends.
   * Default true. False suits a dev stack that is destroyed and created again: its deleted vault can then be
   * purged at once (`az keyvault purge`). Once on, Azure never turns it off again.
   */
  readonly purgeProtection?: boolean;
}

/** Throws unless the retention is an integer in Key Vault's 7–90 days. */
export function checkSoftDeleteRetention(field: string, days: number): void {
  if (!Number.isInteger(days) || days < 7 || days > 90) {
    throw new ValidationError(field, days, "Key Vault keeps deleted items for a whole number of days from 7 to 90");
  }
}

/**
 * A Key Vault reachable only through its private endpoint: Azure RBAC instead of access policies (the
 * app's identity gets Key Vault Secrets User on this vault alone), soft delete and (by default) purge protection on,
 * public network access off and the firewall denying everything, trusted Azure services included.
 */
export function createKeyVault(name: string, args: KeyVaultArgs, opts: ChildOptions): keyvault.Vault {
  const retention = args.softDeleteRetentionInDays ?? 90;
  checkSoftDeleteRetention("softDeleteRetentionInDays", retention);
  return new keyvault.Vault(
    `${name}-kv`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
      vaultName: args.vaultName,
      properties: {
        tenantId: args.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: retention,
        // Key Vault refuses `false` here ("enabling this functionality is irreversible"), so off means unset.
        enablePurgeProtection: (args.purgeProtection ?? true) ? true : undefined,
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
      },
    },
    opts,
  );
}

/** The versionless URL of a secret, which ACA resolves to the latest version on each revision. */
export function secretUrl(vaultUri: pulumi.Input<string>, secretName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([vaultUri, secretName]).apply(([uri, name]) => `${uri.replace(/\/?$/, "/")}secrets/${name}`);
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** Throws unless `value` is a valid Key Vault secret name (1–127 letters, digits and hyphens). */
export function checkVaultSecretName(field: string, value: string): void {
  if (!SECRET_NAME.test(value)) {
    throw new ValidationError(field, value, "a Key Vault secret name must be 1–127 letters, digits and hyphens");
  }
}

/**
 * Writes a secret value into the vault through Azure Resource Manager (the control plane), so the
 * deployment needs no route to the vault's private data plane. The value is kept secret in state.
 */
export function createKeyVaultSecret(
  name: string,
  args: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly vaultName: pulumi.Input<string>;
    readonly secretName: string;
    readonly value: pulumi.Input<string>;
    readonly tags?: Placement["tags"];
  },
  opts: ChildOptions & { readonly dependsOn?: pulumi.Input<pulumi.Resource>[] },
): keyvault.Secret {
  checkVaultSecretName("secretName", args.secretName);
  return new keyvault.Secret(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      vaultName: args.vaultName,
      secretName: args.secretName,
      properties: { value: pulumi.secret(args.value) },
      tags: args.tags,
    },
    opts,
  );
}
