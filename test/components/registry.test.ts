import { FAKE_AZURE } from "../harness/azureMocks";
import { ProgramError, isSecretOutput, promiseOf, record } from "../harness/recorder";
import type { AcrTokenExchangeRequest } from "../../components/acrToken";
import type { RegistryArgs } from "../../components/registry";
import { underHost } from "./host";

const REGISTRY = "azure-native:containerregistry:Registry";

async function registryWith(args: Partial<RegistryArgs>) {
  return record(async () => {
    const { createRegistry } = await import("../../components/registry");
    createRegistry("web", { resourceGroupName: "rg", registryName: "crweb123", ...args }, underHost());
  });
}

async function failureOf(args: Partial<RegistryArgs>): Promise<ProgramError> {
  const failure = await registryWith(args).catch((error: unknown) => error);
  if (!(failure instanceof ProgramError)) throw new Error("expected the program to fail");
  expect(failure.recording.cloudResources).toEqual([]);
  return failure;
}

describe("the registry block", () => {
  it("creates a Basic registry with the admin user and anonymous pull off and no firewall", async () => {
    const registry = (await registryWith({})).one(REGISTRY);
    expect(registry.inputs).toMatchObject({
      registryName: "crweb123",
      sku: { name: "Basic" },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Enabled",
      zoneRedundancy: "Disabled",
    });
    expect(registry.inputs.networkRuleSet).toBeUndefined();
    expect(registry.inputs.policies).toBeUndefined();
  });

  it("purges untagged manifests on Premium and disables exports once public access is off", async () => {
    const closed = (await registryWith({ sku: "Premium", publicNetworkAccess: "Disabled" })).one(REGISTRY);
    expect(closed.inputs.policies).toMatchObject({ retentionPolicy: { status: "enabled", days: 7 }, exportPolicy: { status: "disabled" } });
    const open = (await registryWith({ sku: "Premium", untaggedRetentionDays: 30 })).one(REGISTRY);
    expect(open.inputs.policies.retentionPolicy).toEqual({ status: "enabled", days: 30 });
    expect(open.inputs.policies.exportPolicy).toBeUndefined();
  });

  it("refuses a retention period out of range or below Premium", async () => {
    expect((await failureOf({ sku: "Premium", untaggedRetentionDays: 400 })).message).toBe(
      "Invalid `untaggedRetentionDays`: 400; must be an integer from 0 to 365.",
    );
    expect((await failureOf({ untaggedRetentionDays: 7 })).message).toContain("a retention policy (`untaggedRetentionDays`) needs the Premium SKU");
  });

  it("serves the private mode: Premium, public access off, a deployer allow-list, zone redundancy", async () => {
    const registry = (
      await registryWith({ sku: "Premium", publicNetworkAccess: "Disabled", allowedIpRanges: ["203.0.113.7", "198.51.100.0/24"], zoneRedundancy: true })
    ).one(REGISTRY);
    expect(registry.inputs).toMatchObject({
      sku: { name: "Premium" },
      publicNetworkAccess: "Disabled",
      zoneRedundancy: "Enabled",
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      networkRuleSet: {
        defaultAction: "Deny",
        ipRules: [
          { action: "Allow", iPAddressOrRange: "203.0.113.7" },
          { action: "Allow", iPAddressOrRange: "198.51.100.0/24" },
        ],
      },
    });
  });

  it("refuses IP rules and zone redundancy below Premium, and malformed ranges", async () => {
    expect((await failureOf({ allowedIpRanges: ["203.0.113.7"] })).message).toBe(
      'Invalid `registrySku`: "Basic"; registry IP rules (`allowedIpRanges`) need the Premium SKU.',
    );
    expect((await failureOf({ sku: "Standard", zoneRedundancy: true })).message).toContain("zone redundancy needs the Premium SKU");
    expect((await failureOf({ sku: "Premium", allowedIpRanges: ["300.1.1.1"] })).message).toContain('Invalid `allowedIpRanges`: "300.1.1.1"');
    expect((await failureOf({ registryName: "my-registry" })).message).toContain("5-50 letters and digits only");
    expect((await failureOf({ sku: "Gold" as never })).message).toContain("must be one of Basic, Standard, Premium");
  });

  it("grants AcrPull on the registry itself, not its group", async () => {
    const recording = await record(async () => {
      const { createRegistry, grantPull } = await import("../../components/registry");
      const opts = underHost();
      const registry = createRegistry("web", { resourceGroupName: "rg", registryName: "crweb123" }, opts);
      grantPull("web-pull", registry, "principal-1", opts);
    });
    const registry = recording.one(REGISTRY);
    const grant = recording.one("azure-native:authorization:RoleAssignment");
    expect(grant.inputs.scope).toBe(registry.id);
    expect(grant.inputs.scope).toContain("/providers/Microsoft.ContainerRegistry/registries/crweb123");
    expect(grant.propertyDependencies.scope).toEqual([registry.urn]);
    expect(grant.inputs.roleDefinitionId).toMatch(/\/roleDefinitions\/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    expect(grant.inputs.principalType).toBe("ServicePrincipal");
  });
});

describe("push credentials", () => {
  it("exchange the deployer's Entra token for a secret refresh token, user 00000000-…", async () => {
    const requests: AcrTokenExchangeRequest[] = [];
    const results: Array<Promise<unknown>> = [];
    await record(async () => {
      const { pushCredentials } = await import("../../components/registry");
      const credentials = pushCredentials("crweb123.azurecr.io", {
        exchange: async (request) => {
          requests.push(request);
          return "refresh-token-1";
        },
      });
      results.push(promiseOf(credentials.address), promiseOf(credentials.password), isSecretOutput(credentials.password), isSecretOutput(credentials.address));
      expect(credentials.username).toBe("00000000-0000-0000-0000-000000000000");
    });
    const [address, password, passwordSecret, addressSecret] = await Promise.all(results);
    expect(requests).toEqual([{ loginServer: "crweb123.azurecr.io", tenantId: FAKE_AZURE.tenantId, accessToken: "mock-entra-access-token" }]);
    expect(address).toBe("crweb123.azurecr.io");
    expect(password).toBe("refresh-token-1");
    expect(passwordSecret).toBe(true);
    expect(addressSecret).toBe(false);
  });

  it("do not call the registry in preview while its login server is unknown", async () => {
    let calls = 0;
    await record(
      async () => {
        const { createRegistry, pushCredentials } = await import("../../components/registry");
        const registry = createRegistry("web", { resourceGroupName: "rg", registryName: "crweb123" }, underHost());
        pushCredentials(registry.loginServer, {
          exchange: async () => {
            calls++;
            return "x";
          },
        });
      },
      { preview: true },
    );
    expect(calls).toBe(0);
  });

  it("do not call the registry in preview even when its login server is known, and leave the password unknown", async () => {
    let calls = 0;
    const results: Array<Promise<unknown>> = [];
    await record(
      async () => {
        const { pushCredentials } = await import("../../components/registry");
        const credentials = pushCredentials("crweb123.azurecr.io", {
          exchange: async () => {
            calls++;
            return "x";
          },
        });
        results.push(promiseOf(credentials.address), promiseOf(credentials.password), isSecretOutput(credentials.password));
      },
      { preview: true },
    );
    const [address, password, secret] = await Promise.all(results);
    expect(calls).toBe(0);
    expect(address).toBe("crweb123.azurecr.io");
    expect(password).toBeUndefined();
    expect(secret).toBe(true);
  });
});
