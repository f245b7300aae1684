import * as fs from "node:fs";
import * as path from "node:path";
import { PolicyDiagnostic, PolicyRunner, PolicyVerdict, UNKNOWN, judge } from "../harness/policyRunner";
import { RecordedResource, record } from "../harness/recorder";

const ROOT = path.join(__dirname, "..", "..");
const PACK = path.join(ROOT, "policies");
const packReady = fs.existsSync(path.join(PACK, "index.ts"));
const privateComponentReady = fs.existsSync(path.join(ROOT, "components", "privateContainerApp.ts"));
const LOCATION = { "azure-native:location": "westeurope" };

/** Violations that fail the private baseline, on top of those that fail both. */
const PRIVATE_ONLY_VIOLATIONS = [
  "aca-ingress-internal-only",
  "acr-private-link-sku",
  "acr-public-network-disabled",
  "env-internal",
  "env-vnet-injected",
  "kv-public-network-disabled",
  "storage-public-network-disabled",
];

/** What the insecure program breaks in every baseline. */
const VIOLATIONS = [
  "aca-health-probes",
  "aca-image-no-latest-tag",
  "aca-ingress-https-only",
  "aca-managed-identity",
  "aca-registry-identity",
  "aca-secrets-key-vault",
  "acr-admin-user-disabled",
  "acr-anonymous-pull-disabled",
  "kv-purge-protection",
  "kv-rbac-authorization",
  "storage-https-only",
  "storage-min-tls",
  "storage-no-public-blob-access",
  "storage-shared-key-disabled",
];

