import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Analyzer, type AnalyzeResult, type PropertyDefinition } from "@pulumi/pulumi/provider/experimental/analyzer";

/**
 * `pulumi package add` on this package runs Pulumi's component analyzer over its TypeScript source and
 * generates an SDK for the consumer's language from what it infers. This runs the same analyzer, from the
 * installed @pulumi/pulumi, and checks the schema it would produce.
 */
const ROOT = path.join(__dirname, "..", "..");
const COMPONENTS = ["ContainerAppsPlatform", "ContainerAppService", "ContainerAppJob", "PublicContainerApp", "PrivateContainerApp"];

let result: AnalyzeResult;

beforeAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const packageJson = require(path.join(ROOT, "package.json"));
  result = new Analyzer(ROOT, "pulumi-aca", packageJson, new Set(COMPONENTS)).analyze();
}, 240_000);

function input(component: string, property: string): PropertyDefinition {
  const found = result.components[component]?.inputs[property];
  if (!found) throw new Error(`${component} has no input ${property}; it has ${Object.keys(result.components[component]?.inputs ?? {}).join(", ")}`);
  return found;
}

function typeOf(definition: PropertyDefinition): string {
  return "$ref" in definition ? definition.$ref : definition.type;
}

describe("the schema Pulumi's component analyzer infers from the package", () => {
  it("finds every component, each with a description", () => {
    expect(Object.keys(result.components).sort()).toEqual([...COMPONENTS].sort());
    for (const component of COMPONENTS) expect([component, result.components[component]!.description]).toEqual([component, expect.stringMatching(/\S{20}/)]);
  });

  it("documents every input and every output", () => {
    for (const component of COMPONENTS) {
      const { inputs, outputs } = result.components[component]!;
      for (const [name, definition] of [...Object.entries(inputs), ...Object.entries(outputs)]) {
        expect([component, name, definition.description ?? ""]).toEqual([component, name, expect.stringMatching(/\S/)]);
      }
    }
  });

  it("types the platform's inputs, with Inputs where another stack's outputs are passed", () => {
    expect(input("ContainerAppsPlatform", "resourceGroupName")).toMatchObject({ type: "string", optional: true });
    expect(input("ContainerAppsPlatform", "resourceGroupName").plain).toBeUndefined();
    expect(input("ContainerAppsPlatform", "namePrefix")).toMatchObject({ type: "string", optional: true, plain: true });
    expect(typeOf(input("ContainerAppsPlatform", "environmentKind"))).toBe("#/types/pulumi-aca:index:EnvironmentKind");
    expect(typeOf(input("ContainerAppsPlatform", "registrySku"))).toBe("#/types/pulumi-aca:index:RegistrySku");
    expect(input("ContainerAppsPlatform", "workloadProfiles")).toMatchObject({ type: "array", items: { $ref: "#/types/pulumi-aca:index:DedicatedWorkloadProfile" } });
    expect(input("ContainerAppsPlatform", "tags")).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(typeOf(input("ContainerAppsPlatform", "privateNetwork"))).toBe("#/types/pulumi-aca:index:PlatformNetworkArgs");
  });

  it("types the service's inputs: the platform by ids, the image as an Input, no function-typed arg", () => {
    expect(input("ContainerAppService", "platform")).toMatchObject({ $ref: "#/types/pulumi-aca:index:PlatformReference" });
    expect(input("ContainerAppService", "platform").optional).toBeUndefined();
    expect(input("ContainerAppService", "image")).toMatchObject({ type: "string", optional: true });
    expect(input("ContainerAppService", "image").plain).toBeUndefined();
    expect(typeOf(input("ContainerAppService", "ingress"))).toBe("#/types/pulumi-aca:index:IngressMode");
    expect(input("ContainerAppService", "cpu")).toMatchObject({ type: "number", optional: true });
    expect(input("ContainerAppService", "keyVaultIds")).toMatchObject({ type: "array", items: { type: "string" } });
    for (const component of COMPONENTS) expect(Object.keys(result.components[component]!.inputs)).not.toContain("exchangeToken");
    const reference = result.typeDefinitions.PlatformReference!;
    expect(Object.keys(reference.properties ?? {}).sort()).toEqual(
      ["environmentId", "environmentKind", "location", "registryId", "registryLoginServer", "registryPushServer", "resourceGroupName"].sort(),
    );
    expect(reference.properties!.environmentId).toMatchObject({ type: "string" });
    expect(reference.properties!.environmentId!.optional).toBeUndefined();
  });

  it("maps Input<T> args to T's schema type without `plain`, so every language may pass an Output: names, cpu, memory, profile, service name, pull registries, for services and jobs", () => {
    for (const component of ["ContainerAppService", "ContainerAppJob", "PublicContainerApp", "PrivateContainerApp"]) {
      expect([component, input(component, "cpu")]).toEqual([component, expect.objectContaining({ type: "number", optional: true })]);
      expect([component, input(component, "memory")]).toEqual([component, expect.objectContaining({ type: "string", optional: true })]);
      expect([component, input(component, "cpu").plain, input(component, "memory").plain, input(component, "serviceName").plain]).toEqual([component, undefined, undefined, undefined]);
    }
    for (const component of ["ContainerAppService", "ContainerAppJob"]) {
      expect([component, input(component, "workloadProfileName")]).toEqual([component, expect.objectContaining({ type: "string", optional: true })]);
      expect([component, input(component, "workloadProfileName").plain]).toEqual([component, undefined]);
    }
    const nameTypes = {
      ContainerAppServiceNames: ["containerApp", "identity", "imageRepository"],
      ContainerAppJobNames: ["identity", "imageRepository", "job"],
      ContainerAppsPlatformNames: ["appInsights", "environment", "logAnalyticsWorkspace", "registry", "resourceGroup", "virtualNetwork"],
      PublicContainerAppNames: ["appInsights", "containerApp", "environment", "identity", "imageRepository", "logAnalyticsWorkspace", "registry", "resourceGroup"],
      PrivateContainerAppNames: ["appInsights", "containerApp", "environment", "identity", "imageRepository", "keyVault", "logAnalyticsWorkspace", "registry", "resourceGroup", "storageAccount", "virtualNetwork"],
    };
    for (const [typeName, fields] of Object.entries(nameTypes)) {
      const properties = result.typeDefinitions[typeName]!.properties ?? {};
      expect([typeName, Object.keys(properties).sort()]).toEqual([typeName, fields]);
      for (const field of fields) expect([typeName, field, properties[field]]).toEqual([typeName, field, { type: "string", optional: true, description: expect.any(String) }]);
    }
    // A registry of another stack: its login server and id are Outputs there.
    const pullRegistry = result.typeDefinitions.PullRegistry!.properties ?? {};
    expect(Object.keys(pullRegistry).sort()).toEqual(["registryId", "server"]);
    for (const field of ["registryId", "server"]) expect([field, pullRegistry[field]]).toEqual([field, { type: "string", description: expect.any(String) }]);
    // The prefix stays plain: every generated name is derived from it while the program runs.
    expect(input("ContainerAppService", "namePrefix")).toMatchObject({ type: "string", plain: true });
  });

  it("types the job's inputs: the platform by ids, the trigger as an enum, the event trigger's scale rules, no function-typed arg", () => {
    expect(input("ContainerAppJob", "platform")).toMatchObject({ $ref: "#/types/pulumi-aca:index:PlatformReference" });
    expect(input("ContainerAppJob", "platform").optional).toBeUndefined();
    expect(input("ContainerAppJob", "image")).toMatchObject({ type: "string", optional: true });
    expect(typeOf(input("ContainerAppJob", "triggerType"))).toBe("#/types/pulumi-aca:index:JobTriggerType");
    expect(input("ContainerAppJob", "cronExpression")).toMatchObject({ type: "string", optional: true });
    expect(typeOf(input("ContainerAppJob", "eventTrigger"))).toBe("#/types/pulumi-aca:index:JobEventTrigger");
    for (const name of ["replicaTimeout", "replicaRetryLimit", "parallelism", "replicaCompletionCount", "cpu"]) {
      expect([name, input("ContainerAppJob", name)]).toEqual([name, expect.objectContaining({ type: "number", optional: true })]);
    }
    expect(input("ContainerAppJob", "command")).toMatchObject({ type: "array", items: { type: "string" } });
    expect(typeOf(input("ContainerAppJob", "identity"))).toBe("#/types/pulumi-aca:index:ServiceIdentity");
    expect(result.typeDefinitions.JobTriggerType!.enum!.map((member) => member.value)).toEqual(["Manual", "Schedule", "Event"]);
    const rule = result.typeDefinitions.JobScaleRule!;
    expect(Object.keys(rule.properties ?? {}).sort()).toEqual(["auth", "metadata", "name", "type"]);
    expect(rule.properties!.metadata).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(result.typeDefinitions.JobEventTrigger!.properties!.rules).toMatchObject({ type: "array", items: { $ref: "#/types/pulumi-aca:index:JobScaleRule" } });
  });

  it("keeps today's args of PublicContainerApp and PrivateContainerApp", () => {
    const publicInputs = Object.keys(result.components.PublicContainerApp!.inputs);
    expect(publicInputs).toEqual(expect.arrayContaining(["names", "registrySku", "external", "secrets", "image", "appPath", "cpu", "memory", "dapr", "traffic", "probes"]));
    const privateInputs = Object.keys(result.components.PrivateContainerApp!.inputs);
    expect(privateInputs).toEqual(
      expect.arrayContaining(["network", "existingNetwork", "privateDnsZoneIds", "internal", "externalIngress", "imagePush", "deployerIpAddress", "storageSku", "secrets"]),
    );
  });

  it("lists the outputs a service needs from a platform, and each component's own", () => {
    const platformOutputs = result.components.ContainerAppsPlatform!.outputs;
    for (const name of ["resourceGroupName", "location", "environmentId", "environmentKind", "registryId", "registryLoginServer", "registryPushServer"]) {
      expect([name, platformOutputs[name]]).toEqual([name, expect.objectContaining({ description: expect.any(String) })]);
    }
    expect(platformOutputs.virtualNetworkId).toMatchObject({ type: "string", optional: true });
    expect(Object.keys(result.components.ContainerAppService!.outputs).sort()).toEqual(
      ["appPrincipalId", "containerAppId", "containerAppName", "fqdn", "identityClientId", "identityId", "identityPrincipalId", "imageRef", "latestRevisionName", "url"].sort(),
    );
    expect(Object.keys(result.components.ContainerAppJob!.outputs).sort()).toEqual(
      ["identityClientId", "identityId", "identityPrincipalId", "imageRef", "jobId", "jobName", "jobPrincipalId"].sort(),
    );
    expect(result.components.PrivateContainerApp!.outputs.privateEndpointIds).toMatchObject({ $ref: "#/types/pulumi-aca:index:PrivateEndpointIds" });
    expect(result.components.PublicContainerApp!.outputs.url).toMatchObject({ type: "string" });
  });

  it("turns the string choices into enums with their members", () => {
    expect(result.typeDefinitions.EnvironmentKind).toMatchObject({
      type: "string",
      enum: [
        { name: "WorkloadProfiles", value: "workload-profiles" },
        { name: "ConsumptionOnly", value: "consumption-only" },
      ],
    });
    expect(result.typeDefinitions.IngressMode!.enum!.map((member) => member.value)).toEqual(["external", "internal", "none"]);
  });
});

