import * as path from "node:path";
import * as ts from "typescript";

/**
 * A program written as a Pulumi user writes one, passing another stack's outputs as names, sizes and profile,
 * type-checked with strict TypeScript against the components' source. It lives in memory, next to this test,
 * so its imports resolve as a file of the repository's would.
 */
const PROGRAM_PATH = path.join(__dirname, "outputsAsArgs.program.ts");

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ContainerAppJob, ContainerAppService, ContainerAppsPlatform, PrivateContainerApp, PublicContainerApp } from "../../components";

const shared = new pulumi.StackReference("acme/platform/prod");
const someOutput: pulumi.Output<string> = shared.requireOutput("name").apply(String);
const cores: pulumi.Output<number> = shared.requireOutput("cores").apply(Number);
const platform = {
  resourceGroupName: shared.requireOutput("resourceGroupName").apply(String),
  environmentId: shared.requireOutput("environmentId").apply(String),
  registryId: shared.requireOutput("registryId").apply(String),
  registryLoginServer: shared.requireOutput("registryLoginServer").apply(String),
};

new PublicContainerApp("web", { names: { containerApp: someOutput, registry: someOutput, resourceGroup: someOutput }, cpu: cores, memory: someOutput, serviceName: someOutput });
new PrivateContainerApp("private", { names: { keyVault: someOutput, storageAccount: someOutput, virtualNetwork: someOutput }, cpu: cores });
new ContainerAppsPlatform("team", { names: { registry: someOutput, environment: someOutput, logAnalyticsWorkspace: someOutput, appInsights: someOutput } });
new ContainerAppService("api", { platform, names: { containerApp: someOutput, identity: someOutput, imageRepository: someOutput }, cpu: cores, memory: someOutput, workloadProfileName: someOutput, serviceName: someOutput });
new ContainerAppJob("report", { platform, names: { job: someOutput, identity: someOutput }, cpu: cores, memory: someOutput, workloadProfileName: someOutput, serviceName: someOutput });
`;

/** The same program with a string Output where a number belongs: strict TypeScript must refuse that line alone. */
const MISTYPED = PROGRAM.replace(`new ContainerAppsPlatform("team"`, `new ContainerAppService("mistyped", { platform, cpu: someOutput });\nnew ContainerAppsPlatform("team"`);

function diagnosticsOf(source: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = ((fileExists) => (file: string) => file === PROGRAM_PATH || fileExists(file))(host.fileExists.bind(host));
  host.readFile = (file) => (file === PROGRAM_PATH ? source : readFile(file));
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) =>
    file === PROGRAM_PATH ? ts.createSourceFile(file, source, languageVersion, true) : getSourceFile(file, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([PROGRAM_PATH], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === PROGRAM_PATH)
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${line + 1}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
}

describe("the components' args under strict TypeScript", () => {
  it("take another stack's outputs as names, cpu, memory, workload profile and service name, in every component", () => {
    expect(diagnosticsOf(PROGRAM)).toEqual([]);
  }, 240_000);

  it("still refuse an Output of the wrong type (a string Output for cpu)", () => {
    const line = MISTYPED.split("\n").findIndex((text) => text.includes(`"mistyped"`)) + 1;
    expect(diagnosticsOf(MISTYPED)).toEqual([expect.stringMatching(new RegExp(`^${line}: TS2322 Type 'Output<string>' is not assignable to type 'Input<number> \\| undefined'`))]);
  }, 240_000);
});
