import {
  CONTAINER_APPS_DELEGATION,
  addressAt,
  addressCount,
  contains,
  overlaps,
  parseCidr,
  validateSubnetPlan,
  type PlannedSubnet,
  type SubnetPlan,
} from "../../components/subnets";
import { ValidationError } from "../../components/validation";

const cidr = (text: string) => parseCidr("test", text);

const INFRA: PlannedSubnet = {
  field: "network.infrastructureSubnetPrefix",
  addressPrefix: "10.0.0.0/23",
  delegationField: "network.infrastructureSubnetDelegation",
  delegation: CONTAINER_APPS_DELEGATION,
};

function plan(overrides: Partial<SubnetPlan> = {}): SubnetPlan {
  return {
    environmentKind: "workload-profiles",
    addressSpace: { field: "network.addressSpace", prefixes: ["10.0.0.0/16"] },
    infrastructure: INFRA,
    privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "10.0.2.0/24" },
    ...overrides,
  };
}

describe("CIDR parsing", () => {
  it("reads the network address and prefix length of a well-formed block", () => {
    const parsed = cidr("10.1.2.0/24");
    expect(parsed.prefixLength).toBe(24);
    expect(addressAt(parsed, 0)).toBe("10.1.2.0");
    expect(addressAt(parsed, 255)).toBe("10.1.2.255");
    expect(addressCount(parsed)).toBe(256);
  });

  it("accepts the extremes /0 and /32", () => {
    expect(addressCount(cidr("0.0.0.0/0"))).toBe(2 ** 32);
    expect(addressAt(cidr("255.255.255.255/32"), 0)).toBe("255.255.255.255");
  });

  it.each([
    ["10.0.0/16"],
    ["10.0.0.0"],
    ["10.0.0.0/33"],
    ["256.0.0.0/8"],
    ["10.0.0.0/-1"],
    ["010.0.0.0/16"],
    ["10.0.0.0/016"],
    ["fd00::/64"],
    [" 10.0.0.0/16"],
    [""],
  ])("rejects %j naming the field, the value and the CIDR rule", (text) => {
    expect(() => parseCidr("network.addressSpace[0]", text)).toThrow(
      `Invalid \`network.addressSpace[0]\`: ${JSON.stringify(text)}; an address range must be an IPv4 CIDR`,
    );
  });

  it("rejects a block with host bits set and names the network address meant", () => {
    expect(() => parseCidr("network.infrastructureSubnetPrefix", "10.0.1.0/23")).toThrow(
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.1.0/23"; an address range must start at its network address, here 10.0.0.0/23.',
    );
  });

  it("rejects an address index outside the block", () => {
    expect(() => addressAt(cidr("10.0.0.0/30"), 4)).toThrow("outside 10.0.0.0/30");
  });
});

