/**
 * How a rule is declared: a CrossGuard policy plus the metadata the rule table is generated from.
 *
 * `resourceRule` and `stackRule` build `validateResource` / `remediateResource` and `validateStack`
 * so that every rule reads its properties the same way (plain values, unknowns kept apart), judges
 * every token of its types (versioned aliases, classic provider tokens), reads its tunables with
 * their defaults, and is switched by the baseline when it only makes sense inside a VNet.
 */
import {
  type EnforcementLevel,
  type PolicyConfigSchema,
  type PolicyResource,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaType } from "@pulumi/policy/schema";
import type { Resource } from "@pulumi/pulumi";
import { baselineSchema, selectedBaseline, type Baseline } from "./baseline";
import { classicAdapters, renamed } from "./classicAzure";
import { classicNativeType, nativeType, routeOf, tokenOfUrn, tokensOf, unaliasedType } from "./resourceTypes";
import { recordJudgement } from "./unjudged";
import { propsOf, raw, watchUnknownReads, type JsonObject } from "./util";

/** Where a rule applies and where it comes from: the columns of the rule table. */
export interface RuleMetadata {
  /**
   * The resource types the rule judges: azure-native tokens (each also under the versioned tokens
   * the SDK lists as its aliases) and classic `@pulumi/azure` tokens.
   */
  resourceTypes: string[];
  /** `any`: both baselines. `private`: only the private baseline (off in `public`). */
  baseline: "any" | Baseline;
  /** What the rule mirrors: an Azure Policy built-in id, a PSRule rule, or the ACA landing zone. */
  source: string;
  /** True when the rule is a stack policy (judges relations between resources). */
  stack: boolean;
  /** True when the rule can fix the resource itself (`enforcementLevel: remediate`). */
  remediates: boolean;
}

export type AcaResourcePolicy = ResourceValidationPolicy & { metadata: RuleMetadata };
export type AcaStackPolicy = StackValidationPolicy & { metadata: RuleMetadata };
export type AcaPolicy = AcaResourcePolicy | AcaStackPolicy;

type ConfigValues = Record<string, PolicyConfigJSONSchemaType>;
type ConfigSchemaFor<T extends ConfigValues> = { [K in keyof T]: Omit<PolicyConfigJSONSchema, "default"> };

/** A rule's tunables: their schema (defaults included) and how to read them back. */
export interface Tunables<T extends ConfigValues> {
  defaults: T;
  schema: ConfigSchemaFor<T>;
}

/** Declares tunables: the defaults and, for each, its JSON schema without the default. */
export function tunables<T extends ConfigValues>(defaults: T, schema: ConfigSchemaFor<T>): Tunables<T> {
  return { defaults, schema };
}

/**
 * A stand-in for an azure-native resource class: all `validateResourceOfType` needs is the type
 * token. The pack does not load azure-native itself, which keeps its start-up (and the type check
 * the Pulumi runtime runs over a TypeScript pack) small; tests check the tokens against the SDK.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches @pulumi/policy's own constructor signature
export type ResourceClass = { new (name: string, args: any, ...rest: any[]): Resource };

export function resourceClass(type: string): ResourceClass {
  return { __pulumiType: type } as unknown as ResourceClass;
}

/** What a validation receives besides the properties. */
export interface RuleContext<T> {
  config: T;
  report: ReportViolation;
}

interface RuleDefinition<T extends ConfigValues> {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  source: string;
  baseline?: "any" | "private";
  tunables?: Tunables<T>;
}

