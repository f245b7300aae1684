import {
  adminUserDisabled,
  anonymousPullDisabled,
  exportsDisabled,
  privateLinkSku,
  publicNetworkDisabled,
  registryPrivateEndpoint,
  retentionPolicy,
} from "../../policies/registries";
import { types } from "../../policies/resourceTypes";
import { privateRegistry, registry, registryId } from "./fixtures";
import { Stack, mutate, privateBaseline, remediate, unknownBoolean, unknownString, validate, validateStack } from "./support";

describe("acr-admin-user-disabled", () => {
  it("passes a registry without admin user", async () => {
    expect((await validate(adminUserDisabled, registry)).violations).toEqual([]);
  });

  it("reports the admin user", async () => {
    const bad = mutate(registry, (p) => (p.adminUserEnabled = true));
    expect((await validate(adminUserDisabled, bad)).violations).toEqual([expect.stringContaining("adminUserEnabled to false")]);
  });

  it("does not report an admin setting that is unknown at preview", async () => {
    expect((await validate(adminUserDisabled, mutate(registry, (p) => (p.adminUserEnabled = unknownBoolean)))).violations).toEqual([]);
  });

  it("remediates by turning the admin user off", async () => {
    const fixed = await remediate(adminUserDisabled, mutate(registry, (p) => (p.adminUserEnabled = true)));
    expect(fixed).toEqual(registry);
    expect(await remediate(adminUserDisabled, registry)).toBeUndefined();
  });
});

describe("acr-anonymous-pull-disabled", () => {
  it("passes a registry without anonymous pull", async () => {
    expect((await validate(anonymousPullDisabled, registry)).violations).toEqual([]);
  });

  it("reports anonymous pull", async () => {
    const bad = mutate(registry, (p) => (p.anonymousPullEnabled = true));
    expect((await validate(anonymousPullDisabled, bad)).violations).toEqual([expect.stringContaining("anonymousPullEnabled to false")]);
  });

  it("remediates by turning anonymous pull off", async () => {
    expect(await remediate(anonymousPullDisabled, mutate(registry, (p) => (p.anonymousPullEnabled = true)))).toEqual(registry);
  });
});

