/**
 * Value access shared by every rule.
 *
 * At preview most outputs are unknown. The engine sends them as sentinel strings and the policy
 * server wraps resource properties in a proxy that throws on reading one. Rules read the plain
 * object behind that proxy and treat unknowns as a value of their own (`UNKNOWN`), so a rule can
 * only ever report a value it actually knows.
 */

/** A value that is not known until the resource is created (preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** The wire sentinels for unknown values (the engine's and the policy SDK's). */
const unknownSentinels = new Set<string>([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The proxy key under which the policy SDK exposes the object it wraps. */
const proxyTargetKey = "__getSpecialProxyTarget";

export type JsonObject = Record<string, unknown>;

/** True for the unknown sentinel or `UNKNOWN`. */
export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN || (typeof value === "string" && unknownSentinels.has(value));
}

/** The plain object behind the policy SDK's unknown-checking proxy (or the value itself). */
export function raw(value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    const target = (value as Record<string, unknown>)[proxyTargetKey];
    if (target !== undefined && target !== null && typeof target === "object") return target;
  }
  return value;
}

/** Resource properties as a plain object; unknown or missing properties become `{}`. */
export function propsOf(props: unknown): JsonObject {
  const value = raw(props);
  return isObject(value) ? value : {};
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A step of a property path: a key or a list index. */
export type PathStep = string | number;

/**
 * The unknown values a rule met while `watchUnknownReads` watches it: the object the read started
 * from and the steps walked until the unknown. Reads cost nothing extra unless they meet an unknown;
 * only then is the object traced back to its path in the resource's properties.
 */
interface UnknownRead {
  root: unknown;
  steps: readonly PathStep[];
}

let unknownReads: UnknownRead[] | undefined;

/**
 * Runs `read` (a rule's validation) and returns the property paths it found unknown, outermost
 * first: the properties the rule could not judge. Reads through `peek`, and `present` of a value that
 * is set, do not count.
 */
export function watchUnknownReads(props: JsonObject, read: () => void): string[] {
  const outer = unknownReads;
  const reads: UnknownRead[] = [];
  unknownReads = reads;
  try {
    read();
  } finally {
    unknownReads = outer;
  }
  if (reads.length === 0) return [];
  const located = new Map<unknown, readonly PathStep[] | undefined>();
  const paths: (readonly PathStep[])[] = [];
  for (const { root, steps } of reads) {
    if (!located.has(root)) located.set(root, pathTo(props, root));
    const base = located.get(root);
    if (base !== undefined) paths.push([...base, ...steps]);
  }
  return outermostPaths(paths);
}

/** The path from `props` to the object `target` inside it (by identity), if it is there. */
function pathTo(props: unknown, target: unknown, prefix: PathStep[] = []): readonly PathStep[] | undefined {
  if (props === target) return prefix;
  if (Array.isArray(props)) {
    for (let i = 0; i < props.length; i++) {
      const found = pathTo(props[i], target, [...prefix, i]);
      if (found) return found;
    }
  } else if (props !== null && typeof props === "object") {
    for (const key of Object.keys(props)) {
      const found = pathTo((props as JsonObject)[key], target, [...prefix, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Dotted paths, with paths inside another recorded path dropped (`configuration` covers `configuration.ingress`). */
function outermostPaths(paths: (readonly PathStep[])[]): string[] {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const kept: (readonly PathStep[])[] = [];
  for (const path of sorted) {
    if (!kept.some((outer) => outer.every((step, i) => path[i] === step))) kept.push(path);
  }
  return kept.map(formatPath);
}

/** `["template", "containers", 0, "image"]` → `template.containers[0].image`. */
export function formatPath(path: readonly PathStep[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

function noteUnknown(root: unknown, path: readonly PathStep[], walked: number): void {
  if (unknownReads !== undefined && root !== null && typeof root === "object") unknownReads.push({ root, steps: path.slice(0, walked) });
}

/** Walks `path`: the value found, `undefined` when a step is absent, `UNKNOWN` (and how many steps were walked) when one is unknown. */
function walk(root: unknown, path: readonly PathStep[]): { value: unknown; blockedAt?: number } {
  let current: unknown = raw(root);
  for (let i = 0; i < path.length; i++) {
    if (isUnknown(current)) return { value: UNKNOWN, blockedAt: i };
    if (current === undefined || current === null) return { value: undefined };
    const step = path[i]!;
    if (typeof step === "number") {
      if (!Array.isArray(current)) return { value: undefined };
      current = current[step];
    } else {
      if (typeof current !== "object") return { value: undefined };
      current = (current as JsonObject)[step];
    }
  }
  return isUnknown(current) ? { value: UNKNOWN, blockedAt: path.length } : { value: current };
}

/**
 * Walks `path` from `root`: the value found, `undefined` when a step is absent, or `UNKNOWN`
 * when a step (or the value) is unknown. Under `watchUnknownReads` an unknown counts as a read
 * the rule could not judge.
 */
export function at(root: unknown, ...path: PathStep[]): unknown {
  const { value, blockedAt } = walk(root, path);
  if (blockedAt !== undefined) noteUnknown(raw(root), path, blockedAt);
  return value;
}

/** `at` for values a rule only names in messages (a container's name): an unknown there does not stop it judging. */
export function peek(root: unknown, ...path: PathStep[]): unknown {
  return walk(root, path).value;
}

/**
 * Is the property at `path` set? True when it is, known or not (`identity: identity.id` is set
 * while the id is still unknown); false when absent; `UNKNOWN` when an enclosing value is unknown,
 * so it cannot be told (and, under `watchUnknownReads`, a read the rule could not judge).
 */
export function present(root: unknown, ...path: PathStep[]): boolean | Unknown {
  const { value, blockedAt } = walk(root, path);
  if (blockedAt === undefined) return value !== undefined && value !== null;
  if (blockedAt === path.length) return true;
  noteUnknown(raw(root), path, blockedAt);
  return UNKNOWN;
}

/** The elements of a list: `[]` when absent, `UNKNOWN` when the list itself is unknown. */
export function list(value: unknown): unknown[] | Unknown {
  const v = raw(value);
  if (isUnknown(v)) return UNKNOWN;
  return Array.isArray(v) ? v : [];
}

/** The elements of a list, or `[]` when it is absent or unknown (for rules that skip unknowns). */
export function knownList(value: unknown): unknown[] {
  const l = list(value);
  return l === UNKNOWN ? [] : l;
}

/** True when a value holds an unknown anywhere inside it. */
export function containsUnknown(value: unknown): boolean {
  const v = raw(value);
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") {
    for (const key in v as JsonObject) if (containsUnknown((v as JsonObject)[key])) return true;
  }
  return false;
}

/** A known string, or undefined (absent, unknown or not a string). */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** A known number, or undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && !isUnknown(value) && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** Case-insensitive equality for Azure enum strings ("Disabled" vs "disabled"). */
export function sameText(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/** Bytes per unit of a memory quantity: binary (`Gi`, `Mi`, …) and decimal (`G`, `M`, …; `Gb`, `Mb` as the API reference's "250Mb" example writes them). */
const memoryUnits: Record<string, number> = {
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/**
 * A memory quantity as ACA accepts it, in GiB: "1Gi", "0.5Gi", ".5Gi" (Microsoft's own quickstarts
 * write it so), "1.0Gi", "512Mi", "2G", "250Mb"; a bare number counts as GiB. Undefined if unparsable.
 * https://learn.microsoft.com/azure/container-apps/containers#allocations
 */
export function memoryGi(value: unknown): number | undefined {
  const s = str(value)?.trim();
  if (!s) return undefined;
  const match = /^(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]i?b?)?$/i.exec(s);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  if (unit === undefined) return amount;
  const bytes = memoryUnits[unit];
  return bytes === undefined ? undefined : (amount * bytes) / 2 ** 30;
}

/** The prefix length of an IPv4/IPv6 CIDR ("10.0.0.0/23" → 23), undefined if not a CIDR. */
export function prefixLength(cidr: unknown): number | undefined {
  const s = str(cidr);
  if (!s) return undefined;
  const match = /\/(\d{1,3})$/.exec(s.trim());
  return match ? Number(match[1]) : undefined;
}

/** One `type/name` pair of an ARM id, type lower-cased ("registries", "subnets"). */
export interface ArmSegment {
  type: string;
  name: string;
}

/** A parsed ARM resource id. */
export interface ArmId {
  subscription?: string;
  resourceGroup?: string;
  /** Provider namespace, lower-cased ("microsoft.containerregistry"). */
  provider?: string;
  /** The `type/name` pairs after the provider namespace. */
  segments: ArmSegment[];
}

/** Parses an ARM id; undefined when the value is unknown or not an ARM id. */
export function parseArmId(value: unknown): ArmId | undefined {
  const s = str(value);
  if (!s || !s.startsWith("/")) return undefined;
  const parts = s.split("/").filter((p) => p !== "");
  const id: ArmId = { segments: [] };
  let i = 0;
  while (i < parts.length) {
    const key = parts[i]!.toLowerCase();
    const next = parts[i + 1];
    if (key === "subscriptions" && next !== undefined) {
      id.subscription = next;
      i += 2;
    } else if (key === "resourcegroups" && next !== undefined) {
      id.resourceGroup = next;
      i += 2;
    } else if (key === "providers" && next !== undefined) {
      id.provider = next.toLowerCase();
      i += 2;
      while (i + 1 < parts.length) {
        id.segments.push({ type: parts[i]!.toLowerCase(), name: parts[i + 1]! });
        i += 2;
      }
      break;
    } else {
      return undefined;
    }
  }
  return id;
}

/** The name of the segment of `type` in an ARM id ("registries" → "myacr"). */
export function armName(id: ArmId | undefined, type: string): string | undefined {
  return id?.segments.find((s) => s.type === type.toLowerCase())?.name;
}

/** The last path segment of an ARM id ("/…/roleDefinitions/<guid>" → "<guid>"). */
export function lastSegment(value: unknown): string | undefined {
  const s = str(value);
  if (!s) return undefined;
  const parts = s.split("/").filter((p) => p !== "");
  return parts[parts.length - 1];
}

/** Case-insensitive name equality, for Azure names that are case-insensitive. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Shell-style glob (`*` and `?`) to an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/**
 * The object at `path` for a remediation to edit in place, or undefined when a step is missing,
 * unknown or not an object. It reads through whatever view it is given (no unwrapping), so edits
 * land in the object the engine reads back.
 */
export function objectAt(root: unknown, ...path: string[]): JsonObject | undefined {
  let current: unknown = root;
  for (const step of path) {
    if (!isObject(current)) return undefined;
    current = current[step];
  }
  return isObject(current) ? current : undefined;
}

/** The object at `key` of `parent`, created when absent; undefined when the value is unknown or not an object. */
export function ensureObject(parent: JsonObject, key: string): JsonObject | undefined {
  const existing = parent[key];
  if (existing === undefined || existing === null) {
    parent[key] = {};
    return parent[key] as JsonObject;
  }
  return isObject(existing) ? existing : undefined;
}