/** Reads a rule's config: user values over defaults, each checked against its default's JSON type. */
export function readConfig<T extends ConfigValues>(
  policyName: string,
  args: { getConfig<U extends object>(): U },
  defaults: T,
): T & { baseline?: string } {
  const given = args.getConfig<Record<string, unknown>>() ?? {};
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || value === null || key === "enforcementLevel") continue;
    const expected = (defaults as Record<string, unknown>)[key];
    if (expected !== undefined && jsonType(expected) !== jsonType(value)) {
      throw new Error(`Config "${key}" of policy ${policyName} must be a ${jsonType(expected)}, not ${jsonType(value)}.`);
    }
    merged[key] = value;
  }
  return merged as T & { baseline?: string };
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function configSchemaOf<T extends ConfigValues>(tunable: Tunables<T> | undefined, privateOnly: boolean): PolicyConfigSchema | undefined {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  if (tunable) {
    for (const key of Object.keys(tunable.defaults)) {
      properties[key] = { ...tunable.schema[key], default: tunable.defaults[key] };
    }
  }
  if (privateOnly) properties["baseline"] = baselineSchema();
  return Object.keys(properties).length > 0 ? { properties } : undefined;
}

function metadataTags(meta: RuleMetadata): string[] {
  return [`baseline:${meta.baseline}`, `source:${meta.source}`];
}

const privateOnlyReason = "Applies to the private baseline only.";

/** How a resource rule judges one resource, for the pack's own bookkeeping (`preview-not-judged`). */
export interface ResourceJudge {
  /** True when the rule judges resources registered under `token`. */
  judges(token: string): boolean;
  /** The properties in the shape the rule reads (classic properties adapted), or undefined when it does not judge the token. */
  shape(token: string, props: unknown): JsonObject | undefined;
  /** Runs the validation over properties already in the rule's shape, with the type it judges them as. */
  run(shaped: JsonObject, type: string, args: ResourceValidationArgs, report: ReportViolation): void;
}

const judges = new WeakMap<AcaResourcePolicy, ResourceJudge>();

/** How `policy` judges a resource; undefined for a policy not declared with `resourceRule`. */
export function judgeOf(policy: AcaResourcePolicy): ResourceJudge | undefined {
  return judges.get(policy);
}

/** The token a resource was registered with: from its URN (the engine may route it by another), else its type. */
export function tokenOf(args: { urn?: string; type: string }): string {
  return tokenOfUrn(args.urn) ?? args.type;
}

/** `fn`, filtered by `@pulumi/policy` to resources of `route` before it is called (its per-type fast path). */
function routed<F extends object>(fn: F, route: string | undefined): F {
  if (route !== undefined) (fn as { __pulumiType?: string }).__pulumiType = route;
  return fn;
}

/**
 * A rule over resource types: azure-native tokens (each also judged under the versioned tokens the
 * SDK lists as its aliases) and classic `@pulumi/azure` tokens, whose properties `classicAzure.ts`
 * adapts to the azure-native shape first. `validate` sees the properties as plain values (unknowns
 * as the wire sentinel, which `util.at` turns into `UNKNOWN`) and, in `args.type`, the azure-native
 * type it judges them as; `remediate` mutates the properties it is given and returns true when it
 * changed something (azure-native tokens only: a classic resource's properties are adapted copies).
 */
