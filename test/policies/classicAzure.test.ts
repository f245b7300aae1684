import { allPolicies } from "../../policies/catalog";
import { classicAdapters } from "../../policies/classicAzure";
import { healthProbes, ingressHttpsOnly, managedIdentity, probePathsDistinct, registryIdentity, replicaBounds, resourceLimits, secretsFromKeyVault } from "../../policies/containerApps";
import { environmentInternal, logsDestination, vnetInjected, zoneRedundant } from "../../policies/environments";
import { purgeProtection, rbacAuthorization, softDelete } from "../../policies/keyVaults";
import { adminUserDisabled, exportsDisabled, privateLinkSku, publicNetworkDisabled, retentionPolicy } from "../../policies/registries";
import { judgeOf, type AcaResourcePolicy } from "../../policies/rule";
import { classicTypes } from "../../policies/resourceTypes";
import { httpsOnly, minimumTls, noPublicBlobAccess, sharedKeyDisabled } from "../../policies/storageAccounts";
import { classicApp, classicEnvironment, classicKeyVault, classicRegistry, classicStorageAccount } from "./fixtures";
import { analyze, named } from "./server";
import { mutate, privateBaseline, unknownObject, validate, type Props } from "./support";

async function violations(rule: AcaResourcePolicy, type: string, props: Props, config: Props = privateBaseline): Promise<string[]> {
  return (await validate(rule, props, { type, config })).violations;
}

const fixtures: [string, Props][] = [
  [classicTypes.containerApp, mutate(classicApp, (p) => (p.ingress.externalEnabled = false))],
  [classicTypes.managedEnvironment, classicEnvironment],
  [classicTypes.registry, classicRegistry],
  [classicTypes.keyVault, classicKeyVault],
  [classicTypes.storageAccount, classicStorageAccount],
];

