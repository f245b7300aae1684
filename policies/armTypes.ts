/**
 * Type tokens the `arm-*` rules judge beyond those in `resourceTypes.ts`, and the ARM resource type
 * each private-link target token stands for.
 */
import { types } from "./resourceTypes";

export const armTypes = {
  job: "azure-native:app:Job",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  cosmosDatabaseAccount: "azure-native:cosmosdb:DatabaseAccount",
  sqlServer: "azure-native:sql:Server",
  redis: "azure-native:redis:Redis",
} as const;

/** azure-native token → ARM type (`provider/type`, lower-cased) of resources a private endpoint can target. */
export const privateLinkTargetTypes: Record<string, string> = {
  [types.registry]: "microsoft.containerregistry/registries",
  [types.vault]: "microsoft.keyvault/vaults",
  [types.storageAccount]: "microsoft.storage/storageaccounts",
  [types.managedEnvironment]: "microsoft.app/managedenvironments",
  [armTypes.cosmosDatabaseAccount]: "microsoft.documentdb/databaseaccounts",
  [armTypes.sqlServer]: "microsoft.sql/servers",
  [armTypes.redis]: "microsoft.cache/redis",
};
