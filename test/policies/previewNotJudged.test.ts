import { allPolicies } from "../../policies/catalog";
import { notJudgedPrefix } from "../../policies/previewNotJudged";
import { classicTypes, types } from "../../policies/resourceTypes";
import { classicApp, containerApp, containerAppAtPreview, job, registry, vault } from "./fixtures";
import { analyze, named } from "./server";
import { mutate, privateBaseline, unknownObject, unknownString, validate, type Props } from "./support";

const notJudged = allPolicies.find((p) => p.name === "preview-not-judged")!;

/** Rule name → the message preview-not-judged gave for it. */
async function unjudged(props: Props, settings: { type?: string; config?: Props } = {}): Promise<Map<string, string>> {
  const { violations } = await validate(notJudged, props, { type: types.containerApp, ...settings });
  for (const message of violations) expect(message.startsWith(`${notJudgedPrefix} `)).toBe(true);
  return new Map(violations.map((message) => [message.split(" ")[4]!, message]));
}

describe("preview-not-judged", () => {
  it("is advisory, so it never fails a preview by itself", () => {
    expect(notJudged.enforcementLevel).toBe("advisory");
  });

  it("names each rule that reads a configuration azure-native left unknown, and says when it is judged", async () => {
    const found = await unjudged({ ...containerApp, configuration: unknownObject });
    expect([...found.keys()].sort()).toEqual([
      "aca-image-pulled-with-identity",
      "aca-ingress-https-only",
      "aca-ip-restrictions-allow-only",
      "aca-registry-identity",
      "aca-secrets-key-vault",
      "aca-session-affinity-disabled",
    ]);
    expect(found.get("aca-ingress-https-only")).toBe(
      "not judged at preview: aca-ingress-https-only reads `configuration`, which is unknown until the resources it is computed from exist; " +
        "it is judged again at `pulumi up`, before the container app is created.",
    );
  });

  it("names the template rules when the template is unknown", async () => {
    const found = await unjudged({ ...containerApp, template: unknownObject });
    expect([...found.keys()].sort()).toEqual([
      "aca-health-probes",
      "aca-image-allowed-registry",
      "aca-image-digest-pinned",
      "aca-image-no-latest-tag",
      "aca-image-pulled-with-identity",
      "aca-probe-paths-distinct",
      "aca-replica-bounds",
      "aca-resource-limits",
      "arm-aca-probe-one-per-type",
      "arm-aca-probe-values",
    ]);
  });

  it("names the exact property when only a value deep inside is unknown (an image built in the same update)", async () => {
    const found = await unjudged(containerAppAtPreview);
    expect([...found.keys()].sort()).toEqual(["aca-image-allowed-registry", "aca-image-digest-pinned", "aca-image-no-latest-tag", "aca-image-pulled-with-identity"]);
    expect(found.get("aca-image-no-latest-tag")).toContain("reads `template.containers[0].image`, which is unknown");
  });

  it("does not count an unknown id a rule only needs to be set (a pull identity, a Key Vault URL) nor a name used in messages", async () => {
    const found = await unjudged(containerAppAtPreview);
    expect(found.has("aca-registry-identity")).toBe(false);
    expect(found.has("aca-secrets-key-vault")).toBe(false);
  });

  it("reports nothing when every value a rule reads is known", async () => {
    expect((await unjudged(containerApp)).size).toBe(0);
    expect((await unjudged(registry, { type: types.registry })).size).toBe(0);
  });

  it("lists private-only rules only in the private baseline", async () => {
    const props = { ...containerApp, configuration: unknownObject };
    expect((await unjudged(props)).has("aca-ingress-internal-only")).toBe(false);
    expect((await unjudged(props, { config: privateBaseline })).has("aca-ingress-internal-only")).toBe(true);
  });

  it("lists several unknown properties of one rule together", async () => {
    const found = await unjudged(mutate(vault, (p) => ((p.properties.publicNetworkAccess = unknownString), (p.properties.networkAcls = unknownObject))), {
      type: types.vault,
    });
    expect(found.get("kv-network-acl-default-deny")).toContain("reads `properties.publicNetworkAccess` and `properties.networkAcls`, which are unknown");
  });

  it("covers jobs and classic resources, naming the classic property", async () => {
    expect([...(await unjudged({ ...job, configuration: unknownObject }, { type: types.job })).keys()].sort()).toEqual([
      "aca-image-pulled-with-identity",
      "aca-registry-identity",
      "aca-secrets-key-vault",
    ]);
    const classic = await unjudged({ ...classicApp, ingress: unknownObject }, { type: classicTypes.containerApp });
    expect(classic.get("aca-ingress-https-only")).toContain("reads `ingress`, which is unknown");
  });

  it("through the policy server: the mandatory rules pass an app whose configuration is unknown, and the advisory names them", async () => {
    const insecureButUnknown = { ...containerApp, configuration: unknownObject };
    const diagnostics = await analyze(types.containerApp, insecureButUnknown);
    expect(named(diagnostics, "mandatory")).toEqual([]);
    const advisories = diagnostics.filter((d) => d.policyName === "preview-not-judged").map((d) => d.message);
    expect(advisories).toContainEqual(expect.stringMatching(/^not judged at preview: aca-ingress-https-only reads `configuration`/));
  });
});
