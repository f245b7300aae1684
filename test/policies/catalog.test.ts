import * as app from "@pulumi/azure-native/app";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as storage from "@pulumi/azure-native/storage";
import { allPolicies, families, ruleSummaries } from "../../policies/catalog";
import { routeOf, types } from "../../policies/resourceTypes";

const prefixes: Record<string, string> = {
  "Container apps": "aca-",
  "Managed environments": "env-",
  "Container registries": "acr-",
  "Key Vaults": "kv-",
  "Storage accounts": "storage-",
  Network: "network-",
  Observability: "appinsights-",
  Reliability: "aca-",
  Authorization: "role-assignment-",
  Preview: "preview-",
  "ARM constraints": "arm-",
};

describe("the pack's rules", () => {
  it("have unique kebab-case names prefixed by their family", () => {
    const names = allPolicies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { family, policies } of families) {
      for (const policy of policies) {
        expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
        expect(policy.name.startsWith(prefixes[family]!)).toBe(true);
      }
    }
  });

  it("each have a one-sentence description, a default level and a source", () => {
    for (const policy of allPolicies) {
      expect([policy.name, policy.description]).toEqual([policy.name, expect.stringMatching(/^[A-Z][^.]*(\([^)]*\))?[^.]*\.$/)]);
      expect(["advisory", "mandatory"]).toContain(policy.enforcementLevel);
      if (policy.name === "preview-not-judged") expect(policy.metadata.source).toBe("pulumi-aca");
      else {
        expect(policy.metadata.source).toMatch(
          /^(Azure Policy [0-9a-f]{8}|PSRule Azure\.[A-Za-z.]+|ACA landing zone|Learn [a-z-]+\/[a-z-]+|https:\/\/learn\.microsoft\.com\/\S+|azure-rest-api-specs:specification\/\S+\.json)$/,
        );
      }
    }
  });

  it("give every tunable a default in its config schema", () => {
    for (const policy of allPolicies) {
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        expect([policy.name, key, schema.default !== undefined]).toEqual([policy.name, key, true]);
        expect(() => JSON.stringify(schema)).not.toThrow();
      }
    }
  });

  it("cover at least the rules the pack promises", () => {
    expect(allPolicies).toHaveLength(61);
    expect(ruleSummaries().filter((r) => r.kind === "stack").map((r) => r.name)).toEqual([
      "aca-registry-pull-role",
      "env-infrastructure-subnet",
      "acr-private-endpoint",
      "kv-private-endpoint",
      "storage-private-endpoint",
      "network-private-endpoint-dns-zone-group",
      "network-private-dns-zone-vnet-link",
      "aca-zone-redundant-replicas",
      "arm-nsg-priority-unique",
      "arm-aca-cpu-memory-allocation",
      "arm-private-endpoint-group-id",
      "arm-private-dns-zone-matches-group",
      "arm-environment-subnet-dedicated",
      "arm-environment-subnet-delegation",
    ]);
  });

  it("name resource types exactly as azure-native does", () => {
    const classes = {
      containerApp: app.ContainerApp,
      job: app.Job,
      managedEnvironment: app.ManagedEnvironment,
      registry: containerregistry.Registry,
      vault: keyvault.Vault,
      storageAccount: storage.StorageAccount,
      subnet: network.Subnet,
      virtualNetwork: network.VirtualNetwork,
      privateEndpoint: network.PrivateEndpoint,
      privateDnsZoneGroup: network.PrivateDnsZoneGroup,
      privateZone: privatedns.PrivateZone,
      virtualNetworkLink: privatedns.VirtualNetworkLink,
      roleAssignment: authorization.RoleAssignment,
      appInsights: applicationinsights.Component,
      userAssignedIdentity: managedidentity.UserAssignedIdentity,
    };
    for (const [key, resourceClass] of Object.entries(classes)) {
      expect((resourceClass as unknown as { __pulumiType: string }).__pulumiType).toBe(types[key as keyof typeof types]);
    }
  });

  it("let @pulumi/policy filter each resource rule by the one route all of its types share", () => {
    for (const policy of allPolicies) {
      if (policy.metadata.stack || policy.metadata.resourceTypes.length === 0) continue;
      const routes = new Set(policy.metadata.resourceTypes.map(routeOf));
      const validate = (policy as { validateResource?: unknown }).validateResource as { __pulumiType?: string };
      expect([policy.name, validate.__pulumiType]).toEqual([policy.name, routes.size === 1 ? [...routes][0] : undefined]);
    }
  });
});
