import { baselineEnvironmentVariable, defaultBaseline, selectedBaseline } from "../../policies/baseline";
import { allPolicies } from "../../policies/catalog";
import { publicNetworkDisabled, registryPrivateEndpoint } from "../../policies/registries";
import { types } from "../../policies/resourceTypes";
import { registry } from "./fixtures";
import { Stack, validate, validateStack } from "./support";

describe("the baseline setting", () => {
  const saved = process.env[baselineEnvironmentVariable];
  afterEach(() => {
    if (saved === undefined) delete process.env[baselineEnvironmentVariable];
    else process.env[baselineEnvironmentVariable] = saved;
  });

  it("defaults to public", () => {
    expect(defaultBaseline({})).toBe("public");
    expect(defaultBaseline({ [baselineEnvironmentVariable]: "" })).toBe("public");
  });

  it("reads PULUMI_ACA_BASELINE, whatever its case", () => {
    expect(defaultBaseline({ [baselineEnvironmentVariable]: "Private" })).toBe("private");
  });

  it("refuses a baseline it does not know", () => {
    expect(() => defaultBaseline({ [baselineEnvironmentVariable]: "secret" })).toThrow('PULUMI_ACA_BASELINE must be "public" or "private", not "secret".');
  });

  it("lets a rule's baseline config override the environment", () => {
    expect(selectedBaseline({ baseline: "private" })).toBe("private");
    process.env[baselineEnvironmentVariable] = "private";
    expect(selectedBaseline({ baseline: "public" })).toBe("public");
    expect(selectedBaseline({})).toBe("private");
  });

  it("switches private-only rules on for the whole pack through the environment variable", async () => {
    delete process.env[baselineEnvironmentVariable];
    expect((await validate(publicNetworkDisabled, registry)).violations).toEqual([]);
    expect((await validateStack(registryPrivateEndpoint, new Stack().add(types.registry, "webacr", registry))).violations).toEqual([]);
    process.env[baselineEnvironmentVariable] = "private";
    expect((await validate(publicNetworkDisabled, registry)).violations).toHaveLength(1);
    expect((await validateStack(registryPrivateEndpoint, new Stack().add(types.registry, "webacr", registry))).violations).toHaveLength(1);
  });

  it("gives every private-only rule, and only those, a baseline config property (and preview-not-judged, which skips them in public)", () => {
    for (const policy of allPolicies) {
      const hasBaseline = policy.configSchema?.properties["baseline"] !== undefined;
      const expected = policy.metadata.baseline === "private" || policy.name === "preview-not-judged";
      expect([policy.name, hasBaseline]).toEqual([policy.name, expected]);
    }
  });

  it("takes the schema default from the environment when the pack loads", () => {
    process.env[baselineEnvironmentVariable] = "private";
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load under a changed environment
      const fresh = require("../../policies/registries") as typeof import("../../policies/registries");
      expect(fresh.publicNetworkDisabled.configSchema?.properties["baseline"]).toEqual(expect.objectContaining({ default: "private", enum: ["public", "private"] }));
    });
  });
});
