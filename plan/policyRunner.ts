import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import type * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One policy as the pack describes it in GetAnalyzerInfo. */
export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  kind: "resource" | "stack" | "unknown";
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  /** Config the pack set programmatically (`new PolicyPack(name, args, initialConfig)`). */
  initialConfig: Record<string, ResolvedPolicyConfig>;
}

/** A policy's entry in a policy config file: an enforcement level, or properties with an optional level. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** The JSON accepted by `pulumi preview --policy-pack-config`: policy name (or `all`) → entry. */
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export interface PolicyDiagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  /** The resource the diagnostic is about: the analyzed one, or the one a stack policy named. */
  urn?: string;
}

export interface RemediationResult {
  policyName: string;
  description: string;
  /** The new properties in wire form (secret envelopes kept), when the remediation changed the resource. */
  properties?: Record<string, unknown>;
  diagnostic?: string;
}

export interface EngineLogMessage {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn?: string;
}

/** What the runner needs of a resource; a recorder `RecordedResource` fits. */
export interface AnalyzableResource {
  urn: string;
  type: string;
  name: string;
  custom?: boolean;
  /** Properties as serialized on the wire: unknown sentinels, secret envelopes and resource references kept. */
  wireInputs: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  /** Provider reference `urn::id`, when the program chose one. */
  provider?: string;
  protect?: boolean;
  additionalSecretOutputs?: string[];
}

export interface StartOptions {
  /** Directory holding PulumiPolicy.yaml, package.json and the pack's entry point. */
  packDir: string;
  /** Bound on the pack's start-up (a cold TypeScript compile of a large pack takes a while). Default 120 s. */
  startTimeoutMs?: number;
  /** Bound on each RPC. Default 30 s. */
  callTimeoutMs?: number;
  /** Extra environment for the pack process. */
  env?: Record<string, string>;
}

export interface StackContext {
  project: string;
  stack: string;
  organization?: string;
  dryRun?: boolean;
  config?: Record<string, string>;
  tags?: Record<string, string>;
}

const LEVELS: Record<number, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES: Record<EnforcementLevel, analyzerProto.EnforcementLevel> = {
  advisory: analyzerProto.EnforcementLevel.ADVISORY,
  mandatory: analyzerProto.EnforcementLevel.MANDATORY,
  disabled: analyzerProto.EnforcementLevel.DISABLED,
  remediate: analyzerProto.EnforcementLevel.REMEDIATE,
};
const SEVERITIES: Record<number, EngineLogMessage["severity"]> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && value in LEVEL_CODES;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The entry point the CLI runs for a Node pack: its `pulumi-analyzer-policy` script resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` from the pack's directory (so the pack's own SDK runs it) and starts
 * it with the pack directory as working directory and `.` as the program
 * (https://github.com/pulumi/pulumi/blob/master/pkg/resource/plugin/analyzer_plugin.go,
 * sdk/nodejs/dist/pulumi-analyzer-policy).
 */
export function runPolicyPackEntry(packDir: string): string {
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  } catch {
    throw new Error(
      `Cannot find @pulumi/pulumi/cmd/run-policy-pack from ${packDir}: the policy pack's dependencies are not installed; run npm install in ${packDir}.`,
    );
  }
}

/**
 * Wire inputs → the properties the engine hands an analyzer: resource references become the referenced
 * resource's id (or URN for a component), as the engine marshals them without resource support;
 * internal `__` keys are dropped. Unknowns and secrets stay as they are on the wire.
 */
export function analyzerProperties(wireInputs: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wireInputs)) {
    if (key.startsWith("__") || value === undefined) continue;
    result[key] = withoutResourceReferences(value);
  }
  return result;
}

function withoutResourceReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutResourceReferences);
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object[SIG_KEY] === RESOURCE_REFERENCE_SIG) {
      if ("id" in object) return object.id === "" || object.id === undefined ? UNKNOWN : object.id;
      return object.urn;
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, withoutResourceReferences(v)]));
  }
  return value;
}

