import {
  healthProbes,
  imageAllowedRegistry,
  imagePulledWithIdentity,
  imageDigestPinned,
  imageNoLatestTag,
  ingressHttpsOnly,
  ingressInternalOnly,
  ipRestrictionsAllowOnly,
  managedIdentity,
  namePattern,
  parseImage,
  probePathsDistinct,
  registryIdentity,
  registryPullRole,
  replicaBounds,
  resourceLimits,
  secretsFromKeyVault,
  sessionAffinityDisabled,
} from "../../policies/containerApps";
import { types } from "../../policies/resourceTypes";
import { containerApp, containerAppAtPreview, digest, identityId, registry, registryId, roleAssignment, roleDefinition } from "./fixtures";
import {
  Stack,
  mutate,
  privateBaseline,
  remediate,
  unknownArray,
  unknownBoolean,
  unknownNumber,
  unknownObject,
  unknownString,
  validate,
  validateStack,
} from "./support";

const container = (p: Record<string, unknown>) => (p as { template: { containers: Record<string, unknown>[] } }).template.containers[0]!;

describe("aca-ingress-https-only", () => {
  it("passes an app whose ingress refuses plain HTTP", async () => {
    expect((await validate(ingressHttpsOnly, containerApp)).violations).toEqual([]);
  });

  it("reports ingress that allows insecure traffic", async () => {
    const bad = mutate(containerApp, (p) => (p.configuration.ingress.allowInsecure = true));
    expect((await validate(ingressHttpsOnly, bad)).violations).toEqual([expect.stringContaining("allowInsecure to false")]);
  });

  it("passes an app without ingress", async () => {
    const noIngress = mutate(containerApp, (p) => delete p.configuration.ingress);
    expect((await validate(ingressHttpsOnly, noIngress)).violations).toEqual([]);
  });

  it("does not report allowInsecure that is unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (p.configuration.ingress.allowInsecure = unknownBoolean));
    expect((await validate(ingressHttpsOnly, unknown)).violations).toEqual([]);
  });

  it("remediates allowInsecure to false and keeps the rest of the app", async () => {
    const bad = mutate(containerApp, (p) => (p.configuration.ingress.allowInsecure = true));
    const fixed = await remediate(ingressHttpsOnly, bad);
    expect(fixed?.["configuration"].ingress.allowInsecure).toBe(false);
    expect(fixed?.["template"]).toEqual(containerApp["template"]);
  });

  it("leaves a compliant app alone when remediating", async () => {
    expect(await remediate(ingressHttpsOnly, containerApp)).toBeUndefined();
  });
});

describe("aca-managed-identity", () => {
  it("passes an app with a user-assigned identity", async () => {
    expect((await validate(managedIdentity, containerApp)).violations).toEqual([]);
  });

  it("reports an app without identity", async () => {
    const bad = mutate(containerApp, (p) => delete p.identity);
    expect((await validate(managedIdentity, bad)).violations).toEqual([expect.stringContaining("identity.type")]);
  });

  it("reports an app whose identity type is None", async () => {
    const bad = mutate(containerApp, (p) => (p.identity = { type: "None" }));
    expect((await validate(managedIdentity, bad)).violations).toEqual([expect.stringContaining("identity.type")]);
  });

  it("does not report an identity that is unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (p.identity = unknownObject));
    expect((await validate(managedIdentity, unknown)).violations).toEqual([]);
  });
});

describe("aca-registry-identity", () => {
  it("passes registries pulled with an identity, known or unknown", async () => {
    expect((await validate(registryIdentity, containerApp)).violations).toEqual([]);
    expect((await validate(registryIdentity, containerAppAtPreview)).violations).toEqual([]);
  });

  it("reports a registry pulled with a password", async () => {
    const bad = mutate(containerApp, (p) => (p.configuration.registries = [{ server: "webacr.azurecr.io", username: "webacr", passwordSecretRef: "acr-password" }]));
    expect((await validate(registryIdentity, bad)).violations).toEqual([expect.stringContaining("webacr.azurecr.io must be pulled with identity")]);
  });

  it("reports a registry without any credential", async () => {
    const bad = mutate(containerApp, (p) => delete p.configuration.registries[0].identity);
    expect((await validate(registryIdentity, bad)).violations).toEqual([expect.stringContaining("must set identity")]);
  });
});

