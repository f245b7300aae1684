/**
 * Managed environments, registries, Key Vaults, storage accounts and Application Insights from
 * published examples and from the conditions of the Azure Policy built-ins the rules cite,
 * translated into azure-native inputs. Facts only: each fixture names its source.
 */
import { types } from "../../../policies/resourceTypes";
import type { UpstreamExample } from "./judge";

const subnetId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/infra";
const workspaceId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law";
const builtIn = (folder: string, file: string) =>
  `https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/${encodeURIComponent(folder)}/${file}`;

const logs = { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "00000000-0000-0000-0000-000000000001", sharedKey: "key" } };

export const environmentExamples: UpstreamExample[] = [
  {
    // AVM managed-environment "WAF-aligned" test with the module's defaults (zone redundant, peer
    // traffic encrypted, public network access disabled).
    // https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/app/managed-environment/main.bicep
    name: "AVM managed-environment WAF-aligned",
    source: "https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/app/managed-environment/tests/e2e/waf-aligned/main.test.bicep",
    type: types.managedEnvironment,
    baseline: "private",
    wellArchitected: true,
    props: {
      resourceGroupName: "rg",
      environmentName: "xyzamewaf001",
      appLogsConfiguration: logs,
      workloadProfiles: [{ workloadProfileType: "D4", name: "CAW01", minimumCount: 0, maximumCount: 3 }],
      vnetConfiguration: {
        internal: true,
        infrastructureSubnetId: subnetId,
        dockerBridgeCidr: "172.16.0.1/28",
        platformReservedCidr: "172.17.17.0/24",
        platformReservedDnsIP: "172.17.17.17",
      },
      infrastructureResourceGroupName: "me-dep-xyz-app.managedenvironments-amewaf-rg",
      zoneRedundant: true,
      peerTrafficConfiguration: { encryption: { enabled: true } },
      publicNetworkAccess: "Disabled",
    },
    checks: [],
  },
  {
    // PSRule Azure.ContainerApp.AvailabilityZone: the passing example.
    name: "PSRule Azure.ContainerApp.AvailabilityZone example",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.AvailabilityZone/",
    type: types.managedEnvironment,
    baseline: "private",
    props: {
      resourceGroupName: "rg",
      environmentName: "env-contoso",
      appLogsConfiguration: logs,
      zoneRedundant: true,
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      vnetConfiguration: { infrastructureSubnetId: subnetId, internal: true },
    },
    checks: [
      { rule: "env-zone-redundant", upstream: "passes" },
      { rule: "env-logs-destination", upstream: "passes" },
      { rule: "env-internal", upstream: "passes", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.PublicAccess/" },
      { rule: "env-vnet-injected", upstream: "passes", by: builtIn("Container Apps", "ContainerApps_InjectVNet_Audit.json") },
    ],
  },
  {
    // Quickstart "container-app-create": Log Analytics logs, no VNet, not zone redundant.
    name: "quickstart container-app-create environment",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-create/main.bicep",
    type: types.managedEnvironment,
    baseline: "private",
    props: { resourceGroupName: "rg", environmentName: "containerapp-env-4bkqx2ydiwvyq", appLogsConfiguration: logs },
    checks: [
      { rule: "env-logs-destination", upstream: "passes" },
      { rule: "env-vnet-injected", upstream: "reports", by: builtIn("Container Apps", "ContainerApps_InjectVNet_Audit.json") },
      { rule: "env-internal", upstream: "reports", by: builtIn("Container Apps", "ContainerApps_EnvironmentInternal_Audit.json") },
      { rule: "env-zone-redundant", upstream: "reports", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.AvailabilityZone/" },
    ],
  },
  {
    // Quickstart "container-app-vnet-internal-environment": internal, VNet-injected.
    name: "quickstart container-app-vnet-internal-environment",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-vnet-internal-environment/main.bicep",
    type: types.managedEnvironment,
    baseline: "private",
    props: {
      resourceGroupName: "rg",
      environmentName: "env-4bkqx2ydiwvyq",
      appLogsConfiguration: logs,
      vnetConfiguration: { infrastructureSubnetId: subnetId, internal: true },
    },
    checks: [
      { rule: "env-vnet-injected", upstream: "passes", by: builtIn("Container Apps", "ContainerApps_InjectVNet_Audit.json") },
      { rule: "env-internal", upstream: "passes", by: builtIn("Container Apps", "ContainerApps_EnvironmentInternal_Audit.json") },
      { rule: "env-logs-destination", upstream: "passes" },
    ],
  },
  {
    // 8b346db6 reports an empty infrastructureSubnetId as well as a missing one.
    name: "Azure Policy 8b346db6 empty subnet id",
    source: builtIn("Container Apps", "ContainerApps_InjectVNet_Audit.json"),
    type: types.managedEnvironment,
    baseline: "private",
    props: { resourceGroupName: "rg", environmentName: "env", appLogsConfiguration: logs, vnetConfiguration: { infrastructureSubnetId: "", internal: true } },
    checks: [{ rule: "env-vnet-injected", upstream: "reports" }],
  },
  {
    // d074ddf8 reports vnetConfiguration.internal false.
    name: "Azure Policy d074ddf8 external environment",
    source: builtIn("Container Apps", "ContainerApps_EnvironmentInternal_Audit.json"),
    type: types.managedEnvironment,
    baseline: "private",
    props: { resourceGroupName: "rg", environmentName: "env", appLogsConfiguration: logs, vnetConfiguration: { infrastructureSubnetId: subnetId, internal: false } },
    checks: [{ rule: "env-internal", upstream: "reports" }],
  },
  {
    // d074ddf8 only matches internal equal to false; left out, ARM creates an external environment.
    name: "Azure Policy d074ddf8 internal left out",
    source: builtIn("Container Apps", "ContainerApps_EnvironmentInternal_Audit.json"),
    type: types.managedEnvironment,
    baseline: "private",
    props: { resourceGroupName: "rg", environmentName: "env", appLogsConfiguration: logs, vnetConfiguration: { infrastructureSubnetId: subnetId } },
    checks: [
      {
        rule: "env-internal",
        upstream: "passes",
        divergence: "An environment whose internal flag is left out is external, with a public IP, so the rule reports it.",
      },
    ],
  },
  {
    // The landing zone's environment module: internal, VNet-injected, Log Analytics logs.
    name: "ACA landing zone environment",
    source: "https://github.com/Azure/aca-landing-zone-accelerator/blob/main/scenarios/shared/bicep/aca-environment.bicep",
    type: types.managedEnvironment,
    baseline: "private",
    props: {
      resourceGroupName: "rg",
      environmentName: "cae-lz-dev-weu",
      sku: { name: "Consumption" },
      zoneRedundant: true,
      vnetConfiguration: { internal: true, infrastructureSubnetId: subnetId },
      appLogsConfiguration: logs,
    },
    checks: [
      { rule: "env-internal", upstream: "passes" },
      { rule: "env-vnet-injected", upstream: "passes" },
      { rule: "env-logs-destination", upstream: "passes" },
      { rule: "env-zone-redundant", upstream: "passes" },
    ],
  },
];

const registryBase = { resourceGroupName: "rg", registryName: "contosoacr" };

export const registryExamples: UpstreamExample[] = [
  {
    // AVM container-registry "WAF-aligned" test: Premium, admin user off, exports enabled.
    name: "AVM container-registry WAF-aligned",
    source: "https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/container-registry/registry/tests/e2e/waf-aligned/main.test.bicep",
    type: types.registry,
    wellArchitected: true,
    props: {
      ...registryBase,
      registryName: "xyzcrrwaf001",
      sku: { name: "Premium" },
      adminUserEnabled: false,
      policies: {
        exportPolicy: { status: "enabled" },
        azureADAuthenticationAsArmPolicy: { status: "enabled" },
        softDeletePolicy: { status: "disabled", retentionDays: 7 },
        quarantinePolicy: { status: "enabled" },
        trustPolicy: { status: "enabled", type: "Notary" },
        retentionPolicy: { status: "enabled", days: 15 },
      },
    },
    checks: [{ rule: "acr-export-disabled", upstream: "reports", by: builtIn("Container Registry", "ACR_ExportPolicy_AuditDeny.json") }],
  },
  {
    // PSRule Azure.ACR.Retention: the passing example.
    name: "PSRule Azure.ACR.Retention example",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ACR.Retention/",
    type: types.registry,
    props: {
      ...registryBase,
      sku: { name: "Premium" },
      identity: { type: "SystemAssigned" },
      adminUserEnabled: false,
      policies: {
        quarantinePolicy: { status: "enabled" },
        trustPolicy: { status: "enabled", type: "Notary" },
        retentionPolicy: { days: 30, status: "enabled" },
        softDeletePolicy: { retentionDays: 90, status: "enabled" },
      },
    },
    checks: [
      { rule: "acr-retention-policy", upstream: "passes" },
      { rule: "acr-admin-user-disabled", upstream: "passes", by: builtIn("Container Registry", "ACR_AdminAccountDisabled_AuditDeny.json") },
    ],
  },
  {
    // Pulumi's azure-ts-containerapps example: Basic registry with the admin user on.
    name: "Pulumi azure-ts-containerapps registry",
    source: "https://github.com/pulumi/examples/blob/master/azure-ts-containerapps/index.ts",
    type: types.registry,
    props: { ...registryBase, sku: { name: "Basic" }, adminUserEnabled: true },
    checks: [
      { rule: "acr-admin-user-disabled", upstream: "reports", by: builtIn("Container Registry", "ACR_AdminAccountDisabled_AuditDeny.json") },
      { rule: "acr-retention-policy", upstream: "reports", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ACR.Retention/" },
    ],
  },
  {
    // 524b0254 reports exports that are disabled while public network access is still on.
    name: "Azure Policy 524b0254 exports off, public network on",
    source: builtIn("Container Registry", "ACR_ExportPolicy_AuditDeny.json"),
    type: types.registry,
    props: { ...registryBase, sku: { name: "Premium" }, publicNetworkAccess: "Enabled", policies: { exportPolicy: { status: "disabled" } } },
    checks: [{ rule: "acr-export-disabled", upstream: "reports" }],
  },
  {
    // 524b0254 passes a registry with exports and public network access both disabled.
    name: "Azure Policy 524b0254 compliant",
    source: builtIn("Container Registry", "ACR_ExportPolicy_AuditDeny.json"),
    type: types.registry,
    baseline: "private",
    props: { ...registryBase, sku: { name: "Premium" }, publicNetworkAccess: "Disabled", policies: { exportPolicy: { status: "disabled" } } },
    checks: [
      { rule: "acr-export-disabled", upstream: "passes" },
      { rule: "acr-public-network-disabled", upstream: "passes", by: builtIn("Container Registry", "ACR_PublicNetworkAccess_AuditDeny.json") },
      { rule: "acr-private-link-sku", upstream: "passes", by: builtIn("Container Registry", "ACR_SkuSupportsPrivateEndpoints_AuditDeny.json") },
    ],
  },
  {
    // 9f2dea28 reports anonymous pull; bd560fc0 reports a SKU other than Premium.
    name: "Azure Policy 9f2dea28 / bd560fc0 Standard registry with anonymous pull",
    source: builtIn("Container Registry", "ACR_AnonymousPullDisabled_AuditDeny.json"),
    type: types.registry,
    baseline: "private",
    props: { ...registryBase, sku: { name: "Standard" }, anonymousPullEnabled: true, publicNetworkAccess: "Disabled" },
    checks: [
      { rule: "acr-anonymous-pull-disabled", upstream: "reports" },
      { rule: "acr-private-link-sku", upstream: "reports", by: builtIn("Container Registry", "ACR_SkuSupportsPrivateEndpoints_AuditDeny.json") },
    ],
  },
];

const vaultBase = { resourceGroupName: "rg", vaultName: "kv-contoso" };
const vaultProperties = { tenantId: "00000000-0000-0000-0000-000000000002", sku: { family: "A", name: "standard" } };

export const vaultExamples: UpstreamExample[] = [
  {
    // AVM key-vault "WAF-aligned" test: RBAC, firewall default Deny, a private endpoint, soft delete
    // left to its default; purge protection off "only for testing purposes".
    name: "AVM key-vault WAF-aligned",
    source: "https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/key-vault/vault/tests/e2e/waf-aligned/main.test.bicep",
    type: types.vault,
    wellArchitected: true,
    props: {
      ...vaultBase,
      vaultName: "xyzkvvwaf002",
      properties: {
        ...vaultProperties,
        enablePurgeProtection: false,
        enableRbacAuthorization: true,
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
        softDeleteRetentionInDays: 7,
      },
    },
    checks: [
      { rule: "kv-purge-protection", upstream: "reports", by: builtIn("Key Vault", "KeyVault_Recoverable_Audit.json") },
      { rule: "kv-network-acl-default-deny", upstream: "passes", by: builtIn("Key Vault", "AzureKeyVaultFirewallEnabled_Audit.json") },
    ],
  },
  {
    // 12d4fa5e reports a vault without enableRbacAuthorization; 0b60c0b2 one without purge protection.
    name: "Azure Policy 12d4fa5e / 0b60c0b2 access-policy vault",
    source: builtIn("Key Vault", "AzureKeyVault_Should_Use_RBAC.json"),
    type: types.vault,
    props: { ...vaultBase, properties: { ...vaultProperties, accessPolicies: [], enableSoftDelete: true } },
    checks: [
      { rule: "kv-rbac-authorization", upstream: "reports" },
      { rule: "kv-purge-protection", upstream: "reports", by: builtIn("Key Vault", "KeyVault_Recoverable_Audit.json") },
    ],
  },
  {
    // 1e66c121 reports enableSoftDelete false.
    name: "Azure Policy 1e66c121 soft delete off",
    source: builtIn("Key Vault", "KeyVault_SoftDeleteMustBeEnabled_Audit.json"),
    type: types.vault,
    props: { ...vaultBase, properties: { ...vaultProperties, enableRbacAuthorization: true, enableSoftDelete: false, enablePurgeProtection: true } },
    checks: [{ rule: "kv-soft-delete", upstream: "reports" }],
  },
  {
    // 1e66c121 also reports a request that leaves enableSoftDelete out; the swagger's default is true.
    name: "Azure Policy 1e66c121 soft delete left to its default",
    source: builtIn("Key Vault", "KeyVault_SoftDeleteMustBeEnabled_Audit.json"),
    type: types.vault,
    props: { ...vaultBase, properties: { ...vaultProperties, enableRbacAuthorization: true, enablePurgeProtection: true } },
    checks: [
      {
        rule: "kv-soft-delete",
        upstream: "reports",
        divergence: "Soft delete is on by default and can no longer be turned off, so leaving it out is compliant.",
      },
    ],
  },
  {
    // 55615ac9 reports networkAcls.defaultAction other than Deny even when public network access is off.
    name: "Azure Policy 55615ac9 public access off, no firewall",
    source: builtIn("Key Vault", "AzureKeyVaultFirewallEnabled_Audit.json"),
    type: types.vault,
    props: {
      ...vaultBase,
      properties: { ...vaultProperties, enableRbacAuthorization: true, enablePurgeProtection: true, publicNetworkAccess: "Disabled" },
    },
    checks: [
      {
        rule: "kv-network-acl-default-deny",
        upstream: "reports",
        divergence: "With public network access disabled the firewall never sees public traffic.",
      },
    ],
  },
  {
    // 405c5871 reports publicNetworkAccess other than Disabled.
    name: "Azure Policy 405c5871 public vault",
    source: builtIn("Key Vault", "AzureKeyVaultPublicNetworkAccess_Audit.json"),
    type: types.vault,
    baseline: "private",
    props: {
      ...vaultBase,
      properties: { ...vaultProperties, enableRbacAuthorization: true, enablePurgeProtection: true, publicNetworkAccess: "Enabled" },
    },
    checks: [{ rule: "kv-public-network-disabled", upstream: "reports" }],
  },
];

const accountBase = { resourceGroupName: "rg", accountName: "stcontoso", kind: "StorageV2", sku: { name: "Standard_ZRS" } };

export const storageExamples: UpstreamExample[] = [
  {
    // AVM storage-account "WAF-aligned" test with the module's defaults for what it leaves out
    // (allowSharedKeyAccess true, minimumTlsVersion TLS1_2, supportsHttpsTrafficOnly true; public
    // network access left to Azure because networkAcls are set).
    // https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/storage/storage-account/main.bicep
    name: "AVM storage-account WAF-aligned",
    source: "https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/storage/storage-account/tests/e2e/waf-aligned/main.test.bicep",
    type: types.storageAccount,
    wellArchitected: true,
    props: {
      ...accountBase,
      accountName: "xyzssawaf001",
      sku: { name: "Standard_ZRS" },
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: true,
      allowCrossTenantReplication: false,
      requireInfrastructureEncryption: true,
      largeFileSharesState: "Enabled",
      isHnsEnabled: true,
      isSftpEnabled: true,
      enableNfsV3: true,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      networkRuleSet: {
        bypass: "AzureServices",
        defaultAction: "Deny",
        virtualNetworkRules: [{ action: "Allow", virtualNetworkResourceId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe" }],
        ipRules: [{ action: "Allow", iPAddressOrRange: "1.1.1.1" }],
      },
      sasPolicy: { sasExpirationPeriod: "180.00:00:00", expirationAction: "Log" },
    },
    checks: [{ rule: "storage-shared-key-disabled", upstream: "reports", by: builtIn("Storage", "StorageAccountAllowSharedKeyAccess_Audit.json") }],
  },
  {
    // The compliant values of 4fa4b6c0, 8c6a50c6, fe83a0eb, 404c3081 and b2982f36.
    name: "Azure Policy storage built-ins, compliant",
    source: builtIn("Storage", "StorageAccountMinimumTLSVersion_Audit.json"),
    type: types.storageAccount,
    baseline: "private",
    props: {
      ...accountBase,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: "Disabled",
    },
    checks: [
      { rule: "storage-no-public-blob-access", upstream: "passes", by: builtIn("Storage", "ASC_Storage_DisallowPublicBlobAccess_Audit.json") },
      { rule: "storage-shared-key-disabled", upstream: "passes", by: builtIn("Storage", "StorageAccountAllowSharedKeyAccess_Audit.json") },
      { rule: "storage-min-tls", upstream: "passes" },
      { rule: "storage-https-only", upstream: "passes", by: builtIn("Storage", "Storage_AuditForHTTPSEnabled_Audit.json") },
      { rule: "storage-public-network-disabled", upstream: "passes", by: builtIn("Storage", "StoragePublicNetworkAccess_AuditDeny.json") },
    ],
  },
  {
    // The same built-ins on an account that leaves every setting to its default.
    name: "Azure Policy storage built-ins, defaults",
    source: builtIn("Storage", "ASC_Storage_DisallowPublicBlobAccess_Audit.json"),
    type: types.storageAccount,
    baseline: "private",
    props: { ...accountBase },
    checks: [
      { rule: "storage-no-public-blob-access", upstream: "reports" },
      {
        rule: "storage-shared-key-disabled",
        upstream: "passes",
        by: builtIn("Storage", "StorageAccountAllowSharedKeyAccess_Audit.json"),
        divergence: "allowSharedKeyAccess left out means true (the swagger: null is equivalent to true); 8c6a50c6 only matches an explicit true.",
      },
      { rule: "storage-min-tls", upstream: "reports", by: builtIn("Storage", "StorageAccountMinimumTLSVersion_Audit.json") },
      { rule: "storage-https-only", upstream: "passes", by: builtIn("Storage", "Storage_AuditForHTTPSEnabled_Audit.json") },
      { rule: "storage-public-network-disabled", upstream: "reports", by: builtIn("Storage", "StoragePublicNetworkAccess_AuditDeny.json") },
    ],
  },
  {
    // fe83a0eb with its default parameter (TLS1_2) uses notEquals, so it also reports TLS1_3.
    name: "Azure Policy fe83a0eb TLS 1.3",
    source: builtIn("Storage", "StorageAccountMinimumTLSVersion_Audit.json"),
    type: types.storageAccount,
    props: { ...accountBase, minimumTlsVersion: "TLS1_3", allowBlobPublicAccess: false, allowSharedKeyAccess: false },
    checks: [
      {
        rule: "storage-min-tls",
        upstream: "reports",
        divergence: "TLS 1.3 is newer than the minimum the rule asks for; refusing it would punish the stronger setting.",
      },
    ],
  },
  {
    // 404c3081 reports supportsHttpsTrafficOnly false (azure-native: enableHttpsTrafficOnly).
    name: "Azure Policy 404c3081 HTTP allowed",
    source: builtIn("Storage", "Storage_AuditForHTTPSEnabled_Audit.json"),
    type: types.storageAccount,
    props: { ...accountBase, enableHttpsTrafficOnly: false, minimumTlsVersion: "TLS1_0" },
    checks: [
      { rule: "storage-https-only", upstream: "reports" },
      { rule: "storage-min-tls", upstream: "reports", by: builtIn("Storage", "StorageAccountMinimumTLSVersion_Audit.json") },
    ],
  },
];

export const appInsightsExamples: UpstreamExample[] = [
  {
    // d550e854 reports an empty WorkspaceResourceId as well as a missing one.
    name: "Azure Policy d550e854 empty workspace id",
    source: builtIn("Monitoring", "ApplicationInsightsComponent_WorkspaceAssociation_Deny.json"),
    type: types.appInsights,
    props: { resourceGroupName: "rg", resourceName: "appi", kind: "web", applicationType: "web", workspaceResourceId: "", disableLocalAuth: true },
    checks: [{ rule: "appinsights-workspace-based", upstream: "reports" }],
  },
  {
    // d550e854 and 199d5677 pass a workspace-based component with local auth off.
    name: "Azure Policy d550e854 / 199d5677 compliant",
    source: builtIn("Monitoring", "ApplicationInsightsComponent_WorkspaceAssociation_Deny.json"),
    type: types.appInsights,
    props: { resourceGroupName: "rg", resourceName: "appi", kind: "web", applicationType: "web", workspaceResourceId: workspaceId, disableLocalAuth: true },
    checks: [
      { rule: "appinsights-workspace-based", upstream: "passes" },
      { rule: "appinsights-local-auth-disabled", upstream: "passes", by: builtIn("Monitoring", "ApplicationInsightsComponents_DisableLocalAuth_Deny.json") },
    ],
  },
  {
    // d550e854 only looks at the workspace id; the rule also refuses the classic ingestion mode.
    name: "Azure Policy d550e854 workspace with classic ingestion",
    source: builtIn("Monitoring", "ApplicationInsightsComponent_WorkspaceAssociation_Deny.json"),
    type: types.appInsights,
    props: {
      resourceGroupName: "rg",
      resourceName: "appi",
      kind: "web",
      applicationType: "web",
      workspaceResourceId: workspaceId,
      ingestionMode: "ApplicationInsights",
      disableLocalAuth: true,
    },
    checks: [
      {
        rule: "appinsights-workspace-based",
        upstream: "passes",
        divergence: "Ingestion mode ApplicationInsights keeps the data out of the workspace, which is what the built-in is after.",
      },
    ],
  },
  {
    // 199d5677 reports DisableLocalAuth not true, including when it is left out.
    name: "Azure Policy 199d5677 local auth left on",
    source: builtIn("Monitoring", "ApplicationInsightsComponents_DisableLocalAuth_Deny.json"),
    type: types.appInsights,
    props: { resourceGroupName: "rg", resourceName: "appi", kind: "web", applicationType: "web", workspaceResourceId: workspaceId },
    checks: [{ rule: "appinsights-local-auth-disabled", upstream: "reports" }],
  },
];

export const roleAssignmentExamples: UpstreamExample[] = [
  {
    // Quickstart "container-app-acr" grants AcrPull at resource-group scope ("note scope is applied to
    // the wider ResourceGroup not the ACR"); Learn's RBAC best practices advise the narrowest scope.
    name: "quickstart container-app-acr AcrPull grant",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-acr/main.bicep",
    type: types.roleAssignment,
    props: {
      scope: "/subscriptions/sub/resourceGroups/rg",
      roleDefinitionId: "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
      principalId: "00000000-0000-0000-0000-000000000003",
      principalType: "ServicePrincipal",
    },
    checks: [{ rule: "role-assignment-resource-scope", upstream: "reports", by: "https://learn.microsoft.com/azure/role-based-access-control/best-practices" }],
  },
];
