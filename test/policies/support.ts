/**
 * Calls a policy's validateResource / remediateResource / validateStack directly, with arguments
 * shaped like the ones the policy server builds: properties wrapped in the SDK's unknown-checking
 * proxy, config from getConfig, parents and (property) dependencies resolved to resources.
 */
import {
  UnknownValueError,
  unknownCheckingProxy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type StackValidationArgs,
} from "@pulumi/policy";
import type { AcaPolicy, AcaResourcePolicy, AcaStackPolicy } from "../../policies/rule";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are arbitrary resource shapes
export type Props = Record<string, any>;

/** The engine's sentinels for values not known until the resource exists. */
export const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const unknownBoolean = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
export const unknownNumber = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
export const unknownArray = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
export const unknownObject = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

export const privateBaseline = { baseline: "private" };

/** What a policy said about a resource or stack. */
export interface Outcome {
  violations: string[];
  /** URNs passed with stack violations (undefined entries for stack-wide ones). */
  urns: (string | undefined)[];
  notApplicable?: string;
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const options: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::aca::${type}::${name}`;
}

/** A deep copy of `base` with `change` applied: one mutation per test. */
export function mutate(base: Props, change: (props: Props) => void): Props {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

function isResourcePolicy(policy: AcaPolicy): policy is AcaResourcePolicy {
  return !policy.metadata.stack;
}

function resourceArgs(policy: AcaResourcePolicy, props: Props, config: Props, type?: string, name = "subject"): ResourceValidationArgs {
  const resourceType = type ?? policy.metadata.resourceTypes[0]!;
  const wrapped = unknownCheckingProxy(structuredClone(props));
  return {
    type: resourceType,
    props: wrapped,
    urn: urnOf(resourceType, name),
    name,
    opts: options,
    stackTags: new Map(),
    isType: (resourceClass) => (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === resourceType,
    asType: (resourceClass) => ((resourceClass as unknown as { __pulumiType?: string }).__pulumiType === resourceType ? wrapped : undefined) as never,
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? "not applicable");
    },
  };
}

async function collect(run: (report: (message: string, urn?: string) => void) => Promise<void> | void): Promise<Outcome> {
  const outcome: Outcome = { violations: [], urns: [] };
  try {
    await run((message, urn) => {
      outcome.violations.push(message);
      outcome.urns.push(urn);
    });
  } catch (error) {
    if (error instanceof NotApplicable) {
      outcome.notApplicable = error.reason;
    } else if (error instanceof UnknownValueError) {
      throw new Error(`The policy read an unknown value instead of skipping it: ${(error as Error).message}`, { cause: error });
    } else {
      throw error;
    }
  }
  return outcome;
}

/** Runs a resource policy's validations over one resource. */
export async function validate(
  policy: AcaPolicy,
  props: Props,
  settings: { config?: Props; type?: string; name?: string } = {},
): Promise<Outcome> {
  if (!isResourcePolicy(policy)) throw new Error(`${policy.name} is a stack policy`);
  const args = resourceArgs(policy, props, settings.config ?? {}, settings.type, settings.name);
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  return collect(async (report) => {
    for (const validation of validations) await validation(args, report);
  });
}

/** Runs a resource policy's remediation; the remediated properties, or undefined when it changed nothing. */
export async function remediate(
  policy: AcaPolicy,
  props: Props,
  settings: { config?: Props; type?: string } = {},
): Promise<Props | undefined> {
  if (!isResourcePolicy(policy) || !policy.remediateResource) throw new Error(`${policy.name} has no remediation`);
  const result = await policy.remediateResource(resourceArgs(policy, props, settings.config ?? {}, settings.type));
  return result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as Props);
}

/** How a fixture resource is wired to the others (by their names). */
export interface Wiring {
  parent?: string;
  dependsOn?: string[];
  /** Property → names of the resources its value came from. */
  from?: Record<string, string[]>;
}

/** A stack of fixture resources, wired the way the policy server wires AnalyzeStack resources. */
export class Stack {
  private readonly entries: { type: string; name: string; props: Props; wiring: Wiring }[] = [];

  add(type: string, name: string, props: Props, wiring: Wiring = {}): this {
    this.entries.push({ type, name, props, wiring });
    return this;
  }

  /** A copy of the stack with one resource's properties or wiring changed. */
  with(name: string, change: { props?: (props: Props) => void; wiring?: Wiring }): Stack {
    const copy = new Stack();
    for (const entry of this.entries) {
      const props = structuredClone(entry.props);
      let wiring = entry.wiring;
      if (entry.name === name) {
        change.props?.(props);
        if (change.wiring) wiring = change.wiring;
      }
      copy.entries.push({ ...entry, props, wiring });
    }
    if (!this.entries.some((e) => e.name === name)) throw new Error(`No resource named ${name}`);
    return copy;
  }

  /** A copy of the stack without a resource (and without references to it). */
  without(name: string): Stack {
    const copy = new Stack();
    const keep = (names: string[] | undefined) => names?.filter((n) => n !== name);
    for (const entry of this.entries) {
      if (entry.name === name) continue;
      const { parent, dependsOn, from } = entry.wiring;
      const wiring: Wiring = {
        ...(parent !== undefined && parent !== name ? { parent } : {}),
        ...(dependsOn ? { dependsOn: keep(dependsOn)! } : {}),
        ...(from ? { from: Object.fromEntries(Object.entries(from).map(([k, v]) => [k, keep(v)!])) } : {}),
      };
      copy.entries.push({ ...entry, props: structuredClone(entry.props), wiring });
    }
    return copy;
  }

  urn(name: string): string {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`No resource named ${name}`);
    return urnOf(entry.type, entry.name);
  }

  resources(): PolicyResource[] {
    const byName = new Map<string, PolicyResource>();
    const built = this.entries.map((entry) => {
      const wrapped = unknownCheckingProxy(structuredClone(entry.props));
      const resource: PolicyResource = {
        type: entry.type,
        name: entry.name,
        urn: urnOf(entry.type, entry.name),
        props: wrapped,
        opts: { ...options },
        dependencies: [],
        propertyDependencies: {},
        isType: (resourceClass) => (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === entry.type,
        asType: () => undefined,
      };
      byName.set(entry.name, resource);
      return { entry, resource };
    });
    const lookup = (name: string): PolicyResource => {
      const found = byName.get(name);
      if (!found) throw new Error(`Wiring names unknown resource ${name}`);
      return found;
    };
    for (const { entry, resource } of built) {
      const { parent, dependsOn = [], from = {} } = entry.wiring;
      if (parent) {
        resource.parent = lookup(parent);
        resource.opts.parent = resource.parent.urn;
      }
      const implied = Object.values(from).flat();
      resource.dependencies = [...new Set([...dependsOn, ...implied])].map(lookup);
      for (const [property, names] of Object.entries(from)) resource.propertyDependencies[property] = names.map(lookup);
    }
    return built.map((b) => b.resource);
  }
}

/** Runs a stack policy over a fixture stack. */
export async function validateStack(policy: AcaPolicy, stack: Stack, config: Props = {}): Promise<Outcome> {
  if (isResourcePolicy(policy)) throw new Error(`${policy.name} is a resource policy`);
  const stackPolicy = policy as AcaStackPolicy;
  const args: StackValidationArgs = {
    resources: stack.resources(),
    stackTags: new Map(),
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? "not applicable");
    },
  };
  return collect((report) => stackPolicy.validateStack(args, report));
}
