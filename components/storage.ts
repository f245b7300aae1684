import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type { ChildOptions, Placement } from "./network";
import { ValidationError } from "./validation";

/** Redundancy SKUs for a general-purpose v2 account. */
export const StorageSku = {
  Standard_LRS: "Standard_LRS",
  Standard_ZRS: "Standard_ZRS",
  Standard_GRS: "Standard_GRS",
  Standard_GZRS: "Standard_GZRS",
  Standard_RAGRS: "Standard_RAGRS",
  Standard_RAGZRS: "Standard_RAGZRS",
} as const;

export type StorageSku = (typeof StorageSku)[keyof typeof StorageSku];

const STORAGE_SKUS: readonly StorageSku[] = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"];

/** What `createStorageAccount` needs. */
export interface StorageAccountArgs extends Placement {
  /** The account's Azure name: 3–24 lowercase letters and digits, globally unique. */
  readonly accountName: pulumi.Input<string>;
  /** Redundancy. Default "Standard_ZRS" (survives a zone outage). */
  readonly sku?: StorageSku;
}

/** Throws unless `sku` is a general-purpose v2 redundancy SKU. */
export function checkStorageSku(field: string, sku: string): void {
  if (!(STORAGE_SKUS as readonly string[]).includes(sku)) {
    throw new ValidationError(field, sku, `a StorageV2 account takes one of ${STORAGE_SKUS.join(", ")}`);
  }
}

/**
 * A StorageV2 account for blobs reachable only through its private endpoint and only with Entra
 * identities: shared keys (and so SAS tokens signed with them) off, no anonymous blob access, TLS 1.2,
 * HTTPS only, public network access off and the firewall denying everything.
 */
export function createStorageAccount(name: string, args: StorageAccountArgs, opts: ChildOptions): storage.StorageAccount {
  const sku = args.sku ?? "Standard_ZRS";
  checkStorageSku("storageSku", sku);
  return new storage.StorageAccount(
    `${name}-st`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
      accountName: args.accountName,
      kind: "StorageV2",
      sku: { name: sku },
      accessTier: "Hot",
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
    },
    opts,
  );
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/;

/** Throws unless `value` is a valid blob container name. */
export function checkContainerName(field: string, value: string): void {
  if (!CONTAINER_NAME.test(value)) {
    throw new ValidationError(
      field,
      value,
      "a blob container name must be 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
    );
  }
}

/** A private blob container (no anonymous access), created through the control plane. */
export function createBlobContainer(
  name: string,
  args: { readonly resourceGroupName: pulumi.Input<string>; readonly accountName: pulumi.Input<string>; readonly containerName: string },
  opts: ChildOptions,
): storage.BlobContainer {
  checkContainerName("blobContainerName", args.containerName);
  return new storage.BlobContainer(
    `${name}-blob`,
    {
      resourceGroupName: args.resourceGroupName,
      accountName: args.accountName,
      containerName: args.containerName,
      publicAccess: "None",
    },
    opts,
  );
}
