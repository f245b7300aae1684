/**
 * Container apps from published examples, translated into azure-native inputs (ARM `properties.*`
 * flattened, `environmentId` → `managedEnvironmentId`, `name` → `containerAppName`, user-assigned
 * identities as a list of ids). Facts only: each fixture names its source.
 */
import { types } from "../../../policies/resourceTypes";
import type { UpstreamExample } from "./judge";

const identityId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id";
const environmentId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/app-env";

const policy = {
  httpsOnly: "https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Container%20Apps/ContainerApps_EnableHTTPS_Audit.json",
  managedIdentity: "https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Container%20Apps/ContainerApps_ManagedIdentity_Audit.json",
  internal: "https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Container%20Apps/ContainerApps_ContainerAppInternal_Audit.json",
};
const learn = {
  secrets: "https://learn.microsoft.com/azure/container-apps/manage-secrets",
  imagePull: "https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull",
  tags: "https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version",
};
const landingZoneApp =
  "https://github.com/Azure/aca-landing-zone-accelerator/blob/main/scenarios/aca-internal/bicep/modules/05-hello-world-sample-app/deploy.hello-world.bicep";

/** The hello-world container most Microsoft samples deploy. */
const helloWorld = (memory: string, cpu = 0.25) => ({
  name: "simple-hello-world-container",
  image: "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest",
  resources: { cpu, memory },
});