describe("aca-secrets-key-vault", () => {
  it("passes Key Vault references, known or unknown", async () => {
    expect((await validate(secretsFromKeyVault, containerApp)).violations).toEqual([]);
    expect((await validate(secretsFromKeyVault, containerAppAtPreview)).violations).toEqual([]);
  });

  it("reports an inline secret value", async () => {
    const bad = mutate(containerApp, (p) => (p.configuration.secrets = [{ name: "token", value: "hunter2" }]));
    expect((await validate(secretsFromKeyVault, bad)).violations).toEqual([expect.stringContaining("Secret token must be a Key Vault reference")]);
  });

  it("reports an inline value even when the value itself is unknown", async () => {
    const bad = mutate(containerApp, (p) => (p.configuration.secrets = [{ name: "token", value: unknownString }]));
    expect((await validate(secretsFromKeyVault, bad)).violations).toEqual([expect.stringContaining("not an inline value")]);
  });

  it("reports a Key Vault reference without an identity", async () => {
    const bad = mutate(containerApp, (p) => delete p.configuration.secrets[0].identity);
    expect((await validate(secretsFromKeyVault, bad)).violations).toEqual([expect.stringContaining("db-password must set identity")]);
  });

  it("reports a secret with neither value nor Key Vault URL", async () => {
    const bad = mutate(containerApp, (p) => delete p.configuration.secrets[0].keyVaultUrl);
    expect((await validate(secretsFromKeyVault, bad)).violations).toEqual([expect.stringContaining("must set keyVaultUrl")]);
  });
});

describe("aca-health-probes", () => {
  it("passes a container with liveness, readiness and startup probes", async () => {
    expect((await validate(healthProbes, containerApp)).violations).toEqual([]);
  });

  it("reports a container without a readiness probe", async () => {
    const bad = mutate(containerApp, (p) => (container(p).probes = (container(p).probes as { type: string }[]).filter((probe) => probe.type !== "Readiness")));
    expect((await validate(healthProbes, bad)).violations).toEqual(['Container "web" must declare Readiness probe in probes.']);
  });

  it("reports a container without any probe", async () => {
    const bad = mutate(containerApp, (p) => delete container(p).probes);
    expect((await validate(healthProbes, bad)).violations).toEqual([expect.stringContaining("Liveness, Readiness, Startup probes")]);
  });

  it("requires only the configured probe types", async () => {
    const noStartup = mutate(containerApp, (p) => (container(p).probes = (container(p).probes as { type: string }[]).filter((probe) => probe.type !== "Startup")));
    expect((await validate(healthProbes, noStartup)).violations).toHaveLength(1);
    expect((await validate(healthProbes, noStartup, { config: { requiredProbes: ["Liveness", "Readiness"] } })).violations).toEqual([]);
  });

  it("does not report probes that are unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (container(p).probes = unknownArray));
    expect((await validate(healthProbes, unknown)).violations).toEqual([]);
  });
});

describe("aca-probe-paths-distinct", () => {
  it("passes readiness and liveness on different paths", async () => {
    expect((await validate(probePathsDistinct, containerApp)).violations).toEqual([]);
  });

  it("reports readiness and liveness on the same path", async () => {
    const bad = mutate(containerApp, (p) => ((container(p).probes as { httpGet: { path: string } }[])[1]!.httpGet.path = "/health"));
    expect((await validate(probePathsDistinct, bad)).violations).toEqual([expect.stringContaining("different paths (both use /health)")]);
  });

  it("passes the same path on different ports", async () => {
    const ports = mutate(containerApp, (p) => {
      const readiness = (container(p).probes as { httpGet: { path: string; port: number } }[])[1]!;
      readiness.httpGet = { path: "/health", port: 9000 };
    });
    expect((await validate(probePathsDistinct, ports)).violations).toEqual([]);
  });

  it("does not report a path that is unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => ((container(p).probes as { httpGet: { path: string } }[])[1]!.httpGet.path = unknownString));
    expect((await validate(probePathsDistinct, unknown)).violations).toEqual([]);
  });
});

