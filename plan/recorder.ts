import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AzureMocks, UNKNOWN_VALUE, azureMocks } from "./azureMocks";

/** One resource as the engine received it from the program. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** False for component resources. */
  custom: boolean;
  /** Inputs as plain values: secrets unwrapped, unknowns `undefined`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk arbitrary resource shapes
  inputs: Record<string, any>;
  /** Inputs exactly as serialized on the wire (unknown sentinels and secret envelopes kept). */
  wireInputs: Record<string, unknown>;
  /** Dotted paths of the input values marked secret (`tags.token`, `configuration.secrets.0.value`). */
  secretPaths: string[];
  /** The parent's URN (the stack's for top-level resources). */
  parent?: string;
  /** URNs named in `dependsOn`, plus those implied by inputs. */
  dependencies: string[];
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  provider?: string;
  protect: boolean;
  additionalSecretOutputs: string[];
  /** Input properties whose changes the engine is told to ignore (`ignoreChanges`). */
  ignoreChanges: string[];
  /** The mocked id: undefined in preview, where Azure has not assigned one. */
  id?: string;
  /** The aliases the program gave: URNs the resource was known under before, or specs of them. */
  aliases: RecordedAlias[];
}

/** An alias as sent to the engine: a whole URN, or the parts of one that differ from the resource's own. */
export interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  project?: string;
  stack?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** Everything one program registered, in registration order. */
