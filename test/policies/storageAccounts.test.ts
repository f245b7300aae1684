import { types } from "../../policies/resourceTypes";
import { httpsOnly, minimumTls, noPublicBlobAccess, publicNetworkDisabled, sharedKeyDisabled, storagePrivateEndpoint } from "../../policies/storageAccounts";
import { storageAccount } from "./fixtures";
import { Stack, mutate, privateBaseline, remediate, unknownBoolean, unknownString, validate, validateStack } from "./support";

describe("storage-no-public-blob-access", () => {
  it("passes an account without public blob access", async () => {
    expect((await validate(noPublicBlobAccess, storageAccount)).violations).toEqual([]);
  });

  it("reports public blob access, set or left unset", async () => {
    expect((await validate(noPublicBlobAccess, mutate(storageAccount, (p) => (p.allowBlobPublicAccess = true)))).violations).toEqual([
      expect.stringContaining("allowBlobPublicAccess to false"),
    ]);
    expect((await validate(noPublicBlobAccess, mutate(storageAccount, (p) => delete p.allowBlobPublicAccess))).violations).toHaveLength(1);
  });

  it("remediates by turning public blob access off, but not an unknown setting", async () => {
    expect(await remediate(noPublicBlobAccess, mutate(storageAccount, (p) => (p.allowBlobPublicAccess = true)))).toEqual(storageAccount);
    expect(await remediate(noPublicBlobAccess, mutate(storageAccount, (p) => (p.allowBlobPublicAccess = unknownBoolean)))).toBeUndefined();
    expect((await validate(noPublicBlobAccess, mutate(storageAccount, (p) => (p.allowBlobPublicAccess = unknownBoolean)))).violations).toEqual([]);
  });
});

describe("storage-shared-key-disabled", () => {
  it("passes an account without shared keys", async () => {
    expect((await validate(sharedKeyDisabled, storageAccount)).violations).toEqual([]);
  });

  it("reports shared key access", async () => {
    expect((await validate(sharedKeyDisabled, mutate(storageAccount, (p) => (p.allowSharedKeyAccess = true)))).violations).toEqual([
      expect.stringContaining("allowSharedKeyAccess to false"),
    ]);
  });
});

describe("storage-min-tls", () => {
  it("passes TLS 1.2 and newer", async () => {
    expect((await validate(minimumTls, storageAccount)).violations).toEqual([]);
    expect((await validate(minimumTls, mutate(storageAccount, (p) => (p.minimumTlsVersion = "TLS1_3")))).violations).toEqual([]);
  });

  it("reports older TLS versions and the unset default", async () => {
    expect((await validate(minimumTls, mutate(storageAccount, (p) => (p.minimumTlsVersion = "TLS1_0")))).violations).toEqual([
      expect.stringContaining("TLS1_2 or newer (is TLS1_0)"),
    ]);
    expect((await validate(minimumTls, mutate(storageAccount, (p) => delete p.minimumTlsVersion))).violations).toEqual([expect.stringContaining("unset")]);
  });

  it("applies a configured minimum", async () => {
    expect((await validate(minimumTls, storageAccount, { config: { minimumTlsVersion: "TLS1_3" } })).violations).toEqual([
      expect.stringContaining("TLS1_3 or newer (is TLS1_2)"),
    ]);
  });

  it("remediates to the configured minimum", async () => {
    const old = mutate(storageAccount, (p) => (p.minimumTlsVersion = "TLS1_1"));
    expect(await remediate(minimumTls, old)).toEqual(storageAccount);
    expect((await remediate(minimumTls, old, { config: { minimumTlsVersion: "TLS1_3" } }))?.["minimumTlsVersion"]).toBe("TLS1_3");
    expect(await remediate(minimumTls, storageAccount)).toBeUndefined();
  });

  it("neither reports nor remediates a version that is unknown at preview", async () => {
    const unknown = mutate(storageAccount, (p) => (p.minimumTlsVersion = unknownString));
    expect((await validate(minimumTls, unknown)).violations).toEqual([]);
    expect(await remediate(minimumTls, unknown)).toBeUndefined();
  });
});

describe("storage-https-only", () => {
  it("passes HTTPS only, set or left at its default", async () => {
    expect((await validate(httpsOnly, storageAccount)).violations).toEqual([]);
    expect((await validate(httpsOnly, mutate(storageAccount, (p) => delete p.enableHttpsTrafficOnly))).violations).toEqual([]);
  });

  it("reports plain HTTP allowed", async () => {
    const bad = mutate(storageAccount, (p) => (p.enableHttpsTrafficOnly = false));
    expect((await validate(httpsOnly, bad)).violations).toEqual([expect.stringContaining("enableHttpsTrafficOnly to true")]);
    expect(await remediate(httpsOnly, bad)).toEqual(storageAccount);
  });
});

describe("storage-public-network-disabled", () => {
  it("passes public access disabled in the private baseline", async () => {
    expect((await validate(publicNetworkDisabled, storageAccount, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports public access in the private baseline", async () => {
    const open = mutate(storageAccount, (p) => (p.publicNetworkAccess = "Enabled"));
    expect((await validate(publicNetworkDisabled, open, { config: privateBaseline })).violations).toEqual([expect.stringContaining('"Disabled"')]);
    expect((await validate(publicNetworkDisabled, open)).violations).toEqual([]);
  });
});

describe("storage-private-endpoint", () => {
  const endpoint = {
    resourceGroupName: "rg",
    subnet: { id: unknownString },
    privateLinkServiceConnections: [{ name: "blob", groupIds: ["blob"], privateLinkServiceId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/webstore" }],
  };
  const stack = new Stack().add(types.storageAccount, "webstore", storageAccount).add(types.privateEndpoint, "webstore-pe", endpoint);

  it("passes an account whose endpoint names it by id", async () => {
    expect((await validateStack(storagePrivateEndpoint, stack, privateBaseline)).violations).toEqual([]);
  });

  it("reports an account without private endpoint", async () => {
    expect((await validateStack(storagePrivateEndpoint, stack.without("webstore-pe"), privateBaseline)).violations).toEqual([
      expect.stringContaining("Storage account webstore must have a private endpoint"),
    ]);
  });
});