describe("aca-resource-limits", () => {
  it("passes requests within the default limits", async () => {
    expect((await validate(resourceLimits, containerApp)).violations).toEqual([]);
  });

  it("reports a CPU request above the maximum", async () => {
    const bad = mutate(containerApp, (p) => ((container(p).resources as { cpu: number }).cpu = 8));
    expect((await validate(resourceLimits, bad)).violations).toEqual([expect.stringContaining("between 0.25 and 4 vCPU (resources.cpu is 8)")]);
  });

  it("reports a memory request above the maximum", async () => {
    const bad = mutate(containerApp, (p) => ((container(p).resources as { memory: string }).memory = "16Gi"));
    expect((await validate(resourceLimits, bad)).violations).toEqual([expect.stringContaining("between 0.5Gi and 8Gi of memory")]);
  });

  it("reports memory it cannot read", async () => {
    const bad = mutate(containerApp, (p) => ((container(p).resources as { memory: string }).memory = "lots"));
    expect((await validate(resourceLimits, bad)).violations).toEqual([expect.stringContaining('quantity such as "1Gi"')]);
  });

  it("applies configured limits", async () => {
    const config = { maxCpu: 0.25, maxMemoryGi: 0.5 };
    expect((await validate(resourceLimits, containerApp, { config })).violations).toEqual([
      expect.stringContaining("between 0.25 and 0.25 vCPU"),
      expect.stringContaining("between 0.5Gi and 0.5Gi"),
    ]);
  });

  it.each([".5Gi", "0.5Gi", "1.0Gi", "512Mi", "2G", "250Mb"])("accepts memory written as %s", async (memory) => {
    const written = mutate(containerApp, (p) => ((container(p).resources as { cpu: number; memory: string }) = { cpu: 0.25, memory }));
    const violations = (await validate(resourceLimits, written)).violations;
    expect(violations.filter((v) => v.includes("quantity"))).toEqual([]);
  });

  it("judges only the lower bounds on a dedicated workload profile", async () => {
    const big = mutate(containerApp, (p) => {
      p.workloadProfileName = "D8-profile";
      container(p).resources = { cpu: 6, memory: "24Gi" };
    });
    expect((await validate(resourceLimits, big)).violations).toEqual([]);
    const tiny = mutate(big, (p) => (container(p).resources = { cpu: 0.1, memory: "0.25Gi" }));
    expect((await validate(resourceLimits, tiny)).violations).toEqual([
      expect.stringContaining("at least 0.25 vCPU"),
      expect.stringContaining("at least 0.5Gi of memory"),
    ]);
  });

  it("keeps the Consumption maximum on the Consumption profile", async () => {
    const big = mutate(containerApp, (p) => {
      p.workloadProfileName = "Consumption";
      container(p).resources = { cpu: 6, memory: "12Gi" };
    });
    expect((await validate(resourceLimits, big)).violations).toHaveLength(2);
  });

  it("reads memory written in Mi", async () => {
    const mebibytes = mutate(containerApp, (p) => ((container(p).resources as { memory: string }).memory = "256Mi"));
    expect((await validate(resourceLimits, mebibytes)).violations).toEqual([expect.stringContaining("between 0.5Gi and 8Gi")]);
  });

  it("does not report requests that are unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (container(p).resources = { cpu: unknownNumber, memory: unknownString }));
    expect((await validate(resourceLimits, unknown)).violations).toEqual([]);
  });
});