function describeDiagnostics(diagnostics: PolicyDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.policyName} on ${d.urn?.split("::").pop() ?? "the stack"}: ${d.message.replace(/\n/g, " ")}`);
}

function violated(verdict: PolicyVerdict, resourceName: string): string[] {
  const resource = verdict.resources.find((r) => r.name === resourceName);
  if (!resource) throw new Error(`No resource ${resourceName} in the verdict.`);
  return [...new Set(resource.diagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName))].sort();
}

async function recordInsecureProgram(): Promise<RecordedResource[]> {
  const recording = await record(
    () => {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../fixtures/programs/insecure");
      });
    },
    { preview: true, project: "insecure-container-app", stack: "dev" },
  );
  return recording.resources;
}

(packReady ? describe : describe.skip)("the policy pack, run as `pulumi preview --policy-pack policies` runs it", () => {
  const runners: Partial<Record<"public" | "private", PolicyRunner>> = {};

  async function runner(baseline: "public" | "private"): Promise<PolicyRunner> {
    runners[baseline] ??= await PolicyRunner.start({ packDir: PACK, env: { PULUMI_ACA_BASELINE: baseline }, startTimeoutMs: 170_000 });
    return runners[baseline];
  }

  afterAll(async () => {
    await Promise.all(Object.values(runners).map((r) => r.stop()));
  });

  it("describes every rule with a kebab-case name, a description and a default level", async () => {
    const info = await (await runner("public")).analyzerInfo();
    expect(info.name).toBe("pulumi-aca");
    const names = info.policies.map((p) => p.name);
    expect([...VIOLATIONS, ...PRIVATE_ONLY_VIOLATIONS].filter((name) => !names.includes(name))).toEqual([]);
    for (const policy of info.policies) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(policy.description).not.toBe("");
      expect(["advisory", "mandatory", "remediate", "disabled"]).toContain(policy.enforcementLevel);
    }
  }, 180_000);

  it("passes PublicContainerApp, recorded as in preview, on every mandatory public rule", async () => {
    const recording = await record(
      async () => {
        const { PublicContainerApp } = await import("../../components/publicContainerApp");
        new PublicContainerApp("web", {});
      },
      { preview: true, config: LOCATION },
    );
    expect(recording.ofType("azure-native:app:ContainerApp")).toHaveLength(1);
    const verdict = await judge(await runner("public"), recording.resources);
    expect(describeDiagnostics(verdict.mandatory)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.resources).toHaveLength(recording.resources.length);
  }, 180_000);

  it("passes PublicContainerApp, recorded as in an update where every value is known, on every mandatory public rule", async () => {
    const recording = await record(
      async () => {
        const { PublicContainerApp } = await import("../../components/publicContainerApp");
        // The refresh-token exchange runs only in an update; answer it here instead of the registry.
        new PublicContainerApp("web", {}, { exchangeToken: async () => "refresh-token" });
      },
      { preview: false, config: LOCATION },
    );
    const app = recording.one("azure-native:app:ContainerApp");
    expect(app.wireInputs.configuration).toEqual(expect.objectContaining({ ingress: expect.anything() }));
    const verdict = await judge(await runner("public"), recording.resources);
    expect(describeDiagnostics(verdict.mandatory)).toEqual([]);
  }, 180_000);

  (privateComponentReady ? it : it.skip)(
    "passes PrivateContainerApp, recorded as in preview, on every mandatory private rule",
    async () => {
      const recording = await record(
        async () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { PrivateContainerApp } = require(path.join(ROOT, "components", "privateContainerApp"));
          new PrivateContainerApp("web", {});
        },
        { preview: true, config: LOCATION },
      );
      expect(recording.ofType("azure-native:network:PrivateEndpoint").length).toBeGreaterThan(0);
      const verdict = await judge(await runner("private"), recording.resources);
      expect(describeDiagnostics(verdict.mandatory)).toEqual([]);
      expect(verdict.passed).toBe(true);
    },
    180_000,
  );

  it("fails a program of raw azure-native resources that breaks the rules, naming each broken rule", async () => {
    const verdict = await judge(await runner("public"), await recordInsecureProgram());
    expect(verdict.passed).toBe(false);
    const names = [...new Set(verdict.mandatory.map((d) => d.policyName))];
    expect(VIOLATIONS.filter((name) => !names.includes(name))).toEqual([]);
    expect(names).not.toEqual(expect.arrayContaining(PRIVATE_ONLY_VIOLATIONS.slice(0, 1)));
    expect(violated(verdict, "registry")).toEqual(expect.arrayContaining(["acr-admin-user-disabled", "acr-anonymous-pull-disabled"]));
    expect(violated(verdict, "app")).toEqual(
      expect.arrayContaining(["aca-health-probes", "aca-ingress-https-only", "aca-registry-identity", "aca-secrets-key-vault"]),
    );
    expect(violated(verdict, "vault")).toEqual(expect.arrayContaining(["kv-purge-protection", "kv-rbac-authorization"]));
    expect(violated(verdict, "storage")).toEqual(
      expect.arrayContaining(["storage-https-only", "storage-min-tls", "storage-no-public-blob-access", "storage-shared-key-disabled"]),
    );
    const https = verdict.mandatory.find((d) => d.policyName === "aca-ingress-https-only");
    expect(https?.message).toMatch(/allowInsecure/);
  }, 180_000);

  it("judges versioned and classic tokens with the same rules, and says which rules an unknown configuration left unjudged", async () => {
    const pack = await runner("public");
    const insecure = { configuration: { ingress: { external: true, targetPort: 8000, allowInsecure: true } } };
    const resource = (type: string, name: string, wireInputs: Record<string, unknown>) => ({ urn: `urn:pulumi:dev::tokens::${type}::${name}`, type, name, wireInputs });
    const versioned = await pack.analyze(resource("azure-native:app/v20240301:ContainerApp", "versioned", insecure));
    expect(versioned.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName)).toContain("aca-ingress-https-only");
    const classic = await pack.analyze(resource("azure:containerapp/app:App", "classic", { ingress: { externalEnabled: true, targetPort: 8000, allowInsecureConnections: true } }));
    expect(classic.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName)).toContain("aca-ingress-https-only");
    const unknown = await pack.analyze(resource("azure-native:app:ContainerApp", "unknown", { identity: { type: "SystemAssigned" }, configuration: UNKNOWN }));
    expect(unknown.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
    expect(unknown.filter((d) => d.policyName === "preview-not-judged").map((d) => d.message)).toContainEqual(
      expect.stringContaining("not judged at preview: aca-ingress-https-only reads `configuration`"),
    );
  }, 180_000);

  it("fails the same program on the private-only rules under the private baseline", async () => {
    const verdict = await judge(await runner("private"), await recordInsecureProgram());
    const names = [...new Set(verdict.mandatory.map((d) => d.policyName))];
    expect([...VIOLATIONS, ...PRIVATE_ONLY_VIOLATIONS].filter((name) => !names.includes(name))).toEqual([]);
  }, 180_000);
});
