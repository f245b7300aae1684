import * as pulumi from "@pulumi/pulumi";
import { ProgramError, record } from "../harness/recorder";

class Box extends pulumi.ComponentResource {
  constructor() {
    super("test:index:Box", "box");
  }
}

async function recordStorage(extra: Record<string, unknown> = {}, containerName = "data") {
  const { createStorageAccount, createBlobContainer } = await import("../../components/storage");
  return record(() => {
    const parent = new Box();
    const account = createStorageAccount(
      "web",
      { resourceGroupName: "rg-web", location: "westeurope", tags: { team: "platform" }, accountName: "stweb1a2b3c", ...extra },
      { parent },
    );
    createBlobContainer("web", { resourceGroupName: "rg-web", accountName: account.name, containerName }, { parent });
  });
}

describe("the storage account", () => {
  it("takes Entra identities only, over TLS 1.2 and HTTPS, with no public network path or anonymous blobs", async () => {
    const account = (await recordStorage()).one("azure-native:storage:StorageAccount");
    expect(account.inputs).toMatchObject({
      accountName: "stweb1a2b3c",
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
      tags: { team: "platform" },
    });
  });

  it("uses the redundancy asked for", async () => {
    const account = (await recordStorage({ sku: "Standard_LRS" })).one("azure-native:storage:StorageAccount");
    expect(account.inputs.sku).toEqual({ name: "Standard_LRS" });
  });

  it("rejects a SKU a StorageV2 account does not take, before registering anything", async () => {
    const failure = await recordStorage({ sku: "Premium_LRS" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramError);
    expect((failure as ProgramError).message).toMatch(/^Invalid `storageSku`: "Premium_LRS"; a StorageV2 account takes one of Standard_LRS, /);
    expect((failure as ProgramError).recording.cloudResources).toHaveLength(0);
  });

  it("creates a blob container without anonymous access in the account", async () => {
    const recording = await recordStorage();
    const container = recording.one("azure-native:storage:BlobContainer");
    expect(container.inputs).toMatchObject({ containerName: "data", publicAccess: "None", accountName: "stweb1a2b3c" });
    expect(container.propertyDependencies.accountName).toEqual([recording.one("azure-native:storage:StorageAccount").urn]);
  });

  it.each([["Data"], ["ab"], ["a--b"], ["-data"], ["a".repeat(64)]])("rejects the container name %j", async (name) => {
    const { checkContainerName } = await import("../../components/storage");
    expect(() => checkContainerName("blobContainerName", name)).toThrow(`Invalid \`blobContainerName\`: ${JSON.stringify(name)}; a blob container name must be`);
  });
});
