import type * as pulumi from "@pulumi/pulumi";

/** The engine's sentinel for a value unknown until the resource exists (the same in every SDK copy). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The ids the mocked Azure answers with: one fake subscription, tenant and deployer. */
export const FAKE_AZURE = {
  subscriptionId: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-000000000002",
  deployerObjectId: "00000000-0000-4000-8000-000000000003",
  deployerClientId: "00000000-0000-4000-8000-000000000004",
  location: "westeurope",
} as const;

type Properties = Record<string, unknown>;

/** Input that carries each azure-native resource's own name, by type token. */
const NAME_INPUTS: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:app:ContainerApp": "containerAppName",
  "azure-native:app:ManagedEnvironment": "environmentName",
  "azure-native:app:ManagedCertificate": "managedCertificateName",
  "azure-native:app:Certificate": "certificateName",
  "azure-native:app:DaprComponent": "componentName",
  "azure-native:app:ManagedEnvironmentsStorage": "storageName",
  "azure-native:containerregistry:Registry": "registryName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:operationalinsights:Workspace": "workspaceName",
  "azure-native:applicationinsights:Component": "resourceName",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:keyvault:Secret": "secretName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:network:Subnet": "subnetName",
  "azure-native:network:NetworkSecurityGroup": "networkSecurityGroupName",
  "azure-native:network:PrivateEndpoint": "privateEndpointName",
  "azure-native:network:PrivateDnsZoneGroup": "privateDnsZoneGroupName",
  "azure-native:privatedns:PrivateZone": "privateZoneName",
  "azure-native:privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
  "azure-native:privatedns:PrivateRecordSet": "relativeRecordSetName",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
};

/** ARM provider namespace and resource type path, by type token, for realistic ids. */
const ARM_TYPES: Record<string, string> = {
  "azure-native:app:ContainerApp": "Microsoft.App/containerApps",
  "azure-native:app:ManagedEnvironment": "Microsoft.App/managedEnvironments",
  "azure-native:containerregistry:Registry": "Microsoft.ContainerRegistry/registries",
  "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  "azure-native:applicationinsights:Component": "Microsoft.Insights/components",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
  "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
  "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
};