describe("aca-replica-bounds", () => {
  it("passes scale to zero by default", async () => {
    expect((await validate(replicaBounds, containerApp)).violations).toEqual([]);
  });

  it("reports fewer replicas than a configured always-on minimum", async () => {
    expect((await validate(replicaBounds, containerApp, { config: { minReplicas: 2 } })).violations).toEqual([
      "template.scale.minReplicas must be at least 2 (is 0).",
    ]);
  });

  it("counts an absent minReplicas as ACA's default of 0", async () => {
    const absent = mutate(containerApp, (p) => delete p.template.scale);
    expect((await validate(replicaBounds, absent, { config: { minReplicas: 1 } })).violations).toEqual([expect.stringContaining("at least 1 (is 0)")]);
  });

  it("accepts every maximum ACA accepts by default (up to 1000)", async () => {
    const most = mutate(containerApp, (p) => (p.template.scale.maxReplicas = 1000));
    expect((await validate(replicaBounds, most)).violations).toEqual([]);
  });

  it("reports more replicas than ACA allows", async () => {
    const bad = mutate(containerApp, (p) => (p.template.scale.maxReplicas = 1001));
    expect((await validate(replicaBounds, bad)).violations).toEqual([expect.stringContaining("at most 1000 (is 1001)")]);
  });

  it("reports more replicas than a configured maximum", async () => {
    const bad = mutate(containerApp, (p) => (p.template.scale.maxReplicas = 50));
    expect((await validate(replicaBounds, bad, { config: { maxReplicas: 30 } })).violations).toEqual([expect.stringContaining("at most 30 (is 50)")]);
    expect((await validate(replicaBounds, bad, { config: { maxReplicas: 100 } })).violations).toEqual([]);
  });

  it("reports a minimum above the maximum", async () => {
    const bad = mutate(containerApp, (p) => (p.template.scale = { minReplicas: 5, maxReplicas: 2 }));
    expect((await validate(replicaBounds, bad)).violations).toEqual([expect.stringContaining("must not exceed maxReplicas")]);
  });

  it("does not report replicas that are unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (p.template.scale = { minReplicas: unknownNumber, maxReplicas: unknownNumber }));
    expect((await validate(replicaBounds, unknown, { config: { minReplicas: 2 } })).violations).toEqual([]);
  });
});

describe("aca-image-pulled-with-identity", () => {
  it("passes an image from the registry the app pulls from with its identity", async () => {
    expect((await validate(imagePulledWithIdentity, containerApp)).violations).toEqual([]);
  });

  it("reports an image from another registry than the one the pull settings name", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = `other.azurecr.io/web@sha256:${"e".repeat(64)}`));
    expect((await validate(imagePulledWithIdentity, bad)).violations).toEqual([
      expect.stringContaining("configuration.registries does not list other.azurecr.io with an identity"),
    ]);
  });

  it("reports a registry listed without an identity", async () => {
    const bad = mutate(containerApp, (p) => delete p.configuration.registries[0].identity);
    expect((await validate(imagePulledWithIdentity, bad)).violations).toHaveLength(1);
  });

  it("passes a public mcr.microsoft.com image pulled anonymously", async () => {
    const mcr = mutate(containerApp, (p) => {
      container(p).image = `mcr.microsoft.com/k8se/quickstart@sha256:${"f".repeat(64)}`;
      p.configuration.registries = [];
    });
    expect((await validate(imagePulledWithIdentity, mcr)).violations).toEqual([]);
  });
});

describe("aca-image-allowed-registry", () => {
  it("passes an image from an Azure container registry", async () => {
    expect((await validate(imageAllowedRegistry, containerApp)).violations).toEqual([]);
  });

  it("reports an image from Docker Hub", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = "nginx:1.27"));
    expect((await validate(imageAllowedRegistry, bad)).violations).toEqual([expect.stringContaining("nginx:1.27 comes from docker.io")]);
  });

  it("reports an init container image from a registry that is not allowed", async () => {
    const bad = mutate(containerApp, (p) => (p.template.initContainers = [{ name: "migrate", image: "ghcr.io/acme/migrate:1.0" }]));
    expect((await validate(imageAllowedRegistry, bad)).violations).toEqual([expect.stringContaining('Container "migrate"')]);
  });

  it("applies a configured list of registries", async () => {
    const mcr = mutate(containerApp, (p) => (container(p).image = "mcr.microsoft.com/k8se/quickstart:1.0"));
    const config = { allowedRegistries: ["mcr.microsoft.com"] };
    expect((await validate(imageAllowedRegistry, mcr, { config })).violations).toEqual([]);
    expect((await validate(imageAllowedRegistry, containerApp, { config })).violations).toHaveLength(1);
  });

  it("allows every registry when the list is empty", async () => {
    const hub = mutate(containerApp, (p) => (container(p).image = "nginx:1.27"));
    expect((await validate(imageAllowedRegistry, hub, { config: { allowedRegistries: [] } })).violations).toEqual([]);
  });

  it("does not report an image that is unknown at preview", async () => {
    expect((await validate(imageAllowedRegistry, containerAppAtPreview)).violations).toEqual([]);
  });
});