/** `urn:pulumi:stack::project::type::name` → its parts. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return {
    stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""),
    project: parts[1] ?? "",
    type: qualifiedType.split("$").pop() ?? "",
    name: parts.slice(3).join("::"),
  };
}

/**
 * Merges config the way the engine does before it calls Configure: defaults from each policy's schema and
 * default level, then the pack's initial config, then the given config (`all` sets every level first).
 * Returns the problems the engine would refuse the config for (missing required properties, wrong types).
 */
export function reconcileConfig(
  info: AnalyzerInfo,
  config: PolicyPackConfig = {},
): { config: Record<string, ResolvedPolicyConfig>; errors: string[] } {
  const result: Record<string, ResolvedPolicyConfig> = {};
  for (const policy of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ("default" in schema) properties[key] = schema.default;
    }
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  const apply = (given: Record<string, ResolvedPolicyConfig | { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>) => {
    const all = given.all;
    if (all?.enforcementLevel) {
      for (const entry of Object.values(result)) entry.enforcementLevel = all.enforcementLevel;
    }
    for (const [name, entry] of Object.entries(given)) {
      if (name === "all") continue;
      const target = (result[name] ??= { enforcementLevel: "advisory", properties: {} });
      if (entry.enforcementLevel) target.enforcementLevel = entry.enforcementLevel;
      Object.assign(target.properties, entry.properties);
    }
  };
  apply(info.initialConfig);
  apply(normalizeConfig(config));

  const errors: string[] = [];
  for (const policy of info.policies) {
    const schema = policy.configSchema;
    if (!schema) continue;
    const properties = result[policy.name]?.properties ?? {};
    for (const required of schema.required) {
      if (!(required in properties)) errors.push(`${policy.name}: ${required} is required`);
    }
    for (const [key, value] of Object.entries(properties)) {
      const expected = schema.properties[key]?.type;
      if (typeof expected === "string" && !matchesJsonType(value, expected)) {
        errors.push(`${policy.name}: ${key}: expected ${expected}, given ${JSON.stringify(value)}`);
      }
      const allowed = schema.properties[key]?.enum;
      if (Array.isArray(allowed) && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) {
        errors.push(`${policy.name}: ${key}: must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
      }
    }
  }
  return { config: result, errors };
}

function matchesJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return !!value && typeof value === "object" && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

function normalizeConfig(config: PolicyPackConfig): Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> {
  const result: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
  for (const [name, entry] of Object.entries(config)) {
    if (typeof entry === "string") {
      if (!isEnforcementLevel(entry)) throw new Error(`${name}: "${entry}" is not a valid enforcement level`);
      result[name] = { enforcementLevel: entry, properties: {} };
      continue;
    }
    const { enforcementLevel, ...properties } = entry;
    if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
      throw new Error(`${name}: "${String(enforcementLevel)}" is not a valid enforcement level`);
    }
    result[name] = { enforcementLevel, properties };
  }
  return result;
}

function decodeDiagnostic(d: analyzerProto.AnalyzeDiagnostic): PolicyDiagnostic {
  return {
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn() || undefined,
  };
}

/** A tiny Engine service: the pack's `pulumi.log` calls arrive here. */
async function startEngine(logs: EngineLogMessage[]): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  const implementation: engineRpc.IEngineServer = {
    log: (call, callback) => {
      const request = call.request;
      logs.push({ severity: SEVERITIES[request.getSeverity()] ?? "info", message: request.getMessage(), urn: request.getUrn() || undefined });
      callback(null, new Empty());
    },
    getRootResource: (_call, callback) => callback(null, new engineProto.GetRootResourceResponse()),
    setRootResource: (_call, callback) => callback(null, new engineProto.SetRootResourceResponse()),
    startDebugging: (_call, callback) => callback(null, new Empty()),
    requirePulumiVersion: (_call, callback) => callback(null, new engineProto.RequirePulumiVersionResponse()),
  };
  server.addService(engineRpc.EngineService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

/** Starts the pack and resolves with the port it prints, or rejects with what it wrote to stderr. */
function startPack(
  entry: string,
  packDir: string,
  engineAddress: string,
  timeoutMs: number,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [entry, engineAddress, "."], {
    cwd: packDir,
    env: { ...process.env, PULUMI_NODEJS_ENGINE: engineAddress, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`Policy pack ${packDir} did not start: ${reason}\n${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`no port after ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited with ${signal ?? code}`));
    child.stdout!.on("data", function readPort(chunk: Buffer) {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const port = Number(stdout.slice(0, newline).trim());
      child.stdout!.off("data", readPort);
      child.removeAllListeners("exit");
      child.removeAllListeners("error");
      clearTimeout(timer);
      if (!Number.isInteger(port) || port <= 0) {
        child.kill("SIGKILL");
        reject(new Error(`Policy pack ${packDir} printed ${JSON.stringify(stdout.slice(0, newline))} instead of a port\n${stderr.trim()}`));
        return;
      }
      child.stdout!.resume();
      resolve({ child, port, stderr: () => stderr });
    });
  });
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: Callback<Res>) => unknown;

/**
 * A policy pack running as the engine runs it: a separate process started through `run-policy-pack`,
 * spoken to over the Analyzer gRPC service, with an Engine service of ours for its log messages.
 */
export class PolicyRunner {
  /** Messages the pack logged through the engine (`pulumi.log.*`). */
  readonly logs: EngineLogMessage[];
  /** Milliseconds from spawning the pack to reading its port. */
  readonly startupMs: number;
  private info?: AnalyzerInfo;
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerRpc.AnalyzerClient,
    private readonly engine: grpc.Server,
    private readonly callTimeoutMs: number,
    private readonly stderr: () => string,
    logs: EngineLogMessage[],
    startupMs: number,
  ) {
    this.logs = logs;
    this.startupMs = startupMs;
  }

  static async start(options: StartOptions): Promise<PolicyRunner> {
    const packDir = path.resolve(options.packDir);
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
      throw new Error(`${packDir} is not a policy pack: it has no PulumiPolicy.yaml.`);
    }
    const entry = runPolicyPackEntry(packDir);
    const logs: EngineLogMessage[] = [];
    const engine = await startEngine(logs);
    const started = process.hrtime.bigint();
    let pack: Awaited<ReturnType<typeof startPack>>;
    try {
      pack = await startPack(entry, packDir, engine.address, options.startTimeoutMs ?? 120_000, options.env ?? {});
    } catch (error) {
      engine.server.forceShutdown();
      // A pack that fails while loading reports the error through the engine, not on stderr.
      const reported = logs.filter((l) => l.severity === "error" || l.severity === "warning");
      if (reported.length === 0) throw error;
      throw new Error(`${(error as Error).message}\n${reported.map((l) => `${l.severity}: ${l.message}`).join("\n")}`, { cause: error });
    }
    const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
    const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    return new PolicyRunner(pack.child, client, engine.server, options.callTimeoutMs ?? 30_000, pack.stderr, logs, startupMs);
  }

  private call<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
    if (this.stopped) return Promise.reject(new Error("The policy pack has been stopped."));
    const deadline = new Date(Date.now() + this.callTimeoutMs);
    return new Promise((resolve, reject) =>
      method.call(this.client, request, new grpc.Metadata(), { deadline }, (error, response) => {
        if (error) reject(new Error(`${error.details || error.message}${this.stderr() ? `\n${this.stderr().trim()}` : ""}`));
        else resolve(response);
      }),
    );
  }

  async analyzerInfo(): Promise<AnalyzerInfo> {
    const info = await this.call<Empty, analyzerProto.AnalyzerInfo>(this.client.getAnalyzerInfo, new Empty());
    const initialConfig: Record<string, ResolvedPolicyConfig> = {};
    info.getInitialconfigMap().forEach((entry, name) => {
      initialConfig[name] = {
        enforcementLevel: LEVELS[entry.getEnforcementlevel()] ?? "advisory",
        properties: (entry.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
      };
    });
    this.info = {
      name: info.getName(),
      version: info.getVersion(),
      displayName: info.getDisplayname(),
      description: info.getDescription(),
      supportsConfig: info.getSupportsconfig(),
      initialConfig,
      policies: info.getPoliciesList().map((policy) => {
        const schema = policy.getConfigschema();
        const type = policy.getPolicyType();
        return {
          name: policy.getName(),
          description: policy.getDescription(),
          enforcementLevel: LEVELS[policy.getEnforcementlevel()] ?? "advisory",
          kind:
            type === analyzerProto.PolicyType.POLICY_TYPE_RESOURCE
              ? "resource"
              : type === analyzerProto.PolicyType.POLICY_TYPE_STACK
                ? "stack"
                : "unknown",
          configSchema: schema
            ? {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                required: schema.getRequiredList(),
              }
            : undefined,
        };
      }),
    };
    return this.info;
  }

  async pluginInfo(): Promise<{ version: string }> {
    const info = await this.call<Empty, pluginProto.PluginInfo>(this.client.getPluginInfo, new Empty());
    return { version: info.getVersion() };
  }

  /**
   * Reconciles the config with the pack's defaults as the engine does, refuses it as the engine would
   * when it breaks a schema, then sends every policy's entry through Configure. Returns what was sent.
   */
  async configure(config: PolicyPackConfig = {}): Promise<Record<string, ResolvedPolicyConfig>> {
    const info = this.info ?? (await this.analyzerInfo());
    const reconciled = reconcileConfig(info, config);
    if (reconciled.errors.length > 0) {
      throw new Error(`Invalid policy pack config:\n  ${reconciled.errors.join("\n  ")}`);
    }
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    for (const [name, entry] of Object.entries(reconciled.config)) {
      const policyConfig = new analyzerProto.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_CODES[entry.enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(entry.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await this.call<analyzerProto.ConfigureAnalyzerRequest, Empty>(this.client.configure, request);
    return reconciled.config;
  }

  /** Tells the pack which stack it judges (its policies see the tags as `args.stackTags`). */
  async configureStack(context: StackContext): Promise<void> {
    const request = new analyzerProto.AnalyzerStackConfigureRequest();
    request.setProject(context.project);
    request.setStack(context.stack);
    request.setOrganization(context.organization ?? "organization");
    request.setDryRun(context.dryRun ?? true);
    for (const [key, value] of Object.entries(context.config ?? {})) request.getConfigMap().set(key, value);
    for (const [key, value] of Object.entries(context.tags ?? {})) request.getTagsMap().set(key, value);
    await this.call<analyzerProto.AnalyzerStackConfigureRequest, analyzerProto.AnalyzerStackConfigureResponse>(
      this.client.configureStack,
      request,
    );
  }

  async analyze(resource: AnalyzableResource, properties?: Record<string, unknown>): Promise<PolicyDiagnostic[]> {
    const response = await this.call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(
      this.client.analyze,
      this.analyzeRequest(resource, properties),
    );
    return response.getDiagnosticsList().map((d) => ({ ...decodeDiagnostic(d), urn: d.getUrn() || resource.urn }));
  }

  async remediate(resource: AnalyzableResource, properties?: Record<string, unknown>): Promise<RemediationResult[]> {
    const response = await this.call<analyzerProto.AnalyzeRequest, analyzerProto.RemediateResponse>(
      this.client.remediate,
      this.analyzeRequest(resource, properties),
    );
    return response.getRemediationsList().map((r) => ({
      policyName: r.getPolicyname(),
      description: r.getDescription(),
      properties: r.hasProperties() ? (r.getProperties()!.toJavaScript() as Record<string, unknown>) : undefined,
      diagnostic: r.getDiagnostic() || undefined,
    }));
  }

  async analyzeStack(resources: readonly AnalyzableResource[], properties?: ReadonlyMap<string, Record<string, unknown>>): Promise<PolicyDiagnostic[]> {
    const request = new analyzerProto.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const message = new analyzerProto.AnalyzerResource();
        message.setType(resource.type);
        message.setUrn(resource.urn);
        message.setName(resource.name);
        message.setProperties(toStruct(properties?.get(resource.urn) ?? analyzerProperties(resource.wireInputs)));
        message.setOptions(resourceOptions(resource));
        const provider = this.providerOf(resource, resources);
        if (provider) message.setProvider(provider);
        message.setParent(resource.parent ?? "");
        message.setDependenciesList(resource.dependencies ?? []);
        for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
          const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
          dependencies.setUrnsList(urns);
          message.getPropertydependenciesMap().set(key, dependencies);
        }
        return message;
      }),
    );
    const response = await this.call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(this.client.analyzeStack, request);
    return response.getDiagnosticsList().map(decodeDiagnostic);
  }

  private analyzeRequest(resource: AnalyzableResource, properties?: Record<string, unknown>): analyzerProto.AnalyzeRequest {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(resource.type);
    request.setUrn(resource.urn);
    request.setName(resource.name);
    request.setProperties(toStruct(properties ?? analyzerProperties(resource.wireInputs)));
    request.setOptions(resourceOptions(resource));
    const provider = this.providerOf(resource);
    if (provider) request.setProvider(provider);
    return request;
  }

  /**
   * The provider the engine names for a resource: the one the program chose, or for a custom resource the
   * package's default provider (`pulumi:providers:<package>`, named `default_<version>`).
   */
  private providerOf(resource: AnalyzableResource, known: readonly AnalyzableResource[] = []): analyzerProto.AnalyzerProviderResource | undefined {
    const provider = new analyzerProto.AnalyzerProviderResource();
    if (resource.provider) {
      const urn = resource.provider.split("::").slice(0, -1).join("::");
      const parsed = parseUrn(urn);
      provider.setUrn(urn);
      provider.setType(parsed.type);
      provider.setName(parsed.name);
      const recorded = known.find((r) => r.urn === urn);
      provider.setProperties(toStruct(recorded ? analyzerProperties(recorded.wireInputs) : {}));
      return provider;
    }
    if (resource.custom === false || resource.type.startsWith("pulumi:")) return undefined;
    const packageName = resource.type.split(":")[0] ?? "";
    const version = packageVersion(packageName);
    const { stack, project } = parseUrn(resource.urn);
    const name = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
    provider.setType(`pulumi:providers:${packageName}`);
    provider.setName(name);
    provider.setUrn(`urn:pulumi:${stack}::${project}::pulumi:providers:${packageName}::${name}`);
    provider.setProperties(toStruct(version ? { version } : {}));
    return provider;
  }

  /** Stops the pack (SIGTERM, then SIGKILL after a grace period) and the engine server. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.close();
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      });
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.engine.forceShutdown();
        resolve();
      }, graceMs);
      this.engine.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Whether the pack process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The pack process id, for diagnostics. */
  get pid(): number | undefined {
    return this.child.pid;
  }
}

