import { unknownCheckingProxy } from "@pulumi/policy";
import { UNKNOWN, armName, at, globToRegExp, isUnknown, lastSegment, list, memoryGi, num, parseArmId, prefixLength, propsOf } from "../../policies/util";
import { unknownArray, unknownBoolean, unknownObject, unknownString } from "./support";

describe("reading properties behind the policy server's unknown-checking proxy", () => {
  const props = unknownCheckingProxy({ known: { flag: true }, later: unknownString, nested: { list: unknownArray } });

  it("throws when a naive rule touches an unknown value (what the rules avoid)", () => {
    expect(() => (props as Record<string, unknown>)["later"]).toThrow("can't be known during preview");
  });

  it("reads known values and returns UNKNOWN for unknown ones instead of throwing", () => {
    const p = propsOf(props);
    expect(at(p, "known", "flag")).toBe(true);
    expect(at(p, "later")).toBe(UNKNOWN);
    expect(at(p, "later", "deeper")).toBe(UNKNOWN);
    expect(at(p, "missing", "deeper")).toBeUndefined();
    expect(list(at(p, "nested", "list"))).toBe(UNKNOWN);
    expect(list(at(p, "missing"))).toEqual([]);
  });

  it("recognises every unknown sentinel", () => {
    for (const sentinel of [unknownString, unknownBoolean, unknownArray, unknownObject]) expect(isUnknown(sentinel)).toBe(true);
    expect(isUnknown("04da6b54")).toBe(false);
    expect(num(unknownString)).toBeUndefined();
  });
});

describe("ARM ids", () => {
  it("parses subscription, group, provider and nested names", () => {
    const id = parseArmId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/infra");
    expect(id).toEqual({
      subscription: "s",
      resourceGroup: "rg",
      provider: "microsoft.network",
      segments: [
        { type: "virtualnetworks", name: "v" },
        { type: "subnets", name: "infra" },
      ],
    });
    expect(armName(id, "subnets")).toBe("infra");
    expect(parseArmId("/providers/Microsoft.Authorization/roleDefinitions/7f951dda")?.segments).toEqual([{ type: "roledefinitions", name: "7f951dda" }]);
  });

  it("refuses what is not an ARM id", () => {
    expect(parseArmId(unknownString)).toBeUndefined();
    expect(parseArmId("webacr.azurecr.io")).toBeUndefined();
    expect(parseArmId("/nonsense/x")).toBeUndefined();
  });

  it("takes the last segment of a role definition id", () => {
    expect(lastSegment("/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d")).toBe("7f951dda-4ed3-4680-a7ca-43fe172d538d");
  });
});

describe("quantities", () => {
  it("reads memory in GiB", () => {
    expect(memoryGi("1Gi")).toBe(1);
    expect(memoryGi("0.5Gi")).toBe(0.5);
    expect(memoryGi("512Mi")).toBe(0.5);
    expect(memoryGi("2")).toBe(2);
    expect(memoryGi(".5Gi")).toBe(0.5);
    expect(memoryGi("1.0Gi")).toBe(1);
    expect(memoryGi("1.Gi")).toBe(1);
    expect(memoryGi(" 1.5 Gi ")).toBe(1.5);
    expect(memoryGi("1Ti")).toBe(1024);
    expect(memoryGi("250Mb")).toBeCloseTo(0.2328, 4);
    expect(memoryGi("2G")).toBeCloseTo(1.8626, 4);
    expect(memoryGi("a lot")).toBeUndefined();
    expect(memoryGi(".")).toBeUndefined();
    expect(memoryGi("1Gib")).toBeUndefined();
    expect(memoryGi("1Xi")).toBeUndefined();
  });

  it("reads CIDR prefix lengths", () => {
    expect(prefixLength("10.0.0.0/23")).toBe(23);
    expect(prefixLength("fd00::/64")).toBe(64);
    expect(prefixLength("10.0.0.0")).toBeUndefined();
  });

  it("matches registry globs case-insensitively and anchored", () => {
    expect(globToRegExp("*.azurecr.io").test("WebAcr.azurecr.io")).toBe(true);
    expect(globToRegExp("*.azurecr.io").test("evil.azurecr.io.example.com")).toBe(false);
  });
});
