import {
  healthProbes,
  imageAllowedRegistry,
  imageDigestPinned,
  imageNoLatestTag,
  ingressHttpsOnly,
  managedIdentity,
  registryIdentity,
  resourceLimits,
  secretsFromKeyVault,
} from "../../policies/containerApps";
import { types } from "../../policies/resourceTypes";
import { job } from "./fixtures";
import { mutate, validate } from "./support";

const asJob = { type: types.job };
const jobRules = [managedIdentity, registryIdentity, secretsFromKeyVault, resourceLimits, imageAllowedRegistry, imageDigestPinned, imageNoLatestTag];

describe("container app jobs (azure-native:app:Job)", () => {
  it("pass every rule that applies to them when they pull and read secrets with their identity", async () => {
    for (const rule of jobRules) expect([rule.name, (await validate(rule, job, asJob)).violations]).toEqual([rule.name, []]);
  });

  it("are not judged by the rules about ingress and probes, which jobs do not have", async () => {
    expect((await validate(ingressHttpsOnly, job, asJob)).notApplicable).toMatch(/only applies to resources of type/);
    expect((await validate(healthProbes, job, asJob)).notApplicable).toMatch(/only applies to resources of type/);
  });

  it("need a managed identity", async () => {
    const bad = mutate(job, (p) => delete p.identity);
    expect((await validate(managedIdentity, bad, asJob)).violations).toEqual([expect.stringMatching(/^Job must set identity.type/)]);
  });

  it("pull with their identity, never a registry password", async () => {
    const bad = mutate(job, (p) => (p.configuration.registries = [{ server: "webacr.azurecr.io", username: "webacr", passwordSecretRef: "acr-password" }]));
    expect((await validate(registryIdentity, bad, asJob)).violations).toEqual([expect.stringContaining("must be pulled with identity")]);
  });

  it("read secrets from Key Vault, never inline", async () => {
    const bad = mutate(job, (p) => (p.configuration.secrets = [{ name: "db-password", value: "hunter2" }]));
    expect((await validate(secretsFromKeyVault, bad, asJob)).violations).toEqual([expect.stringContaining("not an inline value")]);
  });

  it("judge the init container's image and resources like the main container's", async () => {
    const latest = mutate(job, (p) => (p.template.initContainers[0].image = "webacr.azurecr.io/migrate:latest"));
    expect((await validate(imageNoLatestTag, latest, asJob)).violations).toEqual([expect.stringContaining('Container "migrate"')]);
    const big = mutate(job, (p) => (p.template.initContainers[0].resources = { cpu: 8, memory: "16Gi" }));
    expect((await validate(resourceLimits, big, asJob)).violations).toEqual([
      expect.stringContaining('Container "migrate" must request between'),
      expect.stringContaining('Container "migrate" must request between'),
    ]);
  });

  it("judge every container of the template, sidecars included", async () => {
    const sidecar = mutate(job, (p) => p.template.containers.push({ name: "shipper", image: "docker.io/fluent/fluent-bit", resources: { cpu: 0.25, memory: "0.5Gi" } }));
    expect((await validate(imageAllowedRegistry, sidecar, asJob)).violations).toEqual([expect.stringContaining('Container "shipper"')]);
    expect((await validate(imageNoLatestTag, sidecar, asJob)).violations).toEqual([expect.stringContaining('Container "shipper"')]);
    expect((await validate(imageDigestPinned, sidecar, asJob)).violations).toEqual([expect.stringContaining('Container "shipper"')]);
  });
});
