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

/** A scheduled container app job, pulling and reading secrets with its identity; an init container migrates first. */
export const job: Props = {
  resourceGroupName: "rg",
  jobName: "nightly",
  environmentId: unknownString,
  identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
  configuration: {
    triggerType: "Schedule",
    replicaTimeout: 1800,
    scheduleTriggerConfig: { cronExpression: "0 2 * * *", parallelism: 1, replicaCompletionCount: 1 },
    registries: [{ server: "webacr.azurecr.io", identity: identityId }],
    secrets: [{ name: "db-password", keyVaultUrl: "https://web-kv.vault.azure.net/secrets/db-password", identity: identityId }],
  },
  template: {
    initContainers: [{ name: "migrate", image: `webacr.azurecr.io/migrate@${digest}`, resources: { cpu: 0.25, memory: "0.5Gi" } }],
    containers: [{ name: "nightly", image: `webacr.azurecr.io/nightly@${digest}`, resources: { cpu: 0.5, memory: "1Gi" } }],
  },
};

/**
 * The same resources written with the classic `@pulumi/azure` provider's property names
 * (https://www.pulumi.com/registry/packages/azure/api-docs/containerapp/app/ and the pages of the
 * other types), as its SDK sends them to the engine.
 */
export const classicApp: Props = {
  name: "web",
  resourceGroupName: "rg",
  containerAppEnvironmentId: unknownString,
  revisionMode: "Single",
  identity: { type: "UserAssigned", identityIds: [identityId] },
  ingress: { externalEnabled: true, targetPort: 8000, allowInsecureConnections: false, trafficWeights: [{ latestRevision: true, percentage: 100 }] },
  registries: [{ server: "webacr.azurecr.io", identity: identityId }],
  secrets: [{ name: "db-password", keyVaultSecretId: "https://web-kv.vault.azure.net/secrets/db-password", identity: identityId }],
  template: {
    containers: [
      {
        name: "web",
        image: `webacr.azurecr.io/web@${digest}`,
        cpu: 0.5,
        memory: "1Gi",
        livenessProbes: [{ transport: "HTTP", path: "/health", port: 8000 }],
        readinessProbes: [{ transport: "HTTP", path: "/ready", port: 8000 }],
        startupProbes: [{ transport: "HTTP", path: "/health", port: 8000 }],
      },
    ],
    minReplicas: 0,
    maxReplicas: 3,
  },
};

export const classicEnvironment: Props = {
  name: "web-env",
  resourceGroupName: "rg",
  location: "westeurope",
  logAnalyticsWorkspaceId: unknownString,
  infrastructureSubnetId: unknownString,
  internalLoadBalancerEnabled: true,
  zoneRedundancyEnabled: true,
  workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
};

export const classicRegistry: Props = {
  name: "webacr",
  resourceGroupName: "rg",
  location: "westeurope",
  sku: "Premium",
  adminEnabled: false,
  anonymousPullEnabled: false,
  publicNetworkAccessEnabled: false,
  exportPolicyEnabled: false,
  retentionPolicyInDays: 7,
};

export const classicKeyVault: Props = {
  name: "web-kv",
  resourceGroupName: "rg",
  location: "westeurope",
  tenantId: unknownString,
  skuName: "standard",
  rbacAuthorizationEnabled: true,
  purgeProtectionEnabled: true,
  softDeleteRetentionDays: 90,
  publicNetworkAccessEnabled: false,
  networkAcls: { defaultAction: "Deny", bypass: "None" },
};

export const classicStorageAccount: Props = {
  name: "webstore",
  resourceGroupName: "rg",
  location: "westeurope",
  accountTier: "Standard",
  accountReplicationType: "ZRS",
  allowNestedItemsToBePublic: false,
  sharedAccessKeyEnabled: false,
  minTlsVersion: "TLS1_2",
  httpsTrafficOnlyEnabled: true,
  publicNetworkAccessEnabled: false,
};
