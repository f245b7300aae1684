/**
 * Rules for container apps (`azure-native:app:ContainerApp`, classic `azure:containerapp/app:App`) and,
 * where they apply, container app jobs (`azure-native:app:Job`): ingress, identity, secrets, probes,
 * images, scale. A rule over containers judges every container of the template (the main one and its
 * sidecars) and, where the setting exists on them, its init containers.
 */
import type { PolicyResource } from "@pulumi/policy";
import { azureName, dependsThrough, isOfType, labelOf, names, ofType, props, refersTo, sourcesOf, types, type Match } from "./graph";
import { roleIds } from "./roles";
import { classicTypes } from "./resourceTypes";
import { resourceRule, stackRule, tunables, type AcaPolicy } from "./rule";
import {
  UNKNOWN,
  armName,
  at,
  globToRegExp,
  knownList,
  lastSegment,
  list,
  memoryGi,
  num,
  objectAt,
  parseArmId,
  peek,
  present,
  sameName,
  sameText,
  str,
  type JsonObject,
} from "./util";

/** The types judged by the rules that apply to every workload: apps (both providers) and jobs. */
const workloads = [types.containerApp, classicTypes.containerApp, types.job];
/** The types judged by the rules about apps only (ingress, probes, scale). */
const apps = [types.containerApp, classicTypes.containerApp];

/** What a message calls the resource ("Container app", "Job"). */
function workloadNoun(type: string): string {
  return type === types.job ? "Job" : "Container app";
}

/**
 * The containers of the template with a label for messages: every entry of `containers` (the main
 * container and its sidecars) and, with `includeInit`, the init containers that run before them.
 */
function containers(p: JsonObject, includeInit = false): { label: string; container: unknown }[] {
  const keys = includeInit ? ["containers", "initContainers"] : ["containers"];
  const found: { label: string; container: unknown }[] = [];
  for (const key of keys) {
    knownList(at(p, "template", key)).forEach((container, index) => {
      const name = str(peek(container, "name"));
      found.push({ label: name ? `"${name}"` : key === "initContainers" ? `init #${index + 1}` : `#${index + 1}`, container });
    });
  }
  return found;
}

function ingressOf(p: JsonObject): unknown {
  return at(p, "configuration", "ingress");
}

export const ingressHttpsOnly = resourceRule(apps, {
  name: "aca-ingress-https-only",
  description: "Container app ingress accepts HTTPS only (allowInsecure is false).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 0e80e269",
  validate: (p, { report }) => {
    if (at(ingressOf(p), "allowInsecure") === true) {
      report("Ingress must set configuration.ingress.allowInsecure to false so plain HTTP is redirected to HTTPS.");
    }
  },
  remediate: (p) => {
    const ingress = objectAt(p, "configuration", "ingress");
    if (!ingress || ingress["allowInsecure"] !== true) return false;
    ingress["allowInsecure"] = false;
    return true;
  },
});

export const managedIdentity = resourceRule(workloads, {
  name: "aca-managed-identity",
  description: "Container apps and jobs have a managed identity.",
  enforcementLevel: "mandatory",
  source: "Azure Policy b874ab2d",
  validate: (p, { report, args }) => {
    const identity = at(p, "identity");
    if (identity === UNKNOWN) return;
    const type = at(identity, "type");
    if (type === UNKNOWN) return;
    if (type === undefined || sameText(type, "None")) {
      report(`${workloadNoun(args.type)} must set identity.type to UserAssigned (or SystemAssigned) so it reaches Azure without stored credentials.`);
    }
  },
});

export const registryIdentity = resourceRule(workloads, {
  name: "aca-registry-identity",
  description: "Container apps and jobs pull images with a managed identity, never a registry password.",
  enforcementLevel: "mandatory",
  // https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
  source: "Learn container-apps/managed-identity-image-pull",
  validate: (p, { report }) => {
    knownList(at(p, "configuration", "registries")).forEach((registry, index) => {
      const server = str(peek(registry, "server")) ?? `#${index + 1}`;
      if (present(registry, "passwordSecretRef") === true || present(registry, "username") === true) {
        report(`Registry ${server} must be pulled with identity instead of username/passwordSecretRef.`);
      } else if (present(registry, "identity") === false) {
        report(`Registry ${server} must set identity to a managed identity (resource id or "system") that holds AcrPull.`);
      }
    });
  },
});

