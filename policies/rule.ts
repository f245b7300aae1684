/**
 * How a rule is declared: a CrossGuard policy plus the metadata the rule table is generated from.
 *
 * `resourceRule` and `stackRule` wrap `validateResourceOfType` / `remediateResourceOfType` and
 * `validateStack` so that every rule reads its properties the same way (plain values, unknowns kept
 * apart), reads its tunables with their defaults, and is switched by the baseline when it only
 * makes sense inside a VNet.
 */
import {
  remediateResourceOfType,
  validateResourceOfType,
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
import { propsOf, raw, type JsonObject } from "./util";

/** Where a rule applies and where it comes from: the columns of the rule table. */
export interface RuleMetadata {
  /** The Azure resource types the rule judges. */
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

/**
 * A rule over one resource type. `validate` sees the properties as plain values (unknowns as the
 * wire sentinel, which `util.at` turns into `UNKNOWN`); `remediate` mutates the properties it is
 * given and returns true when it changed something.
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
  const classes = resourceTypes.map(resourceClass);
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
  const validate = (props: unknown, args: ResourceValidationArgs, report: ReportViolation): void => {
    const config = readConfig(definition.name, args, defaults);
    if (privateOnly && selectedBaseline(config) !== "private") args.notApplicable(privateOnlyReason);
    definition.validate(propsOf(props), { config, report, args });
  };
  if (classes.length === 1) {
    policy.validateResource = validateResourceOfType(classes[0]!, validate);
  } else {
    policy.validateResource = (args, report) => {
      if (!resourceTypes.includes(args.type)) args.notApplicable(`Policy only applies to resources of type ${resourceTypes.join(" or ")}`);
      validate(args.props, args, report);
    };
  }
  const remediate = definition.remediate;
  if (remediate) {
    const remediation = (props: unknown, args: ResourceValidationArgs): Record<string, unknown> | undefined => {
      const config = readConfig(definition.name, args, defaults);
      if (privateOnly && selectedBaseline(config) !== "private") return undefined;
      // The remediation edits the secret-preserving view behind the unknown-checking proxy, so
      // secrets it does not touch stay secret when the engine reads the result back.
      const target = raw(props);
      if (target === null || typeof target !== "object") return undefined;
      return remediate(target as JsonObject, config) ? (target as Record<string, unknown>) : undefined;
    };
    policy.remediateResource =
      classes.length === 1
        ? remediateResourceOfType(classes[0]!, remediation)
        : (args) => (resourceTypes.includes(args.type) ? remediation(args.props, args) : undefined);
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
