import * as fs from "node:fs";
import * as path from "node:path";
import { FAKE_AZURE } from "../harness/azureMocks";
import { RecordedAlias, RecordedResource, Recording, record } from "../harness/recorder";
import { DIGEST_REF } from "./support";

/**
 * Existing stacks must upgrade without replacing anything. `urns.before.json` holds the URN of every resource
 * the PublicContainerApp and PrivateContainerApp of version 0.1.0 registered, per scenario; each must still be
 * registered, under that URN or under a resource that names it as an alias (the engine then moves the state
 * over instead of deleting and recreating). Set RECORD_URNS=1 to rewrite the file from the current code.
 */
const FIXTURE = path.join(__dirname, "urns.before.json");
const HUB = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-hub/providers/Microsoft.Network`;
const SPOKE = `${HUB}/virtualNetworks/vnet-spoke`;

type Scenario = { component: "PublicContainerApp" | "PrivateContainerApp"; args: Record<string, unknown> };

const exchangeToken = async () => "acr-refresh-token";

const SCENARIOS: Record<string, Scenario> = {
  "public, defaults": { component: "PublicContainerApp", args: {} },
  "public, existing group and a ready image": {
    component: "PublicContainerApp",
    args: { resourceGroupName: "rg-existing", image: DIGEST_REF, environmentKind: "consumption-only", secrets: [] },
  },
  "private, defaults with written secrets": {
    component: "PrivateContainerApp",
    args: { secrets: [{ name: "db-password", env: "DB_PASSWORD", value: "s3cret" }, { name: "api-key" }] },
  },
  "private, spoke network, hub zones, external environment, allow-listed push": {
    component: "PrivateContainerApp",
    args: {
      existingNetwork: {
        virtualNetworkId: SPOKE,
        infrastructureSubnetId: `${SPOKE}/subnets/aca`,
        privateEndpointsSubnetId: `${SPOKE}/subnets/pe`,
      },
      privateDnsZoneIds: {
        registry: `${HUB}/privateDnsZones/privatelink.azurecr.io`,
        vault: `${HUB}/privateDnsZones/privatelink.vaultcore.azure.net`,
        blob: `${HUB}/privateDnsZones/privatelink.blob.core.windows.net`,
      },
      internal: false,
      externalIngress: true,
      imagePush: "allow-listed-ip",
      deployerIpAddress: "203.0.113.7",
    },
  },
};

const STACK = "pulumi:pulumi:Stack";

/**
 * A resource as the engine names it. The mock monitor prefixes a child's type with its parent's type only
 * (and a top-level resource's with the stack's); the engine prefixes the whole chain of parent types and
 * leaves the stack out. The comparison is made the engine's way.
 */
interface EngineResource {
  type: string;
  name: string;
  urn: string;
  /** The URNs its aliases resolve to. */
  aliases: string[];
}

function engineTypeChain(recording: Recording, resource: RecordedResource | undefined): string | undefined {
  if (!resource || resource.type === STACK) return undefined;
  const parentChain = engineTypeChain(recording, resource.parent ? recording.byUrn(resource.parent) : undefined);
  return parentChain ? `${parentChain}$${resource.type}` : resource.type;
}

function engineUrn(chain: string, name: string): string {
  return `urn:pulumi:test::pulumi-aca::${chain}::${name}`;
}

function resolveAlias(recording: Recording, resource: RecordedResource, alias: RecordedAlias): string {
  if (alias.urn) return alias.urn;
  const parent = alias.noParent ? undefined : recording.byUrn(alias.parentUrn ?? resource.parent ?? "");
  const parentChain = engineTypeChain(recording, parent);
  const type = alias.type ?? resource.type;
  return engineUrn(parentChain ? `${parentChain}$${type}` : type, alias.name ?? resource.name);
}

async function registered(scenario: Scenario): Promise<EngineResource[]> {
  const recording = await record(async () => {
    const components = await import("../../components");
    const Component = components[scenario.component] as unknown as new (name: string, args: object, opts?: object) => unknown;
    // The token exchange moved from args to options when args became expressible in every language.
    new Component("web", { exchangeToken, ...scenario.args }, { exchangeToken });
  });
  return recording.resources
    .filter((resource) => resource.type !== STACK)
    .map((resource) => ({
      type: resource.type,
      name: resource.name,
      urn: engineUrn(engineTypeChain(recording, resource)!, resource.name),
      aliases: resource.aliases.map((alias) => resolveAlias(recording, resource, alias)),
    }));
}

/** The URNs under which each registered resource is known to the engine: its own and its aliases. */
function knownUrns(resources: readonly EngineResource[]): Set<string> {
  return new Set(resources.flatMap((resource) => [resource.urn, ...resource.aliases]));
}

describe("URN compatibility with version 0.1.0", () => {
  const before: Record<string, string[]> = fs.existsSync(FIXTURE) ? JSON.parse(fs.readFileSync(FIXTURE, "utf8")) : {};

  if (process.env.RECORD_URNS === "1") {
    it("records the URNs of every scenario", async () => {
      const recorded: Record<string, string[]> = {};
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        recorded[name] = (await registered(scenario)).map((resource) => resource.urn).sort();
      }
      fs.writeFileSync(FIXTURE, `${JSON.stringify(recorded, null, 2)}\n`);
      expect(Object.keys(recorded)).toEqual(Object.keys(SCENARIOS));
    });
    return;
  }

  it("has a recorded URN list for every scenario", () => {
    expect(Object.keys(before).sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  it.each(Object.keys(SCENARIOS))("keeps or aliases every URN of %s", async (name) => {
    const resources = await registered(SCENARIOS[name]!);
    const known = knownUrns(resources);
    const lost = before[name]!.filter((urn) => !known.has(urn));
    expect(lost).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))("creates no cloud resource in %s that version 0.1.0 did not have", async (name) => {
    const resources = await registered(SCENARIOS[name]!);
    const cloud = resources.filter((resource) => !resource.type.startsWith("pulumi-aca:"));
    const known = new Set(before[name]!);
    expect(cloud.filter((resource) => ![resource.urn, ...resource.aliases].some((urn) => known.has(urn))).map((resource) => resource.urn)).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))("maps each old URN of %s to one resource only, of the same type and name", async (name) => {
    const resources = await registered(SCENARIOS[name]!);
    for (const urn of before[name]!) {
      const claimants = resources.filter((resource) => resource.urn === urn || resource.aliases.includes(urn));
      expect([urn, claimants.length]).toEqual([urn, 1]);
      const [type, resourceName] = [urn.split("::")[2]!.split("$").pop(), urn.split("::")[3]];
      const claimant = claimants[0]!;
      expect([claimant.type.replace(/^pulumi-aca:/, "aca:"), claimant.name]).toEqual([type, resourceName]);
    }
  });
});