export const secretsFromKeyVault = resourceRule(workloads, {
  name: "aca-secrets-key-vault",
  description: "Container app and job secrets are Key Vault references read with a managed identity, never inline values.",
  enforcementLevel: "mandatory",
  // "Avoid specifying the value of a secret directly in a production environment":
  // https://learn.microsoft.com/azure/container-apps/manage-secrets
  source: "Learn container-apps/manage-secrets",
  validate: (p, { report }) => {
    knownList(at(p, "configuration", "secrets")).forEach((secret, index) => {
      const name = str(peek(secret, "name")) ?? `#${index + 1}`;
      if (present(secret, "value") === true) {
        report(`Secret ${name} must be a Key Vault reference (keyVaultUrl and identity), not an inline value.`);
        return;
      }
      if (present(secret, "keyVaultUrl") === false) report(`Secret ${name} must set keyVaultUrl to a Key Vault secret URI.`);
      if (present(secret, "identity") === false) {
        report(`Secret ${name} must set identity to a managed identity that holds Key Vault Secrets User.`);
      }
    });
  },
});

const probeTypes = ["Liveness", "Readiness", "Startup"];

export const healthProbes = resourceRule(apps, {
  name: "aca-health-probes",
  description: "Every container declares liveness, readiness and startup probes.",
  enforcementLevel: "mandatory",
  // PSRule asks for HTTP liveness and readiness probes on HTTP ingress; this rule also asks for a
  // startup probe, of any kind. https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.HealthProbe/
  source: "PSRule Azure.ContainerApp.HealthProbe",
  tunables: tunables(
    { requiredProbes: probeTypes },
    { requiredProbes: { type: "array", items: { type: "string", enum: probeTypes }, description: "Probe types every container must declare." } },
  ),
  validate: (p, { report, config }) => {
    for (const { label, container } of containers(p)) {
      const probes = list(at(container, "probes"));
      if (probes === UNKNOWN) continue;
      const declared = probes.map((probe) => at(probe, "type"));
      if (declared.includes(UNKNOWN)) continue;
      const missing = config.requiredProbes.filter((type) => !declared.some((d) => sameText(d, type)));
      if (missing.length > 0) {
        report(`Container ${label} must declare ${missing.join(", ")} probe${missing.length > 1 ? "s" : ""} in probes.`);
      }
    }
  },
});

function httpProbe(probes: unknown[], type: string): { path?: string; port?: number } | undefined {
  const probe = probes.find((candidate) => sameText(at(candidate, "type"), type));
  if (probe === undefined || at(probe, "httpGet") === undefined) return undefined;
  return { path: str(at(probe, "httpGet", "path")) ?? undefined, port: num(at(probe, "httpGet", "port")) };
}

export const probePathsDistinct = resourceRule(apps, {
  name: "aca-probe-paths-distinct",
  description: "Readiness and liveness probes use different endpoints.",
  enforcementLevel: "mandatory",
  // No upstream rule checks this; Learn describes the two probes' different jobs (restart vs. take
  // out of rotation): https://learn.microsoft.com/azure/container-apps/health-probes
  source: "Learn container-apps/health-probes",
  validate: (p, { report }) => {
    for (const { label, container } of containers(p)) {
      const probes = knownList(at(container, "probes"));
      const liveness = httpProbe(probes, "Liveness");
      const readiness = httpProbe(probes, "Readiness");
      if (!liveness?.path || !readiness?.path) continue;
      const samePort = liveness.port === undefined || readiness.port === undefined || liveness.port === readiness.port;
      if (samePort && liveness.path === readiness.path) {
        report(
          `Container ${label} must serve readiness and liveness on different paths (both use ${liveness.path}), ` +
            "so a busy replica is taken out of rotation instead of being restarted.",
        );
      }
    }
  },
});