export const containerAppExamples: UpstreamExample[] = [
  {
    // The AVM container-app module's "WAF-aligned" test, with the module's defaults for what the test
    // leaves out (ingressAllowInsecure true, external ingress, 3–10 replicas, affinity none).
    // https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/app/container-app/tests/e2e/waf-aligned/main.test.bicep
    // https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/app/container-app/main.bicep
    name: "AVM container-app WAF-aligned",
    source: "https://github.com/Azure/bicep-registry-modules/blob/main/avm/res/app/container-app/tests/e2e/waf-aligned/main.test.bicep",
    type: types.containerApp,
    wellArchitected: true,
    props: {
      resourceGroupName: "rg",
      containerAppName: "xyzacawaf001",
      managedEnvironmentId: environmentId,
      identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
      workloadProfileName: "",
      configuration: {
        activeRevisionsMode: "Single",
        ingress: {
          allowInsecure: true,
          external: true,
          targetPort: 80,
          transport: "auto",
          stickySessions: { affinity: "none" },
          traffic: [{ label: "label-1", latestRevision: true, weight: 100 }],
        },
        secrets: [{ name: "customtest", value: "00000000-0000-0000-0000-000000000000" }],
      },
      template: {
        containers: [
          {
            ...helloWorld("0.5Gi"),
            probes: [
              {
                type: "Liveness",
                httpGet: { path: "/health", port: 8080, httpHeaders: [{ name: "Custom-Header", value: "Awesome" }] },
                initialDelaySeconds: 3,
                periodSeconds: 3,
              },
            ],
          },
        ],
        scale: { minReplicas: 3, maxReplicas: 10 },
      },
    },
    checks: [
      { rule: "aca-ingress-https-only", upstream: "reports", by: policy.httpsOnly },
      { rule: "aca-secrets-key-vault", upstream: "reports", by: learn.secrets },
      { rule: "aca-image-no-latest-tag", upstream: "reports", by: learn.tags },
      { rule: "aca-image-allowed-registry", upstream: "reports", by: landingZoneApp },
      // PSRule Azure.ContainerApp.HealthProbe wants liveness and readiness probes on HTTP ingress.
      { rule: "aca-health-probes", upstream: "reports", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.HealthProbe/" },
    ],
  },
  {
    // Quickstart "container-app-acr": pulls from ACR with a user-assigned identity, memory ".5Gi".
    name: "quickstart container-app-acr",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-acr/main.bicep",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-4bkqx2ydiwvyq",
      managedEnvironmentId: environmentId,
      identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
      configuration: {
        ingress: { external: true, targetPort: 80, allowInsecure: false, traffic: [{ latestRevision: true, weight: 100 }] },
        registries: [{ identity: identityId, server: "cr4bkqx2ydiwvyq.azurecr.io" }],
      },
      template: {
        revisionSuffix: "firstrevision",
        containers: [
          {
            name: "app-4bkqx2ydiwvyq",
            image: "cr4bkqx2ydiwvyq.azurecr.io/azuredocs/containerapps-helloworld:latest",
            resources: { cpu: 0.25, memory: ".5Gi" },
          },
        ],
        scale: { minReplicas: 1, maxReplicas: 3, rules: [{ name: "http-requests", http: { metadata: { concurrentRequests: "10" } } }] },
      },
    },
    checks: [
      { rule: "aca-resource-limits", upstream: "passes" },
      { rule: "aca-registry-identity", upstream: "passes", by: learn.imagePull },
      { rule: "aca-managed-identity", upstream: "passes", by: policy.managedIdentity },
      { rule: "aca-ingress-https-only", upstream: "passes", by: policy.httpsOnly },
      { rule: "aca-replica-bounds", upstream: "passes" },
      { rule: "aca-image-allowed-registry", upstream: "passes", by: landingZoneApp },
    ],
  },
  {
    // Quickstart "container-app-create": memory "${memorySize}Gi" with the default memorySize '1', no identity.
    name: "quickstart container-app-create",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-create/main.bicep",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "containerapp-4bkqx2ydiwvyq",
      managedEnvironmentId: environmentId,
      configuration: {
        ingress: { external: true, targetPort: 80, allowInsecure: false, traffic: [{ latestRevision: true, weight: 100 }] },
      },
      template: {
        revisionSuffix: "firstrevision",
        containers: [{ ...helloWorld("1Gi", 0.5), name: "containerapp-4bkqx2ydiwvyq" }],
        scale: { minReplicas: 1, maxReplicas: 3 },
      },
    },
    checks: [
      { rule: "aca-resource-limits", upstream: "passes" },
      { rule: "aca-replica-bounds", upstream: "passes" },
      { rule: "aca-ingress-https-only", upstream: "passes", by: policy.httpsOnly },
      { rule: "aca-managed-identity", upstream: "reports", by: policy.managedIdentity },
      { rule: "aca-name-pattern", upstream: "passes", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.Name/" },
    ],
  },
  {
    // Quickstart "container-app-vnet-internal-environment" with the largest allowed sizes (2 vCPU, 4 GiB)
    // and external app ingress in an internal environment.
    name: "quickstart container-app-vnet-internal-environment",
    source: "https://github.com/Azure/azure-quickstart-templates/blob/master/quickstarts/microsoft.app/container-app-vnet-internal-environment/main.bicep",
    type: types.containerApp,
    baseline: "private",
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-4bkqx2ydiwvyq",
      managedEnvironmentId: environmentId,
      configuration: {
        ingress: { external: true, targetPort: 80, allowInsecure: false, traffic: [{ latestRevision: true, weight: 100 }] },
      },
      template: {
        containers: [{ ...helloWorld("4Gi", 2), name: "app-4bkqx2ydiwvyq" }],
        scale: { minReplicas: 1, maxReplicas: 25 },
      },
    },
    checks: [
      { rule: "aca-resource-limits", upstream: "passes" },
      { rule: "aca-replica-bounds", upstream: "passes" },
      // 783ea2a8 reports external app ingress, whatever the environment.
      { rule: "aca-ingress-internal-only", upstream: "reports", by: policy.internal },
    ],
  },
  {
    // 783ea2a8 also reports an app with no ingress at all.
    name: "Azure Policy 783ea2a8 app without ingress",
    source: policy.internal,
    type: types.containerApp,
    baseline: "private",
    props: {
      resourceGroupName: "rg",
      containerAppName: "queue-worker",
      managedEnvironmentId: environmentId,
      template: { containers: [{ name: "worker", image: "contoso.azurecr.io/worker:1.0.0", resources: { cpu: 0.5, memory: "1Gi" } }] },
    },
    checks: [
      {
        rule: "aca-ingress-internal-only",
        upstream: "reports",
        divergence: "An app with no ingress cannot be reached from outside the VNet (or at all), which is what the rule protects.",
      },
    ],
  },
  {
    // The landing zone's hello-world app: external app ingress behind an internal environment,
    // one replica, "0.5Gi"; its own comment asks for images from a private registry in production.
    name: "ACA landing zone hello-world",
    source: landingZoneApp,
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "ca-simple-hello",
      managedEnvironmentId: environmentId,
      identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
      configuration: {
        activeRevisionsMode: "single",
        ingress: { allowInsecure: false, external: true, targetPort: 80, transport: "auto" },
        registries: [],
        secrets: [],
      },
      template: {
        containers: [{ ...helloWorld("0.5Gi"), name: "simple-hello" }],
        scale: { minReplicas: 1, maxReplicas: 10 },
        volumes: [],
      },
    },
    checks: [
      { rule: "aca-resource-limits", upstream: "passes" },
      { rule: "aca-replica-bounds", upstream: "passes" },
      { rule: "aca-managed-identity", upstream: "passes", by: policy.managedIdentity },
      { rule: "aca-ingress-https-only", upstream: "passes", by: policy.httpsOnly },
      { rule: "aca-image-allowed-registry", upstream: "reports" },
      { rule: "aca-name-pattern", upstream: "passes", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.Name/" },
    ],
  },
  {
    // PSRule Azure.ContainerApp.Name: the passing example (its containers variable writes memory ".5Gi").
    name: "PSRule Azure.ContainerApp.Name example",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.Name/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      identity: { type: "SystemAssigned" },
      configuration: { ingress: { allowInsecure: false, external: false, stickySessions: { affinity: "none" } } },
      template: { containers: [helloWorld(".5Gi")], scale: { minReplicas: 2 } },
    },
    checks: [
      { rule: "aca-name-pattern", upstream: "passes" },
      { rule: "aca-resource-limits", upstream: "passes" },
      { rule: "aca-replica-bounds", upstream: "passes" },
      { rule: "aca-session-affinity-disabled", upstream: "passes", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.DisableAffinity/" },
      { rule: "aca-managed-identity", upstream: "passes", by: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.ManagedIdentity/" },
      { rule: "aca-ingress-https-only", upstream: "passes", by: policy.httpsOnly },
    ],
  },
  ...(
    [
      ["a", "reports", "shorter than 2 characters"],
      ["Web", "reports", "upper case"],
      ["web--api", "reports", "consecutive hyphens"],
      ["1web", "reports", "starts with a digit"],
      ["web-", "reports", "ends with a hyphen"],
      ["w".repeat(33), "reports", "longer than 32 characters"],
      ["w".repeat(32), "passes", "exactly 32 characters"],
      ["ab", "passes", "exactly 2 characters"],
    ] as const
  ).map(
    ([name, upstream, why]): UpstreamExample => ({
      // The naming requirements PSRule Azure.ContainerApp.Name lists.
      name: `PSRule Azure.ContainerApp.Name: ${why}`,
      source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.Name/",
      type: types.containerApp,
      props: { resourceGroupName: "rg", containerAppName: name, managedEnvironmentId: environmentId },
      checks: [{ rule: "aca-name-pattern", upstream }],
    }),
  ),
  {
    // PSRule Azure.ContainerApp.RestrictIngress: the passing example (every rule Allow).
    name: "PSRule Azure.ContainerApp.RestrictIngress example",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.RestrictIngress/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      identity: { type: "SystemAssigned" },
      configuration: {
        ingress: {
          external: false,
          ipSecurityRestrictions: [
            { action: "Allow", description: "ClientIPAddress_1", ipAddressRange: "10.1.1.1/32", name: "ClientIPAddress_1" },
            { action: "Allow", description: "ClientIPAddress_2", ipAddressRange: "10.1.2.1/32", name: "ClientIPAddress_2" },
          ],
        },
      },
      template: { revisionSuffix: "", containers: [] },
    },
    checks: [{ rule: "aca-ip-restrictions-allow-only", upstream: "passes" }],
  },
  {
    // PSRule Azure.ContainerApp.RestrictIngress: a Deny rule lets every other address in.
    name: "PSRule Azure.ContainerApp.RestrictIngress deny rule",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.RestrictIngress/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      configuration: { ingress: { external: true, ipSecurityRestrictions: [{ action: "Deny", ipAddressRange: "10.1.1.1/32", name: "block" }] } },
    },
    checks: [{ rule: "aca-ip-restrictions-allow-only", upstream: "reports" }],
  },
  {
    // PSRule Azure.ContainerApp.RestrictIngress also fails an app with ingress and no restrictions at all.
    name: "PSRule Azure.ContainerApp.RestrictIngress no restrictions",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.RestrictIngress/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      configuration: { ingress: { external: true, targetPort: 80 } },
    },
    checks: [
      {
        rule: "aca-ip-restrictions-allow-only",
        upstream: "reports",
        divergence: "A public web app is open to every address by design; the rule judges only that listed restrictions are allow-lists.",
      },
    ],
  },
  {
    // PSRule Azure.ContainerApp.DisableAffinity: sticky sessions fail the rule.
    name: "PSRule Azure.ContainerApp.DisableAffinity sticky",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.DisableAffinity/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      configuration: { ingress: { allowInsecure: false, stickySessions: { affinity: "sticky" } } },
    },
    checks: [{ rule: "aca-session-affinity-disabled", upstream: "reports" }],
  },
  {
    // PSRule Azure.ContainerApp.MinReplicas: the passing example sets minReplicas 2. With the
    // PSRule threshold configured (minReplicas: 2) one replica fails, two pass.
    name: "PSRule Azure.ContainerApp.MinReplicas example",
    source: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.MinReplicas/",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "app-contoso-001",
      managedEnvironmentId: environmentId,
      identity: { type: "SystemAssigned" },
      configuration: { ingress: { allowInsecure: false, stickySessions: { affinity: "none" } } },
      template: { containers: [], scale: { minReplicas: 2 } },
    },
    checks: [{ rule: "aca-replica-bounds", upstream: "passes" }],
  },
  {
    // Pulumi's azure-ts-containerapps example: pulls with the registry admin user and keeps the
    // password as an inline secret, no managed identity. (The example uses the web/v20210301
    // ContainerApp; the same inputs on app:ContainerApp.)
    name: "Pulumi azure-ts-containerapps",
    source: "https://github.com/pulumi/examples/blob/master/azure-ts-containerapps/index.ts",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      managedEnvironmentId: environmentId,
      configuration: {
        ingress: { external: true, targetPort: 80 },
        registries: [{ server: "registry1234.azurecr.io", username: "registry1234", passwordSecretRef: "pwd" }],
        secrets: [{ name: "pwd", value: "admin-password" }],
      },
      template: { containers: [{ name: "myapp", image: "registry1234.azurecr.io/node-app:v1.0.0" }] },
    },
    checks: [
      { rule: "aca-registry-identity", upstream: "reports", by: learn.imagePull },
      { rule: "aca-secrets-key-vault", upstream: "reports", by: learn.secrets },
      { rule: "aca-managed-identity", upstream: "reports", by: policy.managedIdentity },
      { rule: "aca-image-no-latest-tag", upstream: "passes", by: learn.tags },
    ],
  },
  {
    // Learn "Workload profiles": a dedicated D8 profile (8 vCPU, 32 GiB per node) lets a replica
    // exceed the Consumption profile's 4 vCPU / 8 GiB.
    name: "Learn dedicated workload profile app",
    source: "https://learn.microsoft.com/azure/container-apps/workload-profiles-overview",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "big-worker",
      managedEnvironmentId: environmentId,
      workloadProfileName: "D8-profile",
      template: { containers: [{ name: "worker", image: "contoso.azurecr.io/worker:1.2.0", resources: { cpu: 6, memory: "24.0Gi" } }] },
    },
    checks: [{ rule: "aca-resource-limits", upstream: "passes" }],
  },
  {
    // Learn "Containers" (allocations): 0.5 vCPU pairs with 1 GiB on Consumption; written "1.0Gi",
    // a decimal form like the ".5Gi" of Microsoft's own quickstarts.
    name: "Learn consumption app, 1.0Gi",
    source: "https://learn.microsoft.com/azure/container-apps/containers",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "small-api",
      managedEnvironmentId: environmentId,
      template: { containers: [{ name: "api", image: "contoso.azurecr.io/api:1.0.0", resources: { cpu: 0.5, memory: "1.0Gi" } }] },
    },
    checks: [{ rule: "aca-resource-limits", upstream: "passes" }],
  },
  {
    // Learn "Quotas": up to 1000 replicas may be configured (300 in the portal).
    name: "Learn quotas, 300 replicas",
    source: "https://learn.microsoft.com/azure/container-apps/quotas",
    type: types.containerApp,
    props: {
      resourceGroupName: "rg",
      containerAppName: "burst-api",
      managedEnvironmentId: environmentId,
      template: { scale: { minReplicas: 3, maxReplicas: 300 } },
    },
    checks: [{ rule: "aca-replica-bounds", upstream: "passes" }],
  },
];