describe("the README's args and outputs tables, against the schema the analyzer infers", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const TABLES: Record<string, string> = {
    ContainerAppsPlatform: "platform-args",
    ContainerAppService: "service-args",
    ContainerAppJob: "job-args",
    PublicContainerApp: "public-args",
    PrivateContainerApp: "private-args",
  };

  /** The README between a marker pair, and the "Outputs:" paragraph in it or right after it. */
  function section(marker: string): { rows: string[][]; outputs: string[] } {
    const start = readme.indexOf(`<!-- ${marker}:start -->`);
    const end = readme.indexOf(`<!-- ${marker}:end -->`);
    if (start < 0 || end < start) throw new Error(`README.md has no ${marker} markers`);
    const block = readme.slice(start, end);
    const rows = block
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.slice(2, -2).split(/(?<!\\)\|/).map((cell) => cell.trim()));
    const outputsParagraph = /\nOutputs: ([\s\S]*?)\n\n/.exec(readme.slice(start))?.[1] ?? "";
    // Output names only: not the fields of an object output given in parentheses.
    const outputs = [...outputsParagraph.replace(/\([^)]*\)/g, "").matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]!);
    return { rows, outputs };
  }

  const namesIn = (cell: string) => [...cell.matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]!);

  it.each(Object.entries(TABLES))("lists every arg of %s and nothing else, and types as `Input<…>` exactly the args that take Outputs", (component, marker) => {
    const inputs = result.components[component]!.inputs;
    const { rows } = section(marker);
    const listed = rows.flatMap(([names]) => namesIn(names!));
    expect([component, [...listed].sort()]).toEqual([component, Object.keys(inputs).sort()]);
    for (const [names, type] of rows) {
      const args = namesIn(names!);
      const types = type!.replace(/`/g, "").split(" / ");
      // A row of several args gives one type for all, one each, or points to the component with the same args.
      if (args.length > 1 && (types.length !== 1 && types.length !== args.length || type!.startsWith("as for "))) {
        expect([component, args, type]).toEqual([component, args, expect.stringMatching(/^as for /)]);
        continue;
      }
      args.forEach((arg, index) => {
        const takesOutputs = inputs[arg]!.plain !== true;
        // `Input<string>` takes an Output; `Input<string>[]` is a plain array of them.
        const typedAsInput = /^Input<.*>$/.test(types[types.length === 1 ? 0 : index]!);
        expect([component, arg, typedAsInput]).toEqual([component, arg, takesOutputs]);
      });
    }
  });

  it.each(Object.entries(TABLES))("lists every output of %s and nothing else", (component, marker) => {
    expect([component, section(marker).outputs.sort()]).toEqual([component, Object.keys(result.components[component]!.outputs).sort()]);
  });
});