export const resourceLimits = resourceRule(workloads, {
  name: "aca-resource-limits",
  description: "Container CPU and memory requests stay within the configured limits.",
  enforcementLevel: "mandatory",
  // The defaults are the Consumption profile's per-replica range, 0.25–4 vCPU and 0.5–8 GiB:
  // https://learn.microsoft.com/azure/container-apps/workload-profiles-overview
  source: "Learn container-apps/workload-profiles-overview",
  tunables: tunables(
    { minCpu: 0.25, maxCpu: 4, minMemoryGi: 0.5, maxMemoryGi: 8 },
    {
      minCpu: { type: "number", minimum: 0, description: "Smallest CPU request (vCPU) per container." },
      maxCpu: { type: "number", minimum: 0, description: "Largest CPU request (vCPU) per container." },
      minMemoryGi: { type: "number", minimum: 0, description: "Smallest memory request (GiB) per container." },
      maxMemoryGi: { type: "number", minimum: 0, description: "Largest memory request (GiB) per container." },
    },
  ),
  validate: (p, { report, config }) => {
    // A dedicated workload profile gives a replica as much as its node size (up to 32 vCPU and
    // 256 GiB), which the rule cannot see: there it judges only the lower bounds.
    const profile = at(p, "workloadProfileName");
    const consumption = profile === undefined || profile === "" || sameText(profile, "Consumption");
    const maxCpu = consumption ? config.maxCpu : Infinity;
    const maxMemoryGi = consumption ? config.maxMemoryGi : Infinity;
    for (const { label, container } of containers(p, true)) {
      const cpu = num(at(container, "resources", "cpu"));
      if (cpu !== undefined && (cpu < config.minCpu || cpu > maxCpu)) {
        const allowed = maxCpu === Infinity ? `at least ${config.minCpu}` : `between ${config.minCpu} and ${maxCpu}`;
        report(`Container ${label} must request ${allowed} vCPU (resources.cpu is ${cpu}).`);
      }
      const memoryValue = str(at(container, "resources", "memory"));
      if (memoryValue === undefined) continue;
      const memory = memoryGi(memoryValue);
      if (memory === undefined) {
        report(`Container ${label} must write resources.memory as a quantity such as "1Gi" or "0.5Gi" (is "${memoryValue}").`);
      } else if (memory < config.minMemoryGi || memory > maxMemoryGi) {
        const allowed = maxMemoryGi === Infinity ? `at least ${config.minMemoryGi}Gi` : `between ${config.minMemoryGi}Gi and ${maxMemoryGi}Gi`;
        report(`Container ${label} must request ${allowed} of memory (resources.memory is ${memoryValue}).`);
      }
    }
  },
});

/**
 * ACA's own defaults when `template.scale` leaves them out, and the most replicas it lets an app
 * configure: https://learn.microsoft.com/azure/container-apps/scale-app,
 * https://learn.microsoft.com/azure/container-apps/quotas
 */
const acaDefaultMinReplicas = 0;
const acaDefaultMaxReplicas = 10;
const acaMostReplicas = 1000;

export const replicaBounds = resourceRule(apps, {
  name: "aca-replica-bounds",
  description: "Minimum and maximum replicas stay within the configured bounds.",
  enforcementLevel: "mandatory",
  // The defaults accept every value ACA accepts (0–1000, scale to zero included). PSRule
  // Azure.ContainerApp.MinReplicas asks production apps for 2 or more: set minReplicas to 2 for that.
  source: "Learn container-apps/scale-app",
  tunables: tunables(
    { minReplicas: 0, maxReplicas: acaMostReplicas },
    {
      minReplicas: {
        type: "integer",
        minimum: 0,
        description: "Lowest allowed template.scale.minReplicas; 2 or more (PSRule Azure.ContainerApp.MinReplicas) keeps an app always on across zones.",
      },
      maxReplicas: { type: "integer", minimum: 1, description: "Highest allowed template.scale.maxReplicas." },
    },
  ),
  validate: (p, { report, config }) => {
    const scale = at(p, "template", "scale");
    if (scale === UNKNOWN) return;
    const minValue = at(scale, "minReplicas");
    const maxValue = at(scale, "maxReplicas");
    const min = minValue === undefined ? acaDefaultMinReplicas : num(minValue);
    const max = maxValue === undefined ? acaDefaultMaxReplicas : num(maxValue);
    if (min !== undefined && min < config.minReplicas) {
      report(`template.scale.minReplicas must be at least ${config.minReplicas} (is ${min}).`);
    }
    if (max !== undefined && max > config.maxReplicas) {
      report(`template.scale.maxReplicas must be at most ${config.maxReplicas} (is ${max}).`);
    }
    if (min !== undefined && max !== undefined && min > max) {
      report(`template.scale.minReplicas (${min}) must not exceed maxReplicas (${max}).`);
    }
  },
});