export class Recording {
  constructor(
    readonly resources: RecordedResource[],
    readonly preview: boolean,
    readonly stackOutputs: Record<string, unknown> = {},
  ) {}

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The only resource of a type; throws when there are none or several. */
  one(type: string): RecordedResource {
    const found = this.ofType(type);
    if (found.length !== 1) {
      throw new Error(`Expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0]!;
  }

  named(name: string): RecordedResource {
    const found = this.resources.find((r) => r.name === name);
    if (!found) throw new Error(`No resource named ${name}; have: ${this.resources.map((r) => r.name).join(", ")}`);
    return found;
  }

  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }

  /** Custom (cloud) resources only, without components and the stack. */
  get cloudResources(): RecordedResource[] {
    return this.resources.filter((r) => r.custom);
  }

  /** Type → count over the cloud resources, for topology assertions. */
  typeCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.cloudResources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }

  /** True when `dependent` waits for `dependency`, directly or through a chain of dependencies. */
  waitsFor(dependent: RecordedResource, dependency: RecordedResource): boolean {
    const seen = new Set<string>();
    const queue = [...this.directDependencies(dependent)];
    while (queue.length > 0) {
      const urn = queue.shift()!;
      if (urn === dependency.urn) return true;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const next = this.byUrn(urn);
      if (next) queue.push(...this.directDependencies(next));
    }
    return false;
  }

  private directDependencies(resource: RecordedResource): string[] {
    return [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
  }
}

export interface RecordOptions {
  /** Run as `pulumi preview` does: ids and computed outputs unknown. Default false (as `pulumi up`). */
  preview?: boolean;
  /**
   * Directory of the `@pulumi/pulumi` package the program itself loads: the mocks must be set on that
   * copy of the runtime. Default: the copy this module resolves.
   */
  pulumiDir?: string;
  project?: string;
  stack?: string;
  /** Stack configuration, keyed `namespace:key` (`project:key` for the program's own). */
  config?: Record<string, string>;
  /** Configuration keys whose values are secret. */
  secretConfig?: string[];
}

/** Thrown by `record` when the program fails; carries what was registered before the failure. */
export class ProgramError extends Error {
  readonly recording: Recording;

  constructor(cause: unknown, recording: Recording) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "ProgramError";
    this.recording = recording;
  }
}

type Request = {
  getType(): string;
  getCustom(): boolean;
  setObject(value: unknown): void;
  getTransformsList(): { getToken(): string }[];
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProvider(): string;
  getProtect(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getAliasesList(): AliasMessage[];
  getAliasurnsList(): string[];
};

type AliasMessage = {
  getUrn(): string;
  getSpec():
    | { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean }
    | undefined;
};

function recordedAlias(alias: AliasMessage): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  const parts: RecordedAlias = {
    name: spec.getName() || undefined,
    type: spec.getType() || undefined,
    project: spec.getProject() || undefined,
    stack: spec.getStack() || undefined,
    parentUrn: spec.getParenturn() || undefined,
    noParent: spec.getNoparent() || undefined,
  };
  return Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined));
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Wire value → plain value: secret envelopes opened, unknown sentinels dropped, resource references reduced to URNs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- returns arbitrary resource shapes
export function plainValue(value: unknown): any {
  if (value === UNKNOWN_VALUE) return undefined;
  if (Array.isArray(value)) return value.map(plainValue);
  if (isSecretEnvelope(value)) return plainValue(value.value);
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object[SIG_KEY] === "5cf8f73096256a8f31e491e813e4eb8e") return object.urn;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

function secretPaths(value: unknown, path: string[] = []): string[] {
  if (isSecretEnvelope(value)) return [path.join(".")];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) => secretPaths(child, [...path, key]));
  }
  return [];
}

/** The directory of the `@pulumi/pulumi` package this module resolves. */
export function ownPulumiDir(): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

/** The parts of a `@pulumi/pulumi` copy the recorder drives, loaded from that copy's directory. */
function loadRuntime(pulumiDir: string) {
  /* eslint-disable @typescript-eslint/no-require-imports -- the program's own copy, chosen at run time */
  const pulumiModule = require(pulumiDir) as typeof pulumi;
  const settings = require(path.join(pulumiDir, "runtime", "settings"));
  const stack = require(path.join(pulumiDir, "runtime", "stack")) as { runInPulumiStack(program: () => Promise<unknown>): Promise<unknown> };
  const rpc = require(path.join(pulumiDir, "runtime", "rpc")) as {
    deserializeProperties(struct: unknown): Record<string, unknown>;
    serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { pulumi: pulumiModule, settings, stack, rpc };
}

type Transform = (args: {
  type: string;
  name: string;
  custom: boolean;
  props: Record<string, unknown>;
  opts: Record<string, unknown>;
}) => unknown;

/**
 * Runs a Pulumi program under mocks that answer like Azure and records every resource it registers:
 * type, name, inputs, parent, dependencies and property dependencies, as the engine would see them.
 *
 * New-style transforms (the `transforms` resource option and `pulumi.runtime.registerResourceTransform`)
 * run in the engine, not in the program, so the mock monitor only hands them over; the recorder applies
 * them as the engine does before a resource is registered: the resource's own transforms, then each
 * parent's, then the stack's (https://www.pulumi.com/docs/iac/concepts/resources/options/transforms/).
 * Their changes to properties are applied; changes to resource options are not.
 */
export function record(program: () => unknown, options: RecordOptions = {}): Promise<Recording> {
  // The runtime's mocks and settings are global: programs run one after another. A run still going (one a
  // test gave up waiting for, say) delays the next rather than failing it.
  const run = queue.then(() => recordAlone(program, options));
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function recordAlone(program: () => unknown, options: RecordOptions): Promise<Recording> {
  const preview = options.preview ?? false;
  const resources: RecordedResource[] = [];
  const runtime = loadRuntime(options.pulumiDir ?? ownPulumiDir());
  const mocks: AzureMocks = azureMocks(preview);
  const stackTransforms: Transform[] = [];
  mocks.registerTransform = (transform) => stackTransforms.push(transform as unknown as Transform);
  await runtime.pulumi.runtime.setMocks(mocks, options.project ?? "pulumi-aca", options.stack ?? "test", preview);
  runtime.pulumi.runtime.setAllConfig(options.config ?? {}, options.secretConfig ?? []);
  const monitor = runtime.settings.getMonitor();
  const registerResource = monitor.registerResource.bind(monitor);
  const transformsOf = new Map<string, Transform[]>();
  type Response = { getUrn(): string; getId(): string };
  monitor.registerResource = (req: Request, callback: (err: unknown, response: Response) => void) => {
    const own = req
      .getTransformsList()
      .map((callbackRef) => (monitor.transformCallbacks as Map<string, Transform>).get(callbackRef.getToken()))
      .filter((transform): transform is Transform => transform !== undefined);
    const inherited = transformsOf.get(req.getParent()) ?? [];
    const chain = [...own, ...inherited, ...stackTransforms];
    applyTransforms(runtime.rpc, req, chain).then(
      () =>
        registerResource(req, (err: unknown, response: Response) => {
          if (!err && response) {
            transformsOf.set(response.getUrn(), [...own, ...inherited]);
            resources.push(toRecorded(req, response, preview));
          }
          callback(err, response);
        }),
      (error: unknown) => callback(error, undefined as unknown as Response),
    );
  };
  let failure: { error: unknown } | undefined;
  // A failed invoke also leaves a rejected promise nobody awaits inside the SDK; as with a program's own
  // stray rejections, it fails the run (as it fails `pulumi preview`) instead of ending the process.
  const stray: unknown[] = [];
  const onStray = (reason: unknown) => stray.push(reason);
  process.on("unhandledRejection", onStray);
  let outputs: unknown;
  try {
    outputs = await runtime.stack
      .runInPulumiStack(async () => {
        try {
          return await program();
        } catch (error) {
          failure = { error };
          return undefined;
        }
      })
      // The stack's outputs failed to resolve (an output of a failed invoke, say).
      .catch((error: unknown) => {
        failure ??= { error };
        return undefined;
      });
    await runtime.settings.waitForRPCs();
    // Let rejections of the last turn surface before the handler goes.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", onStray);
  }
  if (!failure && stray.length > 0) failure = { error: stray[0] };
  const unanswered = mocks.unansweredInvokes();
  if (unanswered.length > 0) {
    const error = new UnansweredInvokeError(unanswered);
    throw new ProgramError(error, new Recording(resources, preview));
  }
  if (failure) throw new ProgramError(failure.error, new Recording(resources, preview));
  return new Recording(resources, preview, (outputs ?? {}) as Record<string, unknown>);
}

/** The program called functions (invokes) the mocks cannot answer like Azure would. */
export class UnansweredInvokeError extends Error {
  constructor(readonly tokens: string[]) {
    super(
      `The program calls ${tokens.map((t) => `\`${t}\``).join(", ")}, which the offline plan cannot answer like Azure ` +
        "(it answers lookups such as getClientConfig, getResourceGroup and get<Resource> of the resource types it knows).",
    );
    this.name = "UnansweredInvokeError";
  }
}

async function applyTransforms(rpc: ReturnType<typeof loadRuntime>["rpc"], req: Request, chain: Transform[]): Promise<void> {
  if (chain.length === 0) return;
  const object = req.getObject() as ({ toJavaScript(): Record<string, unknown> } & { constructor: { fromJavaScript(value: unknown): unknown } }) | undefined;
  let props = object ? rpc.deserializeProperties(object) : {};
  let changed = false;
  for (const transform of chain) {
    const result = (await transform({ type: req.getType(), name: req.getName(), custom: req.getCustom(), props, opts: {} })) as
      | { props?: Record<string, unknown> }
      | undefined;
    if (result?.props) {
      props = result.props;
      changed = true;
    }
  }
  if (changed && object) req.setObject(object.constructor.fromJavaScript(await rpc.serializeProperties("props", props)));
}

function toRecorded(req: Request, response: { getUrn(): string; getId(): string }, preview: boolean): RecordedResource {
  const wireInputs = req.getObject()?.toJavaScript() ?? {};
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList();
  });
  const id = response.getId();
  return {
    urn: response.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: plainValue(wireInputs),
    wireInputs,
    secretPaths: secretPaths(wireInputs),
    parent: req.getParent() || undefined,
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    provider: req.getProvider() || undefined,
    protect: req.getProtect(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    ignoreChanges: req.getIgnorechangesList(),
    id: preview || !id ? undefined : id,
    aliases: [...req.getAliasurnsList().map((urn) => ({ urn })), ...req.getAliasesList().map(recordedAlias)],
  };
}

/** Resolves an Output's value in tests; undefined when the value is unknown (as in preview). */
export async function promiseOf<T>(output: pulumi.Output<T>): Promise<T | undefined> {
  const value = await (output as unknown as { promise(withUnknowns: boolean): Promise<T> }).promise(true);
  return pulumi.isUnknown(value) ? undefined : value;
}

/** True when an Output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}
