import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError, Recording, promiseOf, record } from "../harness/recorder";
import type { AcrTokenExchange, AcrTokenExchangeRequest } from "../../components/acrToken";
import type { ValidationError } from "../../components/validation";

/** Resource types both PublicContainerApp and PrivateContainerApp create. */
export const TOPOLOGY_TYPES = {
  group: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  insights: "azure-native:applicationinsights:Component",
  registry: "azure-native:containerregistry:Registry",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  image: "docker-build:index:Image",
  environment: "azure-native:app:ManagedEnvironment",
  app: "azure-native:app:ContainerApp",
} as const;

/** The two ways a program runs: a deployment, where ids and outputs are known, and a preview, where many are not. */
export const RUN_MODES: ReadonlyArray<[string, boolean]> = [
  ["an update", false],
  ["a preview", true],
];

/** A ready image pinned by digest. */
export const DIGEST_REF = `mcr.microsoft.com/k8se/quickstart@sha256:${"d".repeat(64)}`;

export interface Deployed<Component> {
  recording: Recording;
  component?: Component;
  /** Every token exchange the component asked for. */
  exchanges: AcrTokenExchangeRequest[];
}

type ComponentClass<Args, Component> = new (name: string, args: Args, opts?: { exchangeToken?: AcrTokenExchange }) => Component;

/**
 * `deploy` runs a component named "web" under the mocks, loading its class only once they are set, with
 * a token exchange that answers in-process; `failureOf` expects the run to fail with no cloud resource.
 */
export function componentDeployer<Args extends object, Component>(
  load: () => Promise<ComponentClass<Args, Component>>,
) {
  async function deploy(args: Args = {} as Args, options: { preview?: boolean } = {}): Promise<Deployed<Component>> {
    const exchanges: AcrTokenExchangeRequest[] = [];
    let component: Component | undefined;
    const recording = await record(
      async () => {
        const ComponentResource = await load();
        component = new ComponentResource("web", args, {
          exchangeToken: async (request: AcrTokenExchangeRequest) => {
            exchanges.push(request);
            return "acr-refresh-token";
          },
        });
      },
      { preview: options.preview },
    );
    return { recording, component, exchanges };
  }

  async function failureOf(args: Args): Promise<ProgramError> {
    const failure = await deploy(args).catch((error: unknown) => error);
    if (!(failure instanceof ProgramError)) throw new Error("expected the program to fail");
    expect(failure.recording.cloudResources).toEqual([]);
    return failure;
  }

  return { deploy, failureOf };
}

/** How a program hands a component a value: known when it starts, or as an Output known only later. */
export type Given = <T>(value: T) => pulumi.Input<T>;

export const KNOWN_NOW: Given = (value) => value;
export const KNOWN_LATER: Given = <T>(value: T) => pulumi.output(value) as pulumi.Input<T>;

/** Runs a program that must fail, and gives its error with what it registered before failing. */
export async function programFailure(program: () => unknown): Promise<ProgramError> {
  const error = await record(program).catch((caught: unknown) => caught);
  if (!(error instanceof ProgramError)) throw new Error("expected the program to fail");
  return error;
}

/** The role a recorded role assignment grants: the last segment of its role definition id. */
export function roleOf(grant: { inputs: { roleDefinitionId?: string } }): string {
  return String(grant.inputs.roleDefinitionId).split("/").pop()!;
}

/**
 * A bad value known when the program starts: the program fails with `message` before anything is registered.
 * Returns the error, to compare with the one the same value gives as an Output.
 */
export async function refusedBeforeRegistering(program: () => unknown, message: string): Promise<ValidationError> {
  const failure = await programFailure(program);
  expect(failure.message).toContain(message);
  expect(failure.recording.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack")).toEqual([]);
  expect(failure.cause).toMatchObject({ name: "ValidationError" });
  return failure.cause as ValidationError;
}

/**
 * The values a component goes on with, given an Output, fail with exactly the error a known value gets: the
 * resources they feed cannot be registered, so the deployment fails. Every promise behind each Output is
 * awaited, so none goes unhandled.
 */
export async function expectFailsOnceKnown(values: ReadonlyArray<pulumi.Input<unknown>>, known: ValidationError): Promise<void> {
  const outputs = values.map((value) => pulumi.output(value) as pulumi.Output<unknown> & { isKnown: Promise<boolean>; isSecret: Promise<boolean> });
  const settled = await Promise.allSettled(outputs.flatMap((output) => [promiseOf(output), output.isKnown, output.isSecret]));
  for (const result of settled) {
    expect(result).toMatchObject({ status: "rejected", reason: { name: "ValidationError", message: known.message, field: known.field, value: known.value, rule: known.rule } });
  }
}

/** What `npm run plan -- <program> [args]` printed and its exit code. */
export interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

/** Runs the offline plan (`scripts/plan.mjs`, what `npm run plan` runs) over a program directory of the repository. */
export function runPlan(programDir: string, ...args: string[]): Promise<PlanRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/plan.mjs", programDir, ...args],
      { cwd: path.resolve(__dirname, "..", ".."), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr, lines: stdout.split("\n") }),
    );
  });
}
