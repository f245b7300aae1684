import * as pulumi from "@pulumi/pulumi";
import { FAKE_AZURE } from "../harness/azureMocks";
import { ProgramError, promiseOf, record } from "../harness/recorder";

class Box extends pulumi.ComponentResource {
  constructor() {
    super("test:index:Box", "box");
  }
}

async function recordVault(extra: Record<string, unknown> = {}) {
  const { createKeyVault, createKeyVaultSecret } = await import("../../components/keyVault");
  return record(() => {
    const parent = new Box();
    const vault = createKeyVault(
      "web",
      { resourceGroupName: "rg-web", location: "westeurope", tags: { team: "platform" }, vaultName: "kv-web-1a2b3c", tenantId: FAKE_AZURE.tenantId, ...extra },
      { parent },
    );
    createKeyVaultSecret("web-db-password", { resourceGroupName: "rg-web", vaultName: vault.name, secretName: "db-password", value: "hunter2" }, { parent });
  });
}

describe("the Key Vault", () => {
  it("uses Azure RBAC, soft delete with purge protection and no public network path", async () => {
    const vault = (await recordVault()).one("azure-native:keyvault:Vault");
    expect(vault.inputs.vaultName).toBe("kv-web-1a2b3c");
    expect(vault.inputs.properties).toMatchObject({
      tenantId: FAKE_AZURE.tenantId,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
    });
    expect(vault.inputs.properties.accessPolicies).toBeUndefined();
    expect(vault.inputs.tags).toEqual({ team: "platform" });
  });

  it("leaves purge protection unset, not false, when a dev stack turns it off", async () => {
    const vault = (await recordVault({ purgeProtection: false })).one("azure-native:keyvault:Vault");
    expect(vault.inputs.properties.enablePurgeProtection).toBeUndefined();
    expect(vault.inputs.properties.enableSoftDelete).toBe(true);
  });

  it("keeps deleted secrets for the retention asked for", async () => {
    const vault = (await recordVault({ softDeleteRetentionInDays: 7 })).one("azure-native:keyvault:Vault");
    expect(vault.inputs.properties.softDeleteRetentionInDays).toBe(7);
  });

  it.each([[6], [91], [30.5]])("rejects a retention of %p days before registering anything", async (days) => {
    const failure = await recordVault({ softDeleteRetentionInDays: days }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramError);
    expect((failure as ProgramError).message).toBe(
      `Invalid \`softDeleteRetentionInDays\`: ${days}; Key Vault keeps deleted items for a whole number of days from 7 to 90.`,
    );
    expect((failure as ProgramError).recording.cloudResources).toHaveLength(0);
  });

  it("writes a secret value through the control plane and keeps it secret on the wire", async () => {
    const recording = await recordVault();
    const secret = recording.one("azure-native:keyvault:Secret");
    expect(secret.inputs).toMatchObject({ secretName: "db-password", vaultName: "kv-web-1a2b3c", properties: { value: "hunter2" } });
    expect(secret.secretPaths).toEqual(["properties.value"]);
    expect(secret.propertyDependencies.vaultName).toEqual([recording.one("azure-native:keyvault:Vault").urn]);
  });

  it("rejects a secret name Key Vault would refuse", async () => {
    const { checkVaultSecretName } = await import("../../components/keyVault");
    expect(() => checkVaultSecretName("secrets.DB.vaultSecretName", "db_password")).toThrow(
      'Invalid `secrets.DB.vaultSecretName`: "db_password"; a Key Vault secret name must be 1–127 letters, digits and hyphens.',
    );
    expect(() => checkVaultSecretName("x", "a".repeat(128))).toThrow("1–127");
    expect(() => checkVaultSecretName("x", "Db-Password-2")).not.toThrow();
  });

  it("builds versionless secret URLs with or without a trailing slash on the vault URI", async () => {
    const { secretUrl } = await import("../../components/keyVault");
    let urls: Promise<Array<string | undefined>> | undefined;
    await record(() => {
      urls = Promise.all([
        promiseOf(secretUrl("https://kv-web.vault.azure.net/", "db-password")),
        promiseOf(secretUrl("https://kv-web.vault.azure.net", pulumi.output("api-key"))),
      ]);
    });
    expect(await urls).toEqual(["https://kv-web.vault.azure.net/secrets/db-password", "https://kv-web.vault.azure.net/secrets/api-key"]);
  });
});
