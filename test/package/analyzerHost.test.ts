import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";

/**
 * The provider host as the Pulumi CLI starts it for `pulumi package add`: @pulumi/pulumi's plugin runner with
 * provider.ts (what PulumiPlugin.yaml names), answering the resource provider protocol over gRPC. It loads the
 * TypeScript with type checking, as the CLI's Node.js language host does, so it takes a while to start.
 */
const ROOT = path.join(__dirname, "..", "..");
const NODE = path.join(ROOT, "node_modules", ".bin", "node");
const RUN_PLUGIN = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerService = require("@pulumi/pulumi/proto/provider_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerMessages = require("@pulumi/pulumi/proto/provider_pb");

interface Schema {
  name: string;
  version: string;
  resources: Record<string, { isComponent?: boolean; inputProperties?: Record<string, unknown>; properties?: Record<string, unknown>; requiredInputs?: string[] }>;
  types: Record<string, unknown>;
}

let host: ChildProcess | undefined;
let stderr = "";

afterAll(() => {
  host?.kill();
});

function startHost(): Promise<number> {
  return new Promise((resolve, reject) => {
    host = spawn(NODE, [RUN_PLUGIN, "provider.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    host.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^(\d+)\s*$/m.exec(stdout);
      if (port) resolve(Number(port[1]));
    });
    host.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    host.on("exit", (code) => reject(new Error(`the provider host exited with ${code} before printing its port:\n${stdout}\n${stderr}`)));
  });
}

function getSchema(port: number): Promise<Schema> {
  const client = new providerService.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.getSchema(new providerMessages.GetSchemaRequest(), (error: Error | null, response: { getSchema(): string }) => {
      client.close();
      if (error) reject(error);
      else resolve(JSON.parse(response.getSchema()));
    });
  });
}

describe("the provider host started from PulumiPlugin.yaml's entry point", () => {
  it("serves the schema over gRPC with every component under the pulumi-aca package", async () => {
    const port = await startHost();
    const schema = await getSchema(port);
    expect(schema.name).toBe("pulumi-aca");
    expect(schema.version).toBe("0.1.0");
    expect(Object.keys(schema.resources).sort()).toEqual(
      [
        "pulumi-aca:index:ContainerAppJob",
        "pulumi-aca:index:ContainerAppService",
        "pulumi-aca:index:ContainerAppsPlatform",
        "pulumi-aca:index:PrivateContainerApp",
        "pulumi-aca:index:PublicContainerApp",
      ],
    );
    for (const resource of Object.values(schema.resources)) expect(resource.isComponent).toBe(true);
    const service = schema.resources["pulumi-aca:index:ContainerAppService"]!;
    expect(service.requiredInputs).toEqual(["platform"]);
    expect(Object.keys(service.inputProperties ?? {})).toEqual(expect.arrayContaining(["platform", "image", "ingress", "dapr", "secrets"]));
    expect(Object.keys(service.properties ?? {})).toEqual(expect.arrayContaining(["url", "imageRef", "identityPrincipalId"]));
    const job = schema.resources["pulumi-aca:index:ContainerAppJob"]!;
    expect(job.requiredInputs).toEqual(["platform"]);
    expect(Object.keys(job.inputProperties ?? {})).toEqual(expect.arrayContaining(["platform", "image", "triggerType", "cronExpression", "eventTrigger", "secrets"]));
    expect(Object.keys(job.properties ?? {})).toEqual(expect.arrayContaining(["jobName", "jobId", "imageRef", "identityId"]));
    expect(Object.keys(schema.types)).toEqual(
      expect.arrayContaining(["pulumi-aca:index:PlatformReference", "pulumi-aca:index:EnvironmentKind", "pulumi-aca:index:JobTriggerType", "pulumi-aca:index:JobScaleRule"]),
    );
    expect(stderr).not.toMatch(/error/i);
  }, 600_000);
});