describe("aca-image-digest-pinned", () => {
  it("is advisory", () => {
    expect(imageDigestPinned.enforcementLevel).toBe("advisory");
  });

  it("passes an image referenced by digest", async () => {
    expect((await validate(imageDigestPinned, containerApp)).violations).toEqual([]);
  });

  it("reports an image referenced by tag", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = "webacr.azurecr.io/web:1.2.3"));
    expect((await validate(imageDigestPinned, bad)).violations).toEqual([expect.stringContaining("by digest")]);
  });

  it("does not report an image that is unknown at preview", async () => {
    expect((await validate(imageDigestPinned, containerAppAtPreview)).violations).toEqual([]);
  });
});

describe("aca-image-no-latest-tag", () => {
  it("passes images pinned by digest or version", async () => {
    expect((await validate(imageNoLatestTag, containerApp)).violations).toEqual([]);
    const tagged = mutate(containerApp, (p) => (container(p).image = "webacr.azurecr.io/web:1.2.3"));
    expect((await validate(imageNoLatestTag, tagged)).violations).toEqual([]);
  });

  it("reports the latest tag", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = "webacr.azurecr.io/web:latest"));
    expect((await validate(imageNoLatestTag, bad)).violations).toEqual([expect.stringContaining("not latest")]);
  });

  it("reports an image without tag, which means latest", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = "webacr.azurecr.io/web"));
    expect((await validate(imageNoLatestTag, bad)).violations).toEqual([expect.stringContaining("implicit latest")]);
  });

  it("reads a registry port as part of the host, not as a tag", async () => {
    const bad = mutate(containerApp, (p) => (container(p).image = "localhost:5000/web"));
    expect((await validate(imageNoLatestTag, bad)).violations).toEqual([expect.stringContaining("implicit latest")]);
  });
});

describe("parseImage", () => {
  it("splits registry, repository, tag and digest", () => {
    expect(parseImage(`webacr.azurecr.io/team/web:1.0@${digest}`)).toEqual({ registry: "webacr.azurecr.io", repository: "team/web", tag: "1.0", digest });
    expect(parseImage("nginx")).toEqual({ registry: "docker.io", repository: "nginx" });
    expect(parseImage("localhost:5000/web:2")).toEqual({ registry: "localhost:5000", repository: "web", tag: "2" });
  });
});

describe("aca-ingress-internal-only", () => {
  it("is off in the public baseline", async () => {
    const outcome = await validate(ingressInternalOnly, containerApp);
    expect(outcome.violations).toEqual([]);
    expect(outcome.notApplicable).toContain("private baseline");
  });

  it("reports external ingress in the private baseline", async () => {
    expect((await validate(ingressInternalOnly, containerApp, { config: privateBaseline })).violations).toEqual([
      expect.stringContaining("external to false"),
    ]);
  });

  it("passes internal ingress in the private baseline", async () => {
    const internal = mutate(containerApp, (p) => (p.configuration.ingress.external = false));
    expect((await validate(ingressInternalOnly, internal, { config: privateBaseline })).violations).toEqual([]);
  });

  it("does not report external that is unknown at preview", async () => {
    const unknown = mutate(containerApp, (p) => (p.configuration.ingress.external = unknownBoolean));
    expect((await validate(ingressInternalOnly, unknown, { config: privateBaseline })).violations).toEqual([]);
  });
});