describe("classic @pulumi/azure resources, judged by the same rules", () => {
  it.each(fixtures)("a well-configured %s passes every rule that judges it (private baseline)", async (type, props) => {
    const rules = allPolicies.filter((p) => !p.metadata.stack && judgeOf(p as AcaResourcePolicy)?.judges(type)) as AcaResourcePolicy[];
    expect(rules.length).toBeGreaterThan(2);
    for (const rule of rules) expect([rule.name, await violations(rule, type, props)]).toEqual([rule.name, []]);
  });

  it("has an adapter for every classic token a rule names", () => {
    const named = new Set(allPolicies.flatMap((p) => p.metadata.resourceTypes).filter((t) => t.startsWith("azure:")));
    expect([...named].sort()).toEqual(Object.keys(classicAdapters).sort());
  });

  describe("azure:containerapp/app:App", () => {
    const app = classicTypes.containerApp;

    it("fails insecure ingress, naming the classic property", async () => {
      const bad = mutate(classicApp, (p) => (p.ingress.allowInsecureConnections = true));
      expect(await violations(ingressHttpsOnly, app, bad)).toEqual(["Ingress must set ingress.allowInsecureConnections to false so plain HTTP is redirected to HTTPS."]);
    });

    it("fails a registry pulled with a password, and one with no identity", async () => {
      const password = mutate(classicApp, (p) => (p.registries = [{ server: "webacr.azurecr.io", username: "webacr", passwordSecretName: "acr-password" }]));
      expect(await violations(registryIdentity, app, password)).toEqual([expect.stringContaining("instead of username/passwordSecretName")]);
      const none = mutate(classicApp, (p) => (p.registries = [{ server: "webacr.azurecr.io" }]));
      expect(await violations(registryIdentity, app, none)).toEqual([expect.stringContaining("must set identity")]);
    });

    it("fails an inline secret and one without an identity", async () => {
      const inline = mutate(classicApp, (p) => (p.secrets = [{ name: "db-password", value: "hunter2" }]));
      expect(await violations(secretsFromKeyVault, app, inline)).toEqual([expect.stringContaining("(keyVaultSecretId and identity), not an inline value")]);
      const noIdentity = mutate(classicApp, (p) => delete p.secrets[0].identity);
      expect(await violations(secretsFromKeyVault, app, noIdentity)).toEqual([expect.stringContaining("must set identity")]);
    });

    it("fails an app without identity", async () => {
      expect(await violations(managedIdentity, app, mutate(classicApp, (p) => delete p.identity))).toEqual([expect.stringContaining("Container app must set identity.type")]);
    });

    it("reads the three probe lists as the azure-native probes", async () => {
      expect(await violations(healthProbes, app, mutate(classicApp, (p) => delete p.template.containers[0].startupProbes))).toEqual([
        'Container "web" must declare Startup probe as livenessProbes, readinessProbes and startupProbes.',
      ]);
      const same = mutate(classicApp, (p) => (p.template.containers[0].readinessProbes[0].path = "/health"));
      expect(await violations(probePathsDistinct, app, same)).toEqual([expect.stringContaining("different paths")]);
    });

    it("reads cpu, memory and replicas from the classic places", async () => {
      const big = mutate(classicApp, (p) => (p.template.containers[0].cpu = 8));
      expect(await violations(resourceLimits, app, big)).toEqual([expect.stringContaining("(cpu is 8)")]);
      const many = mutate(classicApp, (p) => (p.template.maxReplicas = 1001));
      expect(await violations(replicaBounds, app, many)).toEqual(["template.maxReplicas must be at most 1000 (is 1001)."]);
    });

    it("judges init containers like the main container", async () => {
      const init = mutate(classicApp, (p) => (p.template.initContainers = [{ name: "migrate", image: "ghcr.io/acme/migrate:latest", cpu: 0.25, memory: "0.5Gi" }]));
      const diagnostics = await analyze(app, init);
      expect(named(diagnostics, "mandatory")).toEqual(["aca-image-allowed-registry", "aca-image-no-latest-tag", "aca-image-pulled-with-identity"]);
    });

    it("is judged through the policy server with the classic token, and reported as not judged when its ingress is unknown", async () => {
      expect(named(await analyze(app, mutate(classicApp, (p) => (p.ingress.allowInsecureConnections = true))), "mandatory")).toEqual(["aca-ingress-https-only"]);
      const unknown = await analyze(app, { ...classicApp, ingress: unknownObject });
      expect(named(unknown, "mandatory")).toEqual([]);
      expect(unknown.filter((d) => d.policyName === "preview-not-judged").map((d) => d.message)).toContainEqual(expect.stringContaining("aca-ingress-https-only reads `ingress`"));
    });
  });

  describe("azure:containerapp/environment:Environment", () => {
    const env = classicTypes.managedEnvironment;

    it("fails an environment without a Log Analytics workspace", async () => {
      expect(await violations(logsDestination, env, mutate(classicEnvironment, (p) => delete p.logAnalyticsWorkspaceId))).toEqual([expect.stringContaining("logsDestination")]);
    });

    it("fails a public, non-injected, single-zone environment in the private baseline", async () => {
      const open = mutate(classicEnvironment, (p) => ((p.internalLoadBalancerEnabled = false), delete p.infrastructureSubnetId, (p.zoneRedundancyEnabled = false)));
      expect(await violations(environmentInternal, env, open)).toEqual([expect.stringContaining("internalLoadBalancerEnabled to true")]);
      expect(await violations(vnetInjected, env, open)).toEqual([expect.stringContaining("must set infrastructureSubnetId")]);
      expect(await violations(zoneRedundant, env, open)).toEqual([expect.stringContaining("must set zoneRedundancyEnabled to true")]);
    });
  });

  describe("azure:containerservice/registry:Registry", () => {
    const acr = classicTypes.registry;

    it("fails the admin user, a non-Premium SKU, exports and no retention", async () => {
      expect(await violations(adminUserDisabled, acr, { ...classicRegistry, adminEnabled: true })).toEqual([expect.stringContaining("Registry must set adminEnabled to false")]);
      expect(await violations(privateLinkSku, acr, { ...classicRegistry, sku: "Basic" })).toEqual([expect.stringContaining('must use sku "Premium"')]);
      expect(await violations(exportsDisabled, acr, mutate(classicRegistry, (p) => delete p.exportPolicyEnabled))).toEqual([expect.stringContaining("exportPolicyEnabled to false")]);
      expect(await violations(retentionPolicy, acr, mutate(classicRegistry, (p) => delete p.retentionPolicyInDays))).toEqual([expect.stringContaining("retentionPolicyInDays")]);
    });

    it("takes public network access as enabled when the classic flag is left out (its default)", async () => {
      expect(await violations(publicNetworkDisabled, acr, mutate(classicRegistry, (p) => delete p.publicNetworkAccessEnabled))).toEqual([
        expect.stringContaining("publicNetworkAccessEnabled to false"),
      ]);
    });
  });

  describe("azure:keyvault/keyVault:KeyVault", () => {
    const kv = classicTypes.keyVault;

    it("fails access policies and a missing purge protection, by the provider's defaults", async () => {
      const defaults = mutate(classicKeyVault, (p) => (delete p.rbacAuthorizationEnabled, delete p.purgeProtectionEnabled));
      expect(await violations(rbacAuthorization, kv, defaults)).toEqual([expect.stringContaining("rbacAuthorizationEnabled")]);
      expect(await violations(purgeProtection, kv, defaults)).toEqual([expect.stringContaining("purgeProtectionEnabled to true")]);
    });

    it("reads the v5 name of the RBAC setting, and the old soft delete switch", async () => {
      const v5 = mutate(classicKeyVault, (p) => (delete p.rbacAuthorizationEnabled, (p.enableRbacAuthorization = true)));
      expect(await violations(rbacAuthorization, kv, v5)).toEqual([]);
      expect(await violations(softDelete, kv, { ...classicKeyVault, softDeleteEnabled: false })).toEqual([expect.stringContaining("softDeleteEnabled")]);
    });
  });

  describe("azure:storage/account:Account", () => {
    const sa = classicTypes.storageAccount;

    it("fails an account left at the provider's defaults (public blobs and shared keys allowed)", async () => {
      const defaults = { name: "webstore", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "LRS" };
      expect(await violations(noPublicBlobAccess, sa, defaults)).toEqual([expect.stringContaining("allowNestedItemsToBePublic to false")]);
      expect(await violations(sharedKeyDisabled, sa, defaults)).toEqual([expect.stringContaining("sharedAccessKeyEnabled to false")]);
      expect(await violations(minimumTls, sa, defaults)).toEqual([]);
      expect(await violations(httpsOnly, sa, defaults)).toEqual([]);
    });

    it("fails an old TLS version and plain HTTP", async () => {
      expect(await violations(minimumTls, sa, { ...classicStorageAccount, minTlsVersion: "TLS1_0" })).toEqual([expect.stringContaining("minTlsVersion to TLS1_2")]);
      expect(await violations(httpsOnly, sa, { ...classicStorageAccount, httpsTrafficOnlyEnabled: false })).toEqual([expect.stringContaining("httpsTrafficOnlyEnabled")]);
    });
  });
});