function stableHex(text: string, length: number): string {
  let hash = 2166136261;
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (const ch of `${round}:${text}`) {
      hash ^= ch.charCodeAt(0);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    out += hash.toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

/** A GUID derived from a text, so mocked principal ids are stable across runs. */
export function stableGuid(text: string): string {
  const hex = stableHex(text, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function azureName(type: string, logicalName: string, inputs: Properties): string {
  const input = NAME_INPUTS[type];
  const given = input ? inputs[input] : undefined;
  return typeof given === "string" ? given : logicalName;
}

function armId(type: string, name: string, inputs: Properties): string {
  const group = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : "rg";
  const base = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${group}`;
  if (type === "azure-native:resources:ResourceGroup") return base;
  if (type === "azure-native:network:Subnet") {
    return `${base}/providers/Microsoft.Network/virtualNetworks/${String(inputs.virtualNetworkName)}/subnets/${name}`;
  }
  if (type === "azure-native:authorization:RoleAssignment") {
    return `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  }
  const armType = ARM_TYPES[type] ?? `Mock.${type.split(":")[1] ?? "unknown"}/${type.split(":")[2] ?? "unknown"}`;
  return `${base}/providers/${armType}/${name}`;
}

/**
 * The outputs Azure computes for a resource (those a program reads back), derived from its inputs.
 * Deterministic, so snapshots and assertions are stable.
 */
function computedOutputs(type: string, name: string, inputs: Properties): Properties {
  const location = typeof inputs.location === "string" ? inputs.location : FAKE_AZURE.location;
  switch (type) {
    case "azure-native:containerregistry:Registry":
      return { loginServer: `${name.toLowerCase()}.azurecr.io` };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        principalId: stableGuid(`principal:${name}`),
        clientId: stableGuid(`client:${name}`),
        tenantId: FAKE_AZURE.tenantId,
      };
    case "azure-native:operationalinsights:Workspace":
      return { customerId: stableGuid(`workspace:${name}`) };
    case "azure-native:applicationinsights:Component":
      return {
        instrumentationKey: stableGuid(`ikey:${name}`),
        connectionString: `InstrumentationKey=${stableGuid(`ikey:${name}`)};IngestionEndpoint=https://${location}.in.applicationinsights.azure.com/`,
        appId: stableGuid(`appid:${name}`),
      };
    case "azure-native:app:ManagedEnvironment":
      return {
        defaultDomain: `${stableHex(`domain:${name}`, 12)}.${location}.azurecontainerapps.io`,
        staticIp: "10.0.0.62",
      };
    case "azure-native:app:ContainerApp": {
      const fqdn = `${name}.${stableHex(`domain:${name}`, 12)}.${location}.azurecontainerapps.io`;
      const configuration = (inputs.configuration ?? {}) as Properties;
      const ingress = configuration.ingress as Properties | undefined;
      return {
        latestRevisionName: `${name}--${revisionSuffix(inputs) ?? stableHex(`rev:${name}`, 7)}`,
        latestRevisionFqdn: fqdn,
        outboundIpAddresses: ["20.0.0.1"],
        identity: withPrincipal(inputs.identity, name),
        configuration: ingress ? { ...configuration, ingress: { ...ingress, fqdn } } : configuration,
      };
    }
    case "azure-native:keyvault:Vault":
      return {
        properties: { ...((inputs.properties ?? {}) as Properties), vaultUri: `https://${name}.vault.azure.net/` },
      };
    case "azure-native:storage:StorageAccount":
      return { primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
    case "docker-build:index:Image": {
      const digest = `sha256:${stableHex(`digest:${name}:${JSON.stringify(inputs.tags ?? [])}`, 64)}`;
      const tags = Array.isArray(inputs.tags) ? (inputs.tags as string[]) : [];
      // In preview a tag built from an unknown login server is itself unknown.
      const repository = (typeof tags[0] === "string" ? tags[0] : name).replace(/:[^:/]+$/, "");
      return { digest, ref: `${repository}@${digest}` };
    }
    default:
      return {};
  }
}

/** Azure names a revision `<app>--<suffix>`, the suffix given in the template or generated. */
function revisionSuffix(inputs: Properties): string | undefined {
  const suffix = ((inputs.template ?? {}) as Properties).revisionSuffix;
  return typeof suffix === "string" && suffix !== "" ? suffix : undefined;
}

function withPrincipal(identity: unknown, name: string): unknown {
  if (!identity || typeof identity !== "object") return identity;
  const type = String((identity as Properties).type ?? "");
  if (!type.includes("SystemAssigned")) return identity;
  return { ...(identity as Properties), principalId: stableGuid(`system:${name}`), tenantId: FAKE_AZURE.tenantId };
}

/** Replaces every leaf of a computed-outputs object with the engine's unknown sentinel. */
function unknownLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return UNKNOWN_VALUE;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownLeaves(v)]));
  }
  return UNKNOWN_VALUE;
}

function mergeUnknowns(inputs: Properties, unknowns: Properties): Properties {
  const merged: Properties = { ...inputs };
  for (const [key, value] of Object.entries(unknowns)) {
    const existing = merged[key];
    if (existing && typeof existing === "object" && !Array.isArray(existing) && value && typeof value === "object") {
      merged[key] = mergeUnknowns(existing as Properties, value as Properties);
    } else if (existing === undefined || value !== UNKNOWN_VALUE) {
      merged[key] = value;
    }
  }
  return merged;
}

/** Properties that hold inline child resources of a network resource, each with its own ARM id. */
const CHILD_COLLECTIONS = new Set([
  "subnets",
  "securityRules",
  "virtualNetworkPeerings",
  "ipConfigurations",
  "privateLinkServiceConnections",
  "manualPrivateLinkServiceConnections",
  "frontendIPConfigurations",
  "backendAddressPools",
  "loadBalancingRules",
  "inboundNatRules",
]);

/**
 * Inline child resources (a VNet's `subnets`, an NSG's `securityRules`: arrays of named objects) get the id
 * Azure gives them, `<parent id>/<property>/<name>`; at preview, where the parent does not exist yet, that id
 * is unknown, as `pulumi preview` shows it.
 */
function withChildIds(inputs: Properties, parentId: string | undefined): Properties {
  const result: Properties = { ...inputs };
  for (const [key, value] of Object.entries(inputs)) {
    if (!CHILD_COLLECTIONS.has(key) || !Array.isArray(value)) continue;
    const named = value.every((item) => item && typeof item === "object" && !Array.isArray(item) && typeof (item as Properties).name === "string");
    if (!named || value.length === 0) continue;
    result[key] = value.map((item: Properties) =>
      "id" in item && item.id !== undefined ? item : { ...item, id: parentId === undefined ? UNKNOWN_VALUE : `${parentId}/${key}/${String(item.name)}` },
    );
  }
  return result;
}

