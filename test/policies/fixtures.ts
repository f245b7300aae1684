/** Well-behaved resources (as the components declare them), each test mutates one thing. */
import { unknownString, type Props } from "./support";

export const identityId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/web-id";
export const registryId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/webacr";
export const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

export function roleDefinition(guid: string): string {
  return `/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

export const containerApp: Props = {
  resourceGroupName: "rg",
  containerAppName: "web",
  managedEnvironmentId: unknownString,
  identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
  configuration: {
    activeRevisionsMode: "Single",
    ingress: { external: true, targetPort: 8000, allowInsecure: false, transport: "auto" },
    registries: [{ server: "webacr.azurecr.io", identity: identityId }],
    secrets: [{ name: "db-password", keyVaultUrl: "https://web-kv.vault.azure.net/secrets/db-password", identity: identityId }],
  },
  template: {
    containers: [
      {
        name: "web",
        image: `webacr.azurecr.io/web@${digest}`,
        resources: { cpu: 0.5, memory: "1Gi" },
        probes: [
          { type: "Liveness", httpGet: { path: "/health", port: 8000 } },
          { type: "Readiness", httpGet: { path: "/ready", port: 8000 } },
          { type: "Startup", httpGet: { path: "/health", port: 8000 } },
        ],
      },
    ],
    scale: { minReplicas: 0, maxReplicas: 3 },
  },
};

/** The same app at preview: ids, the login server and the image are not known yet. */
export const containerAppAtPreview: Props = {
  ...containerApp,
  identity: { type: "UserAssigned", userAssignedIdentities: [unknownString] },
  configuration: {
    ...containerApp["configuration"],
    registries: [{ server: unknownString, identity: unknownString }],
    secrets: [{ name: "db-password", keyVaultUrl: unknownString, identity: unknownString }],
  },
  template: {
    ...containerApp["template"],
    containers: [{ ...containerApp["template"].containers[0], image: unknownString }],
  },
};

export const environment: Props = {
  resourceGroupName: "rg",
  environmentName: "web-env",
  workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
  appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: unknownString, sharedKey: unknownString } },
  peerTrafficConfiguration: { encryption: { enabled: true } },
  zoneRedundant: true,
};

export const privateEnvironment: Props = {
  ...environment,
  vnetConfiguration: { infrastructureSubnetId: unknownString, internal: true },
  publicNetworkAccess: "Disabled",
};

export const registry: Props = {
  resourceGroupName: "rg",
  registryName: "webacr",
  sku: { name: "Basic" },
  adminUserEnabled: false,
  anonymousPullEnabled: false,
  publicNetworkAccess: "Enabled",
};

export const privateRegistry: Props = {
  ...registry,
  sku: { name: "Premium" },
  publicNetworkAccess: "Disabled",
  policies: { exportPolicy: { status: "disabled" }, retentionPolicy: { status: "enabled", days: 7 } },
};

export const vault: Props = {
  resourceGroupName: "rg",
  vaultName: "web-kv",
  properties: {
    tenantId: unknownString,
    sku: { family: "A", name: "standard" },
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    enablePurgeProtection: true,
    publicNetworkAccess: "Disabled",
    networkAcls: { defaultAction: "Deny", bypass: "None" },
  },
};

export const storageAccount: Props = {
  resourceGroupName: "rg",
  accountName: "webstore",
  kind: "StorageV2",
  sku: { name: "Standard_ZRS" },
  allowBlobPublicAccess: false,
  allowSharedKeyAccess: false,
  minimumTlsVersion: "TLS1_2",
  enableHttpsTrafficOnly: true,
  publicNetworkAccess: "Disabled",
};

export const appInsights: Props = {
  resourceGroupName: "rg",
  kind: "web",
  applicationType: "web",
  workspaceResourceId: unknownString,
  ingestionMode: "LogAnalytics",
  disableLocalAuth: true,
};

export const roleAssignment: Props = {
  principalId: unknownString,
  principalType: "ServicePrincipal",
  roleDefinitionId: roleDefinition("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
  scope: unknownString,
};

export const subnet: Props = {
  resourceGroupName: "rg",
  virtualNetworkName: "web-vnet",
  subnetName: "private-endpoints",
  addressPrefix: "10.0.2.0/24",
  networkSecurityGroup: { id: unknownString },
};