describe("aca-ip-restrictions-allow-only", () => {
  it("passes allow rules", async () => {
    const allow = mutate(containerApp, (p) => (p.configuration.ingress.ipSecurityRestrictions = [{ name: "office", action: "Allow", ipAddressRange: "203.0.113.0/24" }]));
    expect((await validate(ipRestrictionsAllowOnly, allow)).violations).toEqual([]);
  });

  it("reports deny rules", async () => {
    const deny = mutate(containerApp, (p) => (p.configuration.ingress.ipSecurityRestrictions = [{ name: "bad-range", action: "Deny", ipAddressRange: "198.51.100.0/24" }]));
    expect((await validate(ipRestrictionsAllowOnly, deny)).violations).toEqual([expect.stringContaining("bad-range must use action Allow")]);
  });
});

describe("aca-session-affinity-disabled", () => {
  it("passes ingress without sticky sessions", async () => {
    expect((await validate(sessionAffinityDisabled, containerApp)).violations).toEqual([]);
  });

  it("reports sticky sessions", async () => {
    const sticky = mutate(containerApp, (p) => (p.configuration.ingress.stickySessions = { affinity: "sticky" }));
    expect((await validate(sessionAffinityDisabled, sticky)).violations).toEqual([expect.stringContaining('affinity to "none"')]);
  });
});

describe("aca-name-pattern", () => {
  it("passes a lower-case name", async () => {
    expect((await validate(namePattern, containerApp)).violations).toEqual([]);
  });

  it("reports names Azure refuses", async () => {
    for (const name of ["Web", "web--api", "-web", "web-", "a".repeat(33)]) {
      const bad = mutate(containerApp, (p) => (p.containerAppName = name));
      expect((await validate(namePattern, bad)).violations).toEqual([expect.stringContaining(`"${name}" must match`)]);
    }
  });

  it("applies a configured pattern", async () => {
    const config = { pattern: "^ca-[a-z]+$" };
    expect((await validate(namePattern, containerApp, { config })).violations).toEqual([expect.stringContaining("^ca-[a-z]+$")]);
    const prefixed = mutate(containerApp, (p) => (p.containerAppName = "ca-web"));
    expect((await validate(namePattern, prefixed, { config })).violations).toEqual([]);
  });

  it("does not report a name left to auto-naming or unknown", async () => {
    expect((await validate(namePattern, mutate(containerApp, (p) => delete p.containerAppName))).violations).toEqual([]);
    expect((await validate(namePattern, mutate(containerApp, (p) => (p.containerAppName = unknownString)))).violations).toEqual([]);
  });
});

