/**
 * The two moments the engine judges a resource: at preview, with values computed from resources that
 * do not exist yet unknown, and at `pulumi up`, just before each resource is created, with them known.
 */
import { analyzerProperties } from "../harness/policyRunner";
import { record, type Recording } from "../harness/recorder";
import { analyze, type Diagnostic } from "./server";

const LOCATION = { "azure-native:location": "westeurope" };

async function recordPublicApp(preview: boolean): Promise<Recording> {
  return record(
    async () => {
      const { PublicContainerApp } = await import("../../components/publicContainerApp");
      // The refresh-token exchange runs only in an update; answer it here instead of the registry.
      new PublicContainerApp("web", {}, preview ? {} : { exchangeToken: async () => "refresh-token" });
    },
    { preview, config: LOCATION },
  );
}

async function judgeAll(recording: Recording): Promise<{ name: string; type: string; diagnostics: Diagnostic[] }[]> {
  const verdicts = [];
  for (const resource of recording.cloudResources) {
    verdicts.push({ name: resource.name, type: resource.type, diagnostics: await analyze(resource.type, analyzerProperties(resource.wireInputs), resource.name) });
  }
  return verdicts;
}

function notJudged(verdicts: { name: string; diagnostics: Diagnostic[] }[]): string[] {
  return verdicts.flatMap((v) => v.diagnostics.filter((d) => d.policyName === "preview-not-judged").map((d) => `${v.name}: ${d.message.split(" ").slice(4, 7).join(" ")}`));
}

describe("PublicContainerApp judged at preview and at pulumi up", () => {
  it("at preview: passes every mandatory rule, and says which container app rules could not judge what azure-native left unknown", async () => {
    const verdicts = await judgeAll(await recordPublicApp(true));
    expect(verdicts.flatMap((v) => v.diagnostics.filter((d) => d.enforcementLevel === "mandatory"))).toEqual([]);
    // The container app's configuration and template wait for the registry and the image; the pull
    // grant's scope is the registry's id.
    expect(notJudged(verdicts).sort()).toEqual([
      "web-acrpull: role-assignment-resource-scope reads `scope`,",
      "web-app: aca-health-probes reads `template`,",
      "web-app: aca-image-allowed-registry reads `template`,",
      "web-app: aca-image-digest-pinned reads `template`,",
      "web-app: aca-image-no-latest-tag reads `template`,",
      "web-app: aca-image-pulled-with-identity reads `configuration`,",
      "web-app: aca-ingress-https-only reads `configuration`,",
      "web-app: aca-ip-restrictions-allow-only reads `configuration`,",
      "web-app: aca-probe-paths-distinct reads `template`,",
      "web-app: aca-registry-identity reads `configuration`,",
      "web-app: aca-replica-bounds reads `template`,",
      "web-app: aca-resource-limits reads `template`,",
      "web-app: aca-secrets-key-vault reads `configuration`,",
      "web-app: aca-session-affinity-disabled reads `configuration`,",
      "web-app: arm-aca-probe-one-per-type reads `template`,",
      "web-app: arm-aca-probe-values reads `template`,",
    ]);
  }, 120_000);

  it("at pulumi up: every rule judges every resource (nothing is left unknown) and none fails", async () => {
    const verdicts = await judgeAll(await recordPublicApp(false));
    expect(notJudged(verdicts)).toEqual([]);
    expect(verdicts.flatMap((v) => v.diagnostics.filter((d) => d.enforcementLevel === "mandatory"))).toEqual([]);
    expect(verdicts.some((v) => v.type === "azure-native:app:ContainerApp")).toBe(true);
  }, 120_000);
});
