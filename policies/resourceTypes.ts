/** The azure-native type tokens the rules judge. */
export const types = {
  containerApp: "azure-native:app:ContainerApp",
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
} as const;
