import { firewallEnabled, publicNetworkDisabled, purgeProtection, rbacAuthorization, softDelete, vaultPrivateEndpoint } from "../../policies/keyVaults";
import { types } from "../../policies/resourceTypes";
import { vault } from "./fixtures";
import { Stack, mutate, privateBaseline, remediate, unknownBoolean, unknownString, validate, validateStack } from "./support";

describe("kv-rbac-authorization", () => {
  it("passes a vault using RBAC", async () => {
    expect((await validate(rbacAuthorization, vault)).violations).toEqual([]);
  });

  it("reports a vault using access policies", async () => {
    const bad = mutate(vault, (p) => (p.properties.enableRbacAuthorization = false));
    expect((await validate(rbacAuthorization, bad)).violations).toEqual([expect.stringContaining("enableRbacAuthorization to true")]);
    expect((await validate(rbacAuthorization, mutate(vault, (p) => delete p.properties.enableRbacAuthorization))).violations).toHaveLength(1);
  });

  it("does not report a setting that is unknown at preview", async () => {
    expect((await validate(rbacAuthorization, mutate(vault, (p) => (p.properties.enableRbacAuthorization = unknownBoolean)))).violations).toEqual([]);
  });
});

describe("kv-soft-delete", () => {
  it("passes soft delete on or left at its default", async () => {
    expect((await validate(softDelete, vault)).violations).toEqual([]);
    expect((await validate(softDelete, mutate(vault, (p) => delete p.properties.enableSoftDelete))).violations).toEqual([]);
  });

  it("reports soft delete turned off", async () => {
    const bad = mutate(vault, (p) => (p.properties.enableSoftDelete = false));
    expect((await validate(softDelete, bad)).violations).toEqual([expect.stringContaining("enableSoftDelete")]);
  });

  it("remediates by turning soft delete back on", async () => {
    expect(await remediate(softDelete, mutate(vault, (p) => (p.properties.enableSoftDelete = false)))).toEqual(vault);
  });
});

describe("kv-purge-protection", () => {
  it("passes purge protection", async () => {
    expect((await validate(purgeProtection, vault)).violations).toEqual([]);
  });

  it("reports a vault without purge protection", async () => {
    const bad = mutate(vault, (p) => delete p.properties.enablePurgeProtection);
    expect((await validate(purgeProtection, bad)).violations).toEqual([expect.stringContaining("enablePurgeProtection to true")]);
  });
});

describe("kv-public-network-disabled", () => {
  it("passes a vault with public access disabled", async () => {
    expect((await validate(publicNetworkDisabled, vault, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports public access in the private baseline", async () => {
    const open = mutate(vault, (p) => (p.properties.publicNetworkAccess = "Enabled"));
    expect((await validate(publicNetworkDisabled, open, { config: privateBaseline })).violations).toEqual([expect.stringContaining('"Disabled"')]);
  });

  it("is off in the public baseline", async () => {
    const open = mutate(vault, (p) => (p.properties.publicNetworkAccess = "Enabled"));
    expect((await validate(publicNetworkDisabled, open)).violations).toEqual([]);
  });
});

describe("kv-network-acl-default-deny", () => {
  it("passes a firewall that denies by default", async () => {
    const open = mutate(vault, (p) => (p.properties.publicNetworkAccess = "Enabled"));
    expect((await validate(firewallEnabled, open)).violations).toEqual([]);
  });

  it("passes public access disabled without a firewall", async () => {
    expect((await validate(firewallEnabled, mutate(vault, (p) => delete p.properties.networkAcls))).violations).toEqual([]);
  });

  it("reports a public vault whose firewall allows by default", async () => {
    const bad = mutate(vault, (p) => ((p.properties.publicNetworkAccess = "Enabled"), (p.properties.networkAcls.defaultAction = "Allow")));
    expect((await validate(firewallEnabled, bad)).violations).toEqual([expect.stringContaining('defaultAction to "Deny"')]);
  });

  it("does not report settings that are unknown at preview", async () => {
    const unknown = mutate(vault, (p) => ((p.properties.publicNetworkAccess = unknownString), (p.properties.networkAcls.defaultAction = "Allow")));
    expect((await validate(firewallEnabled, unknown)).violations).toEqual([]);
  });
});

describe("kv-private-endpoint", () => {
  const endpoint = { resourceGroupName: "rg", privateEndpointName: "web-kv-pe", subnet: { id: unknownString }, privateLinkServiceConnections: [{ name: "vault", groupIds: ["vault"], privateLinkServiceId: unknownString }] };
  const stack = new Stack()
    .add(types.vault, "web-kv", vault)
    .add(types.privateEndpoint, "web-kv-pe", endpoint, { from: { privateLinkServiceConnections: ["web-kv"] } });

  it("passes a vault with a private endpoint", async () => {
    expect((await validateStack(vaultPrivateEndpoint, stack, privateBaseline)).violations).toEqual([]);
  });

  it("reports a vault without private endpoint in the private baseline", async () => {
    expect((await validateStack(vaultPrivateEndpoint, stack.without("web-kv-pe"), privateBaseline)).violations).toEqual([
      expect.stringContaining("Key Vault web-kv must have a private endpoint"),
    ]);
  });
});