function resourceOptions(resource: AnalyzableResource): analyzerProto.AnalyzerResourceOptions {
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(resource.protect ?? false);
  options.setAdditionalsecretoutputsList(resource.additionalSecretOutputs ?? []);
  options.setParent(resource.parent ?? "");
  return options;
}

function toStruct(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

const versions = new Map<string, string | undefined>();
function packageVersion(packageName: string): string | undefined {
  if (!versions.has(packageName)) {
    let version: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      version = (require(`@pulumi/${packageName}/package.json`) as { version?: string }).version;
    } catch {
      version = undefined;
    }
    versions.set(packageName, version);
  }
  return versions.get(packageName);
}

export interface ResourceVerdict {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  /** Diagnostics from Analyze of this resource, then those stack policies reported against its URN. */
  diagnostics: PolicyDiagnostic[];
  remediations: RemediationResult[];
}

export interface PolicyVerdict {
  pack: { name: string; version: string };
  config: Record<string, ResolvedPolicyConfig>;
  resources: ResourceVerdict[];
  /** Stack policy diagnostics that name no resource of the recording. */
  stack: PolicyDiagnostic[];
  logs: EngineLogMessage[];
  /** Every mandatory diagnostic, resource and stack level. */
  mandatory: PolicyDiagnostic[];
  passed: boolean;
  /** Pack start-up; Remediate + Analyze over all resources; AnalyzeStack; everything after start-up. */
  timings: { startupMs: number; analyzeMs: number; analyzeStackMs: number; totalMs: number };
}