export function resourceRule<T extends ConfigValues = Record<string, never>>(
  resourceType: string | string[],
  definition: RuleDefinition<T> & {
    validate: (props: JsonObject, context: RuleContext<T> & { args: ResourceValidationArgs }) => void;
    remediate?: (props: JsonObject, config: T) => boolean;
  },
): AcaResourcePolicy {
  const privateOnly = definition.baseline === "private";
  const defaults = (definition.tunables?.defaults ?? {}) as T;
  const resourceTypes = Array.isArray(resourceType) ? resourceType : [resourceType];
  for (const token of resourceTypes) {
    if (token !== unaliasedType(token)) throw new Error(`Rule ${definition.name} must name ${unaliasedType(token)}, not its alias ${token}.`);
    if (classicNativeType[token] !== undefined && classicAdapters[token] === undefined) {
      throw new Error(`Rule ${definition.name} judges ${token}, which has no adapter in classicAzure.ts.`);
    }
  }
  const judged = new Set(resourceTypes.flatMap((token) => (classicNativeType[token] !== undefined ? [token] : tokensOf(token))));
  const routes = [...new Set(resourceTypes.map(routeOf))];
  const route = routes.length === 1 ? routes[0] : undefined;
  const typeList = resourceTypes.join(" or ");
  const metadata: RuleMetadata = {
    resourceTypes,
    baseline: definition.baseline ?? "any",
    source: definition.source,
    stack: false,
    remediates: definition.remediate !== undefined,
  };
  const policy: AcaResourcePolicy = {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    tags: metadataTags(metadata),
    metadata,
  };
  const judge: ResourceJudge = {
    judges: (token) => judged.has(token),
    shape: (token, props) => {
      if (!judged.has(token)) return undefined;
      const adapter = classicAdapters[token];
      return adapter ? adapter.adapt(propsOf(props)) : propsOf(props);
    },
    run: (shaped, type, args, report) => {
      const config = readConfig(definition.name, args, defaults);
      if (privateOnly && selectedBaseline(config) !== "private") args.notApplicable(privateOnlyReason);
      definition.validate(shaped, { config, report, args: type === args.type ? args : { ...args, type } });
    },
  };
  judges.set(policy, judge);
  policy.validateResource = routed((args: ResourceValidationArgs, report: ReportViolation): void => {
    const token = tokenOf(args);
    const shaped = judge.shape(token, args.props);
    if (shaped === undefined) return args.notApplicable(`Policy only applies to resources of type ${typeList}`);
    const adapter = classicAdapters[token];
    const reportAs: ReportViolation = adapter ? (message, urn) => report(renamed(message, adapter), urn) : report;
    const unknownPaths = watchUnknownReads(shaped, () => judge.run(shaped, nativeType(token), args, reportAs));
    recordJudgement(args.urn, definition.name, unknownPaths);
  }, route);
  const remediate = definition.remediate;
  if (remediate) {
    policy.remediateResource = routed((args: ResourceValidationArgs): Record<string, unknown> | undefined => {
      const token = tokenOf(args);
      if (!judged.has(token)) return args.notApplicable(`Policy only applies to resources of type ${typeList}`);
      if (classicAdapters[token] !== undefined) return undefined;
      const config = readConfig(definition.name, args, defaults);
      if (privateOnly && selectedBaseline(config) !== "private") return undefined;
      // The remediation edits the secret-preserving view behind the unknown-checking proxy, so
      // secrets it does not touch stay secret when the engine reads the result back.
      const target = raw(args.props);
      if (target === null || typeof target !== "object") return undefined;
      return remediate(target as JsonObject, config) ? (target as Record<string, unknown>) : undefined;
    }, route);
  }
  if (policy.metadata.baseline === "private" || definition.tunables) {
    const schema = configSchemaOf(definition.tunables, privateOnly);
    if (schema) policy.configSchema = schema;
  }
  return policy;
}

/** A stack resource with its properties as plain values. */
export interface StackResource {
  resource: PolicyResource;
  props: JsonObject;
}

/** A rule over the whole stack: relations between resources (grants, links, subnets). */
export function stackRule<T extends ConfigValues = Record<string, never>>(
  definition: RuleDefinition<T> & {
    resourceTypes: string[];
    validate: (resources: PolicyResource[], context: RuleContext<T> & { args: StackValidationArgs }) => void;
  },
): AcaStackPolicy {
  const privateOnly = definition.baseline === "private";
  const defaults = (definition.tunables?.defaults ?? {}) as T;
  const metadata: RuleMetadata = {
    resourceTypes: definition.resourceTypes,
    baseline: definition.baseline ?? "any",
    source: definition.source,
    stack: true,
    remediates: false,
  };
  const policy: AcaStackPolicy = {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    tags: metadataTags(metadata),
    metadata,
    validateStack: (args, report) => {
      const config = readConfig(definition.name, args, defaults);
      if (privateOnly && selectedBaseline(config) !== "private") args.notApplicable(privateOnlyReason);
      definition.validate(args.resources, { config, report, args });
    },
  };
  const schema = configSchemaOf(definition.tunables, privateOnly);
  if (schema) policy.configSchema = schema;
  return policy;
}