describe("containment and overlap", () => {
  it("finds a subnet inside its network and not inside a neighbour", () => {
    expect(contains(cidr("10.0.0.0/16"), cidr("10.0.2.0/24"))).toBe(true);
    expect(contains(cidr("10.0.0.0/16"), cidr("10.0.0.0/16"))).toBe(true);
    expect(contains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
    expect(contains(cidr("10.0.0.0/24"), cidr("10.0.0.0/23"))).toBe(false);
  });

  it("sees overlap in both directions and none between adjacent blocks", () => {
    expect(overlaps(cidr("10.0.0.0/23"), cidr("10.0.1.0/24"))).toBe(true);
    expect(overlaps(cidr("10.0.1.0/24"), cidr("10.0.0.0/23"))).toBe(true);
    expect(overlaps(cidr("10.0.0.0/23"), cidr("10.0.2.0/24"))).toBe(false);
    expect(overlaps(cidr("10.0.2.0/24"), cidr("10.0.0.0/23"))).toBe(false);
  });

  it("handles blocks at the top of the address space without sign errors", () => {
    expect(contains(cidr("192.0.0.0/2"), cidr("255.255.255.0/24"))).toBe(true);
    expect(overlaps(cidr("128.0.0.0/1"), cidr("10.0.0.0/8"))).toBe(false);
  });
});

describe("the subnet plan of a private topology", () => {
  it("accepts the default plan and returns the parsed blocks", () => {
    const validated = validateSubnetPlan(plan());
    expect(validated.infrastructure?.prefixLength).toBe(23);
    expect(validated.privateEndpoints?.prefixLength).toBe(24);
    expect(validated.addressSpace).toHaveLength(1);
  });

  it("accepts a workload-profiles infrastructure subnet of exactly /27", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, addressPrefix: "10.0.0.0/27" } })),
    ).not.toThrow();
  });

  it("rejects a workload-profiles infrastructure subnet smaller than /27", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, addressPrefix: "10.0.0.0/28" } })),
    ).toThrow(
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.0.0/28"; a workload-profiles environment needs an infrastructure subnet of /27 or larger (32 addresses); /28 holds 16.',
    );
  });

  it("rejects a workload-profiles infrastructure subnet that is not delegated", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, delegation: undefined } })),
    ).toThrow(
      "Invalid `network.infrastructureSubnetDelegation`: null; a workload-profiles environment needs its infrastructure subnet delegated to Microsoft.App/environments.",
    );
  });

  it("rejects a workload-profiles infrastructure subnet delegated to another service", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, delegation: "Microsoft.Web/serverFarms" } })),
    ).toThrow('Invalid `network.infrastructureSubnetDelegation`: "Microsoft.Web/serverFarms"; a workload-profiles environment');
  });

  it("accepts a consumption-only infrastructure subnet of /23 that is not delegated", () => {
    expect(() =>
      validateSubnetPlan(
        plan({ environmentKind: "consumption-only", infrastructure: { ...INFRA, delegation: undefined } }),
      ),
    ).not.toThrow();
  });

  it("rejects a consumption-only infrastructure subnet smaller than /23", () => {
    expect(() =>
      validateSubnetPlan(
        plan({
          environmentKind: "consumption-only",
          infrastructure: { ...INFRA, addressPrefix: "10.0.0.0/24", delegation: undefined },
        }),
      ),
    ).toThrow(
      'Invalid `network.infrastructureSubnetPrefix`: "10.0.0.0/24"; a consumption-only environment needs an infrastructure subnet of /23 or larger (512 addresses); /24 holds 256.',
    );
  });

  it("rejects a consumption-only infrastructure subnet that is delegated", () => {
    expect(() => validateSubnetPlan(plan({ environmentKind: "consumption-only" }))).toThrow(
      'Invalid `network.infrastructureSubnetDelegation`: "Microsoft.App/environments"; a consumption-only environment needs an infrastructure subnet that is not delegated to any service.',
    );
  });

  it("rejects a private endpoints subnet smaller than /28", () => {
    expect(() =>
      validateSubnetPlan(plan({ privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "10.0.2.0/29" } })),
    ).toThrow('Invalid `network.privateEndpointsSubnetPrefix`: "10.0.2.0/29"; the private endpoints subnet needs /28 or larger');
  });

  it("rejects a delegated private endpoints subnet", () => {
    expect(() =>
      validateSubnetPlan(
        plan({
          privateEndpoints: {
            field: "network.privateEndpointsSubnetPrefix",
            addressPrefix: "10.0.2.0/24",
            delegationField: "existingNetwork.privateEndpointsSubnetDelegation",
            delegation: "Microsoft.App/environments",
          },
        }),
      ),
    ).toThrow(
      'Invalid `existingNetwork.privateEndpointsSubnetDelegation`: "Microsoft.App/environments"; private endpoints cannot be placed in a delegated subnet.',
    );
  });

  it("rejects an infrastructure subnet outside the virtual network", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, addressPrefix: "10.1.0.0/23" } })),
    ).toThrow(
      'Invalid `network.infrastructureSubnetPrefix`: "10.1.0.0/23"; a subnet must lie inside the virtual network\'s address space (10.0.0.0/16).',
    );
  });

  it("rejects a private endpoints subnet that straddles the edge of the virtual network", () => {
    expect(() =>
      validateSubnetPlan(
        plan({
          addressSpace: { field: "network.addressSpace", prefixes: ["10.0.0.0/23", "10.0.3.0/24"] },
          infrastructure: { ...INFRA, addressPrefix: "10.0.0.0/23" },
          privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "10.0.2.0/23" },
        }),
      ),
    ).toThrow('Invalid `network.privateEndpointsSubnetPrefix`: "10.0.2.0/23"; a subnet must lie inside');
  });

  it("accepts subnets spread over several address prefixes of one network", () => {
    expect(() =>
      validateSubnetPlan(
        plan({
          addressSpace: { field: "network.addressSpace", prefixes: ["10.0.0.0/23", "10.9.0.0/24"] },
          privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "10.9.0.0/28" },
        }),
      ),
    ).not.toThrow();
  });

  it("rejects overlapping subnets", () => {
    expect(() =>
      validateSubnetPlan(plan({ privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "10.0.1.0/24" } })),
    ).toThrow(
      'Invalid `network.privateEndpointsSubnetPrefix`: "10.0.1.0/24"; subnets of one virtual network must not overlap, and this one overlaps `network.infrastructureSubnetPrefix` (10.0.0.0/23).',
    );
  });

  it("rejects overlapping prefixes in the virtual network's address space", () => {
    expect(() =>
      validateSubnetPlan(plan({ addressSpace: { field: "network.addressSpace", prefixes: ["10.0.0.0/16", "10.0.128.0/17"] } })),
    ).toThrow(
      'Invalid `network.addressSpace`: ["10.0.0.0/16","10.0.128.0/17"]; the prefixes of a virtual network\'s address space must not overlap; 10.0.0.0/16 and 10.0.128.0/17 do.',
    );
  });

  it("rejects an empty address space", () => {
    expect(() => validateSubnetPlan(plan({ addressSpace: { field: "network.addressSpace", prefixes: [] } }))).toThrow(
      "Invalid `network.addressSpace`: []; a virtual network needs at least one address prefix.",
    );
  });

  it("rejects a malformed address space entry by its index", () => {
    expect(() =>
      validateSubnetPlan(plan({ addressSpace: { field: "network.addressSpace", prefixes: ["10.0.0.0/16", "10.1.0.0/"] } })),
    ).toThrow('Invalid `network.addressSpace[1]`: "10.1.0.0/"; an address range must be an IPv4 CIDR');
  });

  it("rejects a malformed subnet prefix", () => {
    expect(() =>
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, addressPrefix: "10.0.0.300/23" } })),
    ).toThrow('Invalid `network.infrastructureSubnetPrefix`: "10.0.0.300/23"; an address range must be an IPv4 CIDR');
  });

  it("rejects a subnet in a range Azure Container Apps reserves", () => {
    expect(() =>
      validateSubnetPlan(
        plan({
          addressSpace: { field: "network.addressSpace", prefixes: ["172.16.0.0/12"] },
          infrastructure: { ...INFRA, addressPrefix: "172.30.0.0/23" },
          privateEndpoints: { field: "network.privateEndpointsSubnetPrefix", addressPrefix: "172.16.0.0/24" },
        }),
      ),
    ).toThrow(
      'Invalid `network.infrastructureSubnetPrefix`: "172.30.0.0/23"; a subnet must not overlap 172.30.0.0/16, which Azure Container Apps reserves for its own infrastructure.',
    );
  });

  it("reports a broken rule as a ValidationError carrying the field and the value", () => {
    let caught: unknown;
    try {
      validateSubnetPlan(plan({ infrastructure: { ...INFRA, addressPrefix: "10.0.0.0/29" } }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe("network.infrastructureSubnetPrefix");
    expect((caught as ValidationError).value).toBe("10.0.0.0/29");
  });

  it("checks a declared endpoints subnet of an existing network even when the infrastructure subnet is not declared", () => {
    expect(() =>
      validateSubnetPlan({
        environmentKind: "workload-profiles",
        privateEndpoints: { field: "existingNetwork.privateEndpointsSubnetPrefix", addressPrefix: "10.50.1.0/29" },
      }),
    ).toThrow('Invalid `existingNetwork.privateEndpointsSubnetPrefix`: "10.50.1.0/29"; the private endpoints subnet needs /28 or larger');
  });

  it("checks only what is declared for an existing network", () => {
    const validated = validateSubnetPlan({
      environmentKind: "workload-profiles",
      infrastructure: {
        field: "existingNetwork.infrastructureSubnetPrefix",
        addressPrefix: "10.50.0.0/27",
        delegation: CONTAINER_APPS_DELEGATION,
      },
    });
    expect(validated.privateEndpoints).toBeUndefined();
    expect(validated.addressSpace).toEqual([]);
  });
});