export interface JudgeOptions {
  config?: PolicyPackConfig;
  stack?: StackContext;
  /** Analyze calls in flight at once. Default 16. */
  concurrency?: number;
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export interface EvaluateOptions extends StartOptions, JudgeOptions {}

/**
 * Judges recorded resources as `pulumi preview --policy-pack` does, with a pack already started:
 * GetAnalyzerInfo, Configure, ConfigureStack; for each resource Remediate then Analyze the (possibly
 * remediated) properties; then AnalyzeStack over all of them.
 */
export async function judge(runner: PolicyRunner, resources: readonly AnalyzableResource[], options: JudgeOptions = {}): Promise<PolicyVerdict> {
  const began = process.hrtime.bigint();
  const info = await runner.analyzerInfo();
  const config = await runner.configure(options.config);
  const first = resources[0] ? parseUrn(resources[0].urn) : { project: "project", stack: "stack" };
  await runner.configureStack(options.stack ?? { project: first.project, stack: first.stack, dryRun: true });
  const analyzed = process.hrtime.bigint();
  // The server runs only remediations whose policy is at `remediate`; without one, Remediate answers nothing.
  const remediating = Object.values(config).some((c) => c.enforcementLevel === "remediate");
  const remediated = new Map<string, Record<string, unknown>>();
  // Resources are judged concurrently, as the engine judges them while the program registers them.
  const verdicts = await mapConcurrently(resources, options.concurrency ?? 16, async (resource): Promise<ResourceVerdict> => {
    let properties = analyzerProperties(resource.wireInputs);
    const remediations = remediating ? await runner.remediate(resource, properties) : [];
    for (const remediation of remediations) {
      if (remediation.properties) properties = remediation.properties;
    }
    if (remediations.some((r) => r.properties)) remediated.set(resource.urn, properties);
    const diagnostics = await runner.analyze(resource, properties);
    return { urn: resource.urn, type: resource.type, name: resource.name, parent: resource.parent, diagnostics, remediations };
  });
  const stackBegan = process.hrtime.bigint();
  const stackDiagnostics = await runner.analyzeStack(resources, remediated);
  const ended = process.hrtime.bigint();
  const stack: PolicyDiagnostic[] = [];
  for (const diagnostic of stackDiagnostics) {
    const owner = verdicts.find((v) => v.urn === diagnostic.urn);
    if (owner) owner.diagnostics.push(diagnostic);
    else stack.push(diagnostic);
  }
  const all = [...verdicts.flatMap((v) => v.diagnostics), ...stack];
  const mandatory = all.filter((d) => d.enforcementLevel === "mandatory");
  return {
    pack: { name: info.name, version: info.version },
    config,
    resources: verdicts,
    stack,
    logs: runner.logs,
    mandatory,
    passed: mandatory.length === 0,
    timings: {
      startupMs: runner.startupMs,
      analyzeMs: Number(stackBegan - analyzed) / 1e6,
      analyzeStackMs: Number(ended - stackBegan) / 1e6,
      totalMs: Number(ended - began) / 1e6,
    },
  };
}

/** Starts the pack, judges the resources with it and stops it. */
export async function evaluate(resources: readonly AnalyzableResource[], options: EvaluateOptions): Promise<PolicyVerdict> {
  const runner = await PolicyRunner.start(options);
  try {
    return await judge(runner, resources, options);
  } finally {
    await runner.stop();
  }
}
