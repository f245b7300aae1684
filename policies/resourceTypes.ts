/**
 * The type tokens the rules judge, and how a token a program registers finds its rules.
 *
 * A rule names azure-native types by their unversioned token (`azure-native:app:ContainerApp`).
 * The same resource can arrive under a versioned token (`azure-native:app/v20240301:ContainerApp`,
 * which the SDK lists as an alias) or from the classic `@pulumi/azure` provider
 * (`azure:containerapp:App`, adapted to the azure-native shape in `classicAzure.ts`); both are
 * judged by the rules of the azure-native type.
 */
import { typeAliases } from "./typeAliases";

/** The azure-native type tokens the rules judge. */
export const types = {
  containerApp: "azure-native:app:ContainerApp",
  job: "azure-native:app:Job",
  managedEnvironment: "azure-native:app:ManagedEnvironment",
  registry: "azure-native:containerregistry:Registry",
  vault: "azure-native:keyvault:Vault",
  storageAccount: "azure-native:storage:StorageAccount",
  subnet: "azure-native:network:Subnet",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  privateZone: "azure-native:privatedns:PrivateZone",
  virtualNetworkLink: "azure-native:privatedns:VirtualNetworkLink",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  appInsights: "azure-native:applicationinsights:Component",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  cosmosDatabaseAccount: "azure-native:cosmosdb:DatabaseAccount",
  sqlServer: "azure-native:sql:Server",
  redis: "azure-native:redis:Redis",
} as const;

/**
 * The classic `@pulumi/azure` provider's tokens for the same resources, as the engine sees them
 * (`azure.containerapp.App` registers `azure:containerapp/app:App`).
 */
export const classicTypes = {
  containerApp: "azure:containerapp/app:App",
  managedEnvironment: "azure:containerapp/environment:Environment",
  registry: "azure:containerservice/registry:Registry",
  keyVault: "azure:keyvault/keyVault:KeyVault",
  storageAccount: "azure:storage/account:Account",
} as const;

/** The azure-native type each classic token is judged as. */
export const classicNativeType: Readonly<Record<string, string>> = {
  [classicTypes.containerApp]: types.containerApp,
  [classicTypes.managedEnvironment]: types.managedEnvironment,
  [classicTypes.registry]: types.registry,
  [classicTypes.keyVault]: types.vault,
  [classicTypes.storageAccount]: types.storageAccount,
};

const aliasOf = new Map<string, string>();
for (const [type, aliases] of Object.entries(typeAliases)) {
  for (const alias of aliases) aliasOf.set(alias, type);
}

/** The unversioned azure-native token of a token (itself unless it is an alias the SDK lists). */
export function unaliasedType(token: string): string {
  return aliasOf.get(token) ?? token;
}

/** The azure-native type whose rules judge a token: aliases and classic tokens map to it. */
export function nativeType(token: string): string {
  const type = unaliasedType(token);
  return classicNativeType[type] ?? type;
}

/** Every token judged as `type`: the type itself and the aliases the SDK lists for it. */
export function tokensOf(type: string): string[] {
  return [type, ...(typeAliases[type] ?? [])];
}

/**
 * Types that share one entry in `@pulumi/policy`'s per-type filter: the rules of a job are rules of
 * container apps too, the NSG rule judges subnets and the inline subnets of a virtual network, and
 * the security-rule rules judge an NSG's inline rules and standalone SecurityRule resources, so each
 * such rule reaches both types without being called for every other resource.
 */
const sharedRoute: Readonly<Record<string, string>> = {
  [types.job]: types.containerApp,
  [types.virtualNetwork]: types.subnet,
  [types.securityRule]: types.networkSecurityGroup,
};

/** The token `@pulumi/policy` filters a rule by: the route of the azure-native type it judges. */
export function routeOf(token: string): string {
  const type = nativeType(token);
  return sharedRoute[type] ?? type;
}

/** The token in a resource URN (`urn:pulumi:stack::project::parent$type::name` → `type`). */
export function tokenOfUrn(urn: string | undefined): string | undefined {
  const qualified = urn?.split("::")[2];
  if (qualified === undefined || qualified === "") return undefined;
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}