describe("acr-public-network-disabled", () => {
  it("is off in the public baseline", async () => {
    expect((await validate(publicNetworkDisabled, registry)).notApplicable).toContain("private baseline");
  });

  it("passes a registry with public access disabled", async () => {
    expect((await validate(publicNetworkDisabled, privateRegistry, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports public access in the private baseline, including the default", async () => {
    expect((await validate(publicNetworkDisabled, registry, { config: privateBaseline })).violations).toEqual([expect.stringContaining('"Disabled"')]);
    const unset = mutate(privateRegistry, (p) => delete p.publicNetworkAccess);
    expect((await validate(publicNetworkDisabled, unset, { config: privateBaseline })).violations).toHaveLength(1);
  });

  it("does not report access that is unknown at preview", async () => {
    const unknown = mutate(privateRegistry, (p) => (p.publicNetworkAccess = unknownString));
    expect((await validate(publicNetworkDisabled, unknown, { config: privateBaseline })).violations).toEqual([]);
  });

  describe("with allowFirewallRestricted", () => {
    const firewalled = { ...privateBaseline, allowFirewallRestricted: true };
    const allowListed = mutate(privateRegistry, (p) => {
      p.publicNetworkAccess = "Enabled";
      p.networkRuleSet = { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.7" }] };
    });

    it("still reports a public registry by default", async () => {
      expect((await validate(publicNetworkDisabled, allowListed, { config: privateBaseline })).violations).toHaveLength(1);
    });

    it("passes a public registry whose firewall denies by default", async () => {
      expect((await validate(publicNetworkDisabled, allowListed, { config: firewalled })).violations).toEqual([]);
    });

    it("reports a public registry whose firewall allows by default, or that has no firewall", async () => {
      const open = mutate(allowListed, (p) => (p.networkRuleSet.defaultAction = "Allow"));
      expect((await validate(publicNetworkDisabled, open, { config: firewalled })).violations).toEqual([expect.stringContaining('networkRuleSet.defaultAction "Deny"')]);
      const noFirewall = mutate(allowListed, (p) => delete p.networkRuleSet);
      expect((await validate(publicNetworkDisabled, noFirewall, { config: firewalled })).violations).toHaveLength(1);
    });
  });
});

describe("acr-private-link-sku", () => {
  it("passes Premium in the private baseline", async () => {
    expect((await validate(privateLinkSku, privateRegistry, { config: privateBaseline })).violations).toEqual([]);
  });

  it("reports Basic in the private baseline", async () => {
    expect((await validate(privateLinkSku, registry, { config: privateBaseline })).violations).toEqual([expect.stringContaining('"Premium"')]);
  });

  it("is off in the public baseline", async () => {
    expect((await validate(privateLinkSku, registry)).violations).toEqual([]);
  });
});

describe("acr-export-disabled", () => {
  it("is advisory", () => {
    expect(exportsDisabled.enforcementLevel).toBe("advisory");
  });

  it("passes exports disabled", async () => {
    expect((await validate(exportsDisabled, privateRegistry)).violations).toEqual([]);
  });

  it("reports exports left enabled", async () => {
    expect((await validate(exportsDisabled, registry)).violations).toEqual([expect.stringContaining("exportPolicy.status")]);
  });

  it("reports exports disabled while public network access is on, as 524b0254 does", async () => {
    const bad = mutate(privateRegistry, (p) => (p.publicNetworkAccess = "Enabled"));
    expect((await validate(exportsDisabled, bad)).violations).toEqual([expect.stringContaining('publicNetworkAccess to "Disabled"')]);
  });

  it("does not report a registry whose public network access is unknown at preview", async () => {
    const unknown = mutate(privateRegistry, (p) => (p.publicNetworkAccess = unknownString));
    expect((await validate(exportsDisabled, unknown)).violations).toEqual([]);
  });
});

describe("acr-retention-policy", () => {
  it("passes a retention policy", async () => {
    expect((await validate(retentionPolicy, privateRegistry)).violations).toEqual([]);
  });

  it("reports no retention policy", async () => {
    expect((await validate(retentionPolicy, registry)).violations).toEqual([expect.stringContaining("retentionPolicy.status")]);
  });
});

describe("acr-private-endpoint", () => {
  const endpoint = {
    resourceGroupName: "rg",
    privateEndpointName: "webacr-pe",
    subnet: { id: unknownString },
    privateLinkServiceConnections: [{ name: "registry", groupIds: ["registry"], privateLinkServiceId: unknownString }],
  };
  const stack = new Stack()
    .add(types.registry, "webacr", privateRegistry)
    .add(types.privateEndpoint, "webacr-pe", endpoint, { from: { privateLinkServiceConnections: ["webacr"] } });

  it("passes a registry with a private endpoint connected through dependencies", async () => {
    expect((await validateStack(registryPrivateEndpoint, stack, privateBaseline)).violations).toEqual([]);
  });

  it("passes a registry whose endpoint names it by a known id", async () => {
    const known = stack.with("webacr-pe", {
      props: (p) => (p.privateLinkServiceConnections[0].privateLinkServiceId = registryId),
      wiring: {},
    });
    expect((await validateStack(registryPrivateEndpoint, known, privateBaseline)).violations).toEqual([]);
  });

  it("reports a registry without private endpoint", async () => {
    const outcome = await validateStack(registryPrivateEndpoint, stack.without("webacr-pe"), privateBaseline);
    expect(outcome.violations).toEqual([expect.stringContaining("Registry webacr must have a private endpoint")]);
    expect(outcome.urns).toEqual([stack.urn("webacr")]);
  });

  it("reports a registry whose only endpoint points at another resource", async () => {
    const other = stack.with("webacr-pe", {
      props: (p) => (p.privateLinkServiceConnections[0].privateLinkServiceId = registryId.replace("webacr", "otheracr")),
      wiring: {},
    });
    expect((await validateStack(registryPrivateEndpoint, other, privateBaseline)).violations).toHaveLength(1);
  });

  it("does not report when an endpoint's target is unknown and unconnected", async () => {
    const unknown = stack.with("webacr-pe", { wiring: {} });
    expect((await validateStack(registryPrivateEndpoint, unknown, privateBaseline)).violations).toEqual([]);
  });

  it("is off in the public baseline", async () => {
    expect((await validateStack(registryPrivateEndpoint, stack.without("webacr-pe"))).violations).toEqual([]);
  });
});