/** `azure-native:<module>:get<Resource>` → the resource's type token, when the mocks know the type. */
function lookedUpType(token: string): string | undefined {
  const match = /^azure-native:([^:]+):get([A-Z]\w*)$/.exec(token);
  if (!match) return undefined;
  const type = `azure-native:${match[1]}:${match[2]}`;
  return type in NAME_INPUTS ? type : undefined;
}

/**
 * An existing resource as a lookup returns it: the arguments it was named by, its ARM id, type and
 * location, and the computed properties Azure reports (a registry's login server, an environment's
 * default domain, an identity's principal id…). An existing resource is already created, so nothing is
 * unknown, in preview as in update.
 */
function existingResource(type: string, inputs: Properties): Properties {
  const name = azureName(type, String(inputs[NAME_INPUTS[type]!] ?? type.split(":")[2]), inputs);
  const armType = ARM_TYPES[type];
  return {
    ...inputs,
    ...computedOutputs(type, name, inputs),
    id: armId(type, name, inputs),
    name,
    location: FAKE_AZURE.location,
    ...(armType ? { type: armType } : {}),
  };
}

/** The mocks, plus the invokes they could not answer (the recorder reports those by name). */
export interface AzureMocks extends pulumi.runtime.Mocks {
  unansweredInvokes(): string[];
}

/**
 * Mocks that answer like Azure: inputs echoed back as state, plus the computed outputs a program reads.
 * In preview, as with `pulumi preview`, ids and computed outputs of resources are unknown.
 */
export function azureMocks(preview: boolean): AzureMocks {
  const unanswered = new Set<string>();
  return {
    unansweredInvokes: () => [...unanswered],
    newResource(args: pulumi.runtime.MockResourceArgs) {
      const inputs = args.inputs as Properties;
      const name = azureName(args.type, args.name, inputs);
      const computed = { name, ...computedOutputs(args.type, name, inputs) };
      if (!args.custom) return { id: undefined, state: inputs };
      if (preview) {
        const { name: _name, ...rest } = computed;
        const state = mergeUnknowns(withChildIds({ ...inputs, name }, undefined), unknownLeaves(rest) as Properties);
        return { id: undefined, state };
      }
      const id = armId(args.type, name, inputs);
      return { id, state: withChildIds({ ...inputs, ...computed }, id) };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      const looked = lookedUpType(args.token);
      if (looked) return existingResource(looked, args.inputs as Properties);
      switch (args.token) {
        case "azure-native:containerregistry:listRegistryCredentials":
          // Only answered when the admin user is on; the rules forbid it, but a program may still read it.
          return {
            username: String(args.inputs.registryName),
            passwords: [
              { name: "password", value: `mock-password-${stableHex(`acr:${String(args.inputs.registryName)}`, 16)}` },
              { name: "password2", value: `mock-password2-${stableHex(`acr2:${String(args.inputs.registryName)}`, 16)}` },
            ],
          };
        case "azure-native:authorization:getClientConfig":
          return {
            clientId: FAKE_AZURE.deployerClientId,
            objectId: FAKE_AZURE.deployerObjectId,
            subscriptionId: FAKE_AZURE.subscriptionId,
            tenantId: FAKE_AZURE.tenantId,
          };
        case "azure-native:authorization:getClientToken":
          return { token: "mock-entra-access-token" };
        case "azure-native:operationalinsights:getSharedKeys":
          return {
            primarySharedKey: `mock-primary-key-${stableHex(`key:${String(args.inputs.workspaceName)}`, 16)}`,
            secondarySharedKey: `mock-secondary-key-${stableHex(`key2:${String(args.inputs.workspaceName)}`, 16)}`,
          };
        case "azure-native:resources:getResourceGroup":
          return {
            id: `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${String(args.inputs.resourceGroupName)}`,
            name: args.inputs.resourceGroupName,
            location: FAKE_AZURE.location,
          };
        default:
          unanswered.add(args.token);
          throw new Error(`The offline plan cannot answer the invoke ${args.token}.`);
      }
    },
  };
}