/** An image reference split into registry host, repository, tag and digest. */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses `registry/repo:tag@sha256:…` the way Docker does (no host part means Docker Hub). */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const atSign = rest.indexOf("@");
  if (atSign >= 0) {
    digest = rest.slice(atSign + 1);
    rest = rest.slice(0, atSign);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasHost ? first.toLowerCase() : "docker.io",
    repository: hasHost ? rest.slice(slash + 1) : rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function images(p: JsonObject): { label: string; image: string }[] {
  const found: { label: string; image: string }[] = [];
  for (const { label, container } of containers(p, true)) {
    const image = str(at(container, "image"));
    if (image !== undefined) found.push({ label, image });
  }
  return found;
}

export const imageAllowedRegistry = resourceRule(workloads, {
  name: "aca-image-allowed-registry",
  description: "Container images come only from the allowed registries.",
  enforcementLevel: "mandatory",
  // "All workloads should be pulled from your private container registry and not public registries":
  // https://github.com/Azure/aca-landing-zone-accelerator/blob/main/scenarios/aca-internal/bicep/modules/05-hello-world-sample-app/deploy.hello-world.bicep
  source: "ACA landing zone",
  tunables: tunables(
    { allowedRegistries: ["*.azurecr.io"] },
    {
      allowedRegistries: {
        type: "array",
        items: { type: "string" },
        description: "Registry hosts images may come from; `*` matches any characters. An empty list allows every registry.",
      },
    },
  ),
  validate: (p, { report, config }) => {
    if (config.allowedRegistries.length === 0) return;
    const allowed = config.allowedRegistries.map(globToRegExp);
    for (const { label, image } of images(p)) {
      const { registry } = parseImage(image);
      if (!allowed.some((pattern) => pattern.test(registry))) {
        report(`Container ${label} must use an image from ${config.allowedRegistries.join(", ")}; ${image} comes from ${registry}.`);
      }
    }
  },
});

export const imagePulledWithIdentity = resourceRule(workloads, {
  name: "aca-image-pulled-with-identity",
  description: "Each container's image comes from a registry the app pulls from with a managed identity.",
  enforcementLevel: "mandatory",
  // https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
  source: "Learn container-apps/managed-identity-image-pull",
  tunables: tunables(
    { anonymousRegistries: ["mcr.microsoft.com"] },
    {
      anonymousRegistries: {
        type: "array",
        items: { type: "string" },
        description: "Public registries apps pull from without credentials; `*` matches any characters.",
      },
    },
  ),
  validate: (p, { report, config }) => {
    const registries = at(p, "configuration", "registries");
    if (registries === UNKNOWN || knownList(registries).some((entry) => at(entry, "server") === UNKNOWN)) return;
    const anonymous = config.anonymousRegistries.map(globToRegExp);
    const pulledWithIdentity = knownList(registries)
      .filter((entry) => at(entry, "identity") !== undefined)
      .map((entry) => str(at(entry, "server"))?.toLowerCase());
    for (const { label, image } of images(p)) {
      const { registry } = parseImage(image);
      if (anonymous.some((pattern) => pattern.test(registry)) || pulledWithIdentity.includes(registry)) continue;
      report(
        `Container ${label} runs ${image}, but configuration.registries does not list ${registry} with an identity: ` +
          `pull it with { server: "${registry}", identity: <a managed identity holding AcrPull on it> }, or the revision cannot start.`,
      );
    }
  },
});

export const imageDigestPinned = resourceRule(workloads, {
  name: "aca-image-digest-pinned",
  description: "Container images are pinned by digest.",
  enforcementLevel: "advisory",
  // https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version
  source: "Learn container-registry/container-registry-image-tag-version",
  validate: (p, { report }) => {
    for (const { label, image } of images(p)) {
      if (!parseImage(image).digest?.startsWith("sha256:")) {
        report(`Container ${label} must reference its image by digest (${image} → repository@sha256:…) so every change makes a new revision.`);
      }
    }
  },
});

export const imageNoLatestTag = resourceRule(workloads, {
  name: "aca-image-no-latest-tag",
  description: "Container images name a version or digest, never `latest`.",
  enforcementLevel: "mandatory",
  // Deploy with unique tags, not stable ones such as latest:
  // https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version
  source: "Learn container-registry/container-registry-image-tag-version",
  validate: (p, { report }) => {
    for (const { label, image } of images(p)) {
      const { tag, digest } = parseImage(image);
      if (digest === undefined && (tag === undefined || tag === "latest")) {
        report(`Container ${label} must use a version tag or a digest, not ${tag === undefined ? "the implicit latest" : "latest"} (${image}).`);
      }
    }
  },
});

export const ingressInternalOnly = resourceRule(apps, {
  name: "aca-ingress-internal-only",
  description: "Container app ingress is not exposed outside the VNet (private baseline).",
  enforcementLevel: "mandatory",
  source: "Azure Policy 783ea2a8",
  baseline: "private",
  validate: (p, { report }) => {
    if (at(ingressOf(p), "external") === true) {
      report("Ingress must set configuration.ingress.external to false in the private baseline; reach the app through the VNet.");
    }
  },
});

export const ipRestrictionsAllowOnly = resourceRule(apps, {
  name: "aca-ip-restrictions-allow-only",
  description: "Ingress IP restrictions are allow-lists, never deny-lists.",
  enforcementLevel: "mandatory",
  source: "PSRule Azure.ContainerApp.RestrictIngress",
  validate: (p, { report }) => {
    knownList(at(ingressOf(p), "ipSecurityRestrictions")).forEach((rule, index) => {
      const action = str(at(rule, "action"));
      if (action !== undefined && !sameText(action, "Allow")) {
        const name = str(peek(rule, "name")) ?? `#${index + 1}`;
        report(`IP restriction ${name} must use action Allow: list the ranges that may call the app instead of those that may not.`);
      }
    });
  },
});

export const sessionAffinityDisabled = resourceRule(types.containerApp, {
  name: "aca-session-affinity-disabled",
  description: "Ingress does not pin clients to one replica (no sticky sessions).",
  enforcementLevel: "advisory",
  source: "PSRule Azure.ContainerApp.DisableAffinity",
  validate: (p, { report }) => {
    if (sameText(at(ingressOf(p), "stickySessions", "affinity"), "sticky")) {
      report('Ingress must set stickySessions.affinity to "none" so load spreads over every replica; keep session state outside the app.');
    }
  },
});

export const namePattern = resourceRule(apps, {
  name: "aca-name-pattern",
  description: "Container app names follow the naming pattern.",
  enforcementLevel: "mandatory",
  source: "PSRule Azure.ContainerApp.Name",
  tunables: tunables(
    { pattern: "^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$" },
    { pattern: { type: "string", description: "Regular expression containerAppName must match." } },
  ),
  validate: (p, { report, config }) => {
    const name = str(at(p, "containerAppName"));
    if (name !== undefined && !new RegExp(config.pattern).test(name)) {
      report(`containerAppName "${name}" must match ${config.pattern}.`);
    }
  },
});

/** Does registry resource `registry` serve `server` (known login server)? */
function servesLoginServer(registry: PolicyResource, server: string): boolean | undefined {
  const name = azureName(registry);
  if (name === undefined) return undefined;
  const host = server.toLowerCase().split("/")[0] ?? "";
  return host.split(".")[0] === name.toLowerCase();
}

/** Registry resources in the stack that a registry entry of `app` pulls from. */
function registriesServing(app: PolicyResource, server: unknown, resources: PolicyResource[]): PolicyResource[] {
  const registries = ofType(resources, types.registry);
  const known = str(server);
  if (known !== undefined) {
    const named = registries.filter((r) => servesLoginServer(r, known) === true);
    if (named.length > 0) return named;
    return registries.filter((r) => servesLoginServer(r, known) === undefined && dependsThrough(app, "configuration", r));
  }
  return registries.filter((r) => dependsThrough(app, "configuration", r));
}

/** The identities in the stack a registry entry names: the app itself for "system", else user-assigned ones. */
function identitiesNamed(app: PolicyResource, identity: unknown, resources: PolicyResource[]): PolicyResource[] {
  if (sameText(identity, "system")) return [app];
  const identities = ofType(resources, types.userAssignedIdentity);
  const id = parseArmId(identity);
  if (id) {
    const name = armName(id, "userAssignedIdentities");
    return identities.filter((r) => sameName(azureName(r), name) || (azureName(r) === undefined && dependsThrough(app, "configuration", r)));
  }
  const fromConfiguration = sourcesOf(app, "configuration").filter((r) => isOfType(r, types.userAssignedIdentity));
  return fromConfiguration.length > 0 ? fromConfiguration : identities.filter((r) => dependsThrough(app, "identity", r));
}

/** Does a role assignment's scope cover the registry (the registry itself, or a known enclosing group)? */
function scopeCovers(assignment: PolicyResource, registry: PolicyResource): Match {
  const scope = at(props(assignment), "scope");
  const direct = refersTo(assignment, "scope", scope, registry, "registries");
  if (direct !== false) return direct;
  const id = parseArmId(scope);
  if (!id || id.provider !== undefined) return false;
  const group = str(at(props(registry), "resourceGroupName"));
  if (id.resourceGroup === undefined) return true;
  return group === undefined ? undefined : sameName(id.resourceGroup, group);
}

/** Is the assignment's principal the identity (by dependency, or by principal ids known after deploy)? */
function principalIs(assignment: PolicyResource, identity: PolicyResource): Match {
  const path = isOfType(identity, types.containerApp) ? ["identity", "principalId"] : ["principalId"];
  return names(assignment, "principalId", str(at(props(assignment), "principalId")), identity, str(at(props(identity), ...path)));
}

export const registryPullRole = stackRule({
  name: "aca-registry-pull-role",
  description: "Each container app pulls with an identity that holds AcrPull on that registry.",
  enforcementLevel: "mandatory",
  // https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
  source: "Learn container-apps/managed-identity-image-pull",
  resourceTypes: [types.containerApp, types.registry, types.roleAssignment],
  tunables: tunables(
    { pullRoleIds: [roleIds.acrPull] },
    { pullRoleIds: { type: "array", items: { type: "string" }, description: "Role definition ids (GUIDs) that grant pulling images." } },
  ),
  validate: (resources, { report, config }) => {
    const assignments = ofType(resources, types.roleAssignment);
    const pullRoles = config.pullRoleIds.map((id) => id.toLowerCase());
    for (const app of ofType(resources, types.containerApp)) {
      const p = props(app);
      for (const entry of knownList(at(p, "configuration", "registries"))) {
        const identity = at(entry, "identity");
        if (identity === undefined) continue;
        const registries = registriesServing(app, at(entry, "server"), resources);
        if (registries.length !== 1) continue;
        const registry = registries[0]!;
        const identities = identitiesNamed(app, identity, resources);
        const granted = assignments.some((assignment) => {
          const role = lastSegment(at(props(assignment), "roleDefinitionId"));
          if (role !== undefined && !pullRoles.includes(role.toLowerCase())) return false;
          if (scopeCovers(assignment, registry) === false) return false;
          if (identities.length === 0) return true;
          return identities.some((candidate) => principalIs(assignment, candidate) !== false);
        });
        if (!granted) {
          const registryName = labelOf(registry);
          const identityName = identities.length === 1 ? (identities[0] === app ? "its system identity" : `identity ${identities[0]!.name}`) : "its pull identity";
          report(
            `Container app ${app.name} pulls from registry ${registryName} with ${identityName}, which holds no AcrPull ` +
              "role assignment on that registry: grant AcrPull scoped to the registry (before the app is created).",
            app.urn,
          );
        }
      }
    }
  },
});

export const containerAppPolicies: AcaPolicy[] = [
  ingressHttpsOnly,
  managedIdentity,
  registryIdentity,
  secretsFromKeyVault,
  healthProbes,
  probePathsDistinct,
  resourceLimits,
  replicaBounds,
  imageAllowedRegistry,
  imagePulledWithIdentity,
  imageDigestPinned,
  imageNoLatestTag,
  ingressInternalOnly,
  ipRestrictionsAllowOnly,
  sessionAffinityDisabled,
  namePattern,
  registryPullRole,
];