describe("aca-registry-pull-role", () => {
  const identity = { resourceGroupName: "rg", resourceName: "web-id" };
  /** At preview: the login server, identity id and scope are unknown; only dependencies connect them. */
  const previewStack = new Stack()
    .add(types.userAssignedIdentity, "web-id", identity)
    .add(types.registry, "webacr", registry)
    .add(types.roleAssignment, "web-acrpull", roleAssignment, { from: { scope: ["webacr"], principalId: ["web-id"] } })
    .add(types.containerApp, "web", containerAppAtPreview, { from: { configuration: ["webacr", "web-id"], identity: ["web-id"] }, dependsOn: ["web-acrpull"] });

  it("passes when the pull identity holds AcrPull on the registry, connected only through dependencies", async () => {
    expect((await validateStack(registryPullRole, previewStack)).violations).toEqual([]);
  });

  it("reports an app whose pull identity holds no role on the registry", async () => {
    const outcome = await validateStack(registryPullRole, previewStack.without("web-acrpull"));
    expect(outcome.violations).toEqual([expect.stringContaining("pulls from registry webacr with identity web-id, which holds no AcrPull")]);
    expect(outcome.urns).toEqual([previewStack.urn("web")]);
  });

  it("reports a grant of another role", async () => {
    const push = previewStack.with("web-acrpull", { props: (p) => (p.roleDefinitionId = roleDefinition("4633458b-17de-408a-b874-0445c86b69e6")) });
    expect((await validateStack(registryPullRole, push)).violations).toHaveLength(1);
  });

  it("accepts the roles configured as pull roles", async () => {
    const push = previewStack.with("web-acrpull", { props: (p) => (p.roleDefinitionId = roleDefinition("8311e382-0749-4cb8-b61a-304f252e45ec")) });
    expect((await validateStack(registryPullRole, push)).violations).toHaveLength(1);
    const config = { pullRoleIds: ["7f951dda-4ed3-4680-a7ca-43fe172d538d", "8311e382-0749-4cb8-b61a-304f252e45ec"] };
    expect((await validateStack(registryPullRole, push, config)).violations).toEqual([]);
  });

  it("reports a grant to another principal", async () => {
    const other = previewStack
      .add(types.userAssignedIdentity, "other-id", { ...identity, resourceName: "other-id" })
      .with("web-acrpull", { wiring: { from: { scope: ["webacr"], principalId: ["other-id"] } } });
    expect((await validateStack(registryPullRole, other)).violations).toHaveLength(1);
  });

  it("reports a grant on another resource", async () => {
    const elsewhere = previewStack
      .add(types.vault, "web-kv", { resourceGroupName: "rg", vaultName: "web-kv" })
      .with("web-acrpull", { wiring: { from: { scope: ["web-kv"], principalId: ["web-id"] } } });
    expect((await validateStack(registryPullRole, elsewhere)).violations).toHaveLength(1);
  });

  it("connects known ids and login server by name after deploy", async () => {
    const deployed = new Stack()
      .add(types.userAssignedIdentity, "web-id", { ...identity, principalId: "11111111-1111-1111-1111-111111111111" })
      .add(types.registry, "webacr", registry)
      .add(types.roleAssignment, "web-acrpull", { ...roleAssignment, scope: registryId, principalId: "11111111-1111-1111-1111-111111111111" })
      .add(types.containerApp, "web", containerApp);
    expect((await validateStack(registryPullRole, deployed)).violations).toEqual([]);
    const wrongPrincipal = deployed.with("web-acrpull", { props: (p) => (p.principalId = "22222222-2222-2222-2222-222222222222") });
    expect((await validateStack(registryPullRole, wrongPrincipal)).violations).toHaveLength(1);
  });

  it("accepts a grant on the registry's resource group", async () => {
    const group = new Stack()
      .add(types.userAssignedIdentity, "web-id", identity)
      .add(types.registry, "webacr", registry)
      .add(types.roleAssignment, "web-acrpull", { ...roleAssignment, scope: "/subscriptions/sub/resourceGroups/rg" }, { from: { principalId: ["web-id"] } })
      .add(types.containerApp, "web", containerApp);
    expect((await validateStack(registryPullRole, group)).violations).toEqual([]);
  });

  it("accepts the app's system identity holding AcrPull", async () => {
    const system = previewStack
      .with("web", { props: (p) => (p.configuration.registries = [{ server: unknownString, identity: "system" }]) })
      .with("web-acrpull", { wiring: { from: { scope: ["webacr"], principalId: ["web"] } } });
    expect((await validateStack(registryPullRole, system)).violations).toEqual([]);
  });

  it("skips registries that are not part of the stack", async () => {
    const external = previewStack.without("web-acrpull").without("webacr").with("web", { wiring: { from: { configuration: ["web-id"] } } });
    expect((await validateStack(registryPullRole, external)).violations).toEqual([]);
  });

  it("does not report a grant whose role and scope are unknown", async () => {
    const unknownRole = previewStack.with("web-acrpull", {
      props: (p) => (p.roleDefinitionId = unknownString),
      wiring: { from: { principalId: ["web-id"] } },
    });
    expect((await validateStack(registryPullRole, unknownRole)).violations).toEqual([]);
  });

  it("uses the identity id to pick the identity when it is known", async () => {
    const known = previewStack
      .add(types.userAssignedIdentity, "other-id", { ...identity, resourceName: "other-id" })
      .with("web", { props: (p) => (p.configuration.registries = [{ server: "webacr.azurecr.io", identity: identityId }]) })
      .with("web-acrpull", { wiring: { from: { scope: ["webacr"], principalId: ["other-id"] } } });
    expect((await validateStack(registryPullRole, known)).violations).toEqual([expect.stringContaining("identity web-id")]);
  });
});
