import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { checkIfKnown, checkedInput } from "./inputs";
import { ValidationError } from "./validation";

/** The Azure resource kinds this package names, each with Azure's own naming rule. */
export type ResourceKind =
  | "resourceGroup"
  | "containerRegistry"
  | "containerApp"
  | "containerAppJob"
  | "managedEnvironment"
  | "logAnalyticsWorkspace"
  | "applicationInsights"
  | "userAssignedIdentity"
  | "keyVault"
  | "storageAccount"
  | "virtualNetwork"
  | "subnet"
  | "networkSecurityGroup"
  | "privateEndpoint"
  | "imageRepository";

/** One resource kind's naming rule, as Azure enforces it. */
export interface NameRule {
  /** Shortest name Azure accepts. */
  readonly minLength: number;
  /** Longest name Azure accepts. */
  readonly maxLength: number;
  /** The whole name must match this. */
  readonly pattern: RegExp;
  /** The rule in words, used in error messages. */
  readonly description: string;
  /** Abbreviation used as the generated name's prefix (Cloud Adoption Framework style). */
  readonly abbreviation: string;
  /** Separator between generated name parts; "" where Azure allows only alphanumerics. */
  readonly separator: "-" | "";
  /** Globally unique names (they become DNS labels) get a hash suffix derived from the naming seed. */
  readonly globallyUnique: boolean;
}

export const NAME_RULES: Readonly<Record<ResourceKind, NameRule>> = {
  resourceGroup: {
    minLength: 1,
    maxLength: 90,
    pattern: /^[\p{L}\p{N}_().-]*[\p{L}\p{N}_()-]$/u,
    description: "1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
    abbreviation: "rg",
    separator: "-",
    globallyUnique: false,
  },
  containerRegistry: {
    minLength: 5,
    maxLength: 50,
    pattern: /^[a-zA-Z0-9]+$/,
    description: "5-50 letters and digits only",
    abbreviation: "cr",
    separator: "",
    globallyUnique: true,
  },
  containerApp: {
    minLength: 2,
    maxLength: 32,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    description: "2-32 lowercase letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
    abbreviation: "ca",
    separator: "-",
    globallyUnique: false,
  },
  // Microsoft.App/jobs: the container app rule, and the Cloud Adoption Framework's "caj" prefix
  // (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.ContainerApp.JobNaming/).
  containerAppJob: {
    minLength: 2,
    maxLength: 32,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    description: "2-32 lowercase letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
    abbreviation: "caj",
    separator: "-",
    globallyUnique: false,
  },
  managedEnvironment: {
    minLength: 2,
    maxLength: 60,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    description: "2-60 lowercase letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
    abbreviation: "cae",
    separator: "-",
    globallyUnique: false,
  },
  logAnalyticsWorkspace: {
    minLength: 4,
    maxLength: 63,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    description: "4-63 letters, digits and hyphens, starting and ending with a letter or digit",
    abbreviation: "log",
    separator: "-",
    globallyUnique: false,
  },
  applicationInsights: {
    minLength: 1,
    maxLength: 260,
    pattern: /^[^%&\\?/]*[^%&\\?/. ]$/,
    description: "1-260 characters without % & \\ ? /, not ending with a space or period",
    abbreviation: "appi",
    separator: "-",
    globallyUnique: false,
  },
  userAssignedIdentity: {
    minLength: 3,
    maxLength: 128,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
    description: "3-128 letters, digits, hyphens and underscores, starting with a letter or digit",
    abbreviation: "id",
    separator: "-",
    globallyUnique: false,
  },
  keyVault: {
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    description: "3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
    abbreviation: "kv",
    separator: "-",
    globallyUnique: true,
  },
  storageAccount: {
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-z0-9]+$/,
    description: "3-24 lowercase letters and digits only",
    abbreviation: "st",
    separator: "",
    globallyUnique: true,
  },
  virtualNetwork: {
    minLength: 2,
    maxLength: 64,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/,
    description: "2-64 letters, digits, underscores, periods and hyphens, starting with a letter or digit, ending with a letter, digit or underscore",
    abbreviation: "vnet",
    separator: "-",
    globallyUnique: false,
  },
  subnet: {
    minLength: 1,
    maxLength: 80,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    description: "1-80 letters, digits, underscores, periods and hyphens, starting with a letter or digit, ending with a letter, digit or underscore",
    abbreviation: "snet",
    separator: "-",
    globallyUnique: false,
  },
  networkSecurityGroup: {
    minLength: 1,
    maxLength: 80,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    description: "1-80 letters, digits, underscores, periods and hyphens, starting with a letter or digit, ending with a letter, digit or underscore",
    abbreviation: "nsg",
    separator: "-",
    globallyUnique: false,
  },
  privateEndpoint: {
    minLength: 2,
    maxLength: 64,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/,
    description: "2-64 letters, digits, underscores, periods and hyphens, starting with a letter or digit, ending with a letter, digit or underscore",
    abbreviation: "pep",
    separator: "-",
    globallyUnique: false,
  },
  imageRepository: {
    minLength: 1,
    maxLength: 128,
    pattern: /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    description: "1-128 lowercase letters and digits in '/'-separated path components, joined by '.', '_', '__' or hyphens",
    abbreviation: "",
    separator: "-",
    globallyUnique: false,
  },
};

/** True when `value` satisfies Azure's naming rule for `kind`. */
export function isValidName(kind: ResourceKind, value: string): boolean {
  const rule = NAME_RULES[kind];
  const length = [...value].length;
  return length >= rule.minLength && length <= rule.maxLength && rule.pattern.test(value);
}

/** Throws an Error naming the field, the value and the rule when `value` is not a valid `kind` name. */
export function checkName(kind: ResourceKind, field: string, value: string): void {
  if (!isValidName(kind, value)) {
    throw new ValidationError(field, value, `a ${kind} name must be ${NAME_RULES[kind].description}`);
  }
}

/** {@link checkName} before anything is registered: a name known now is checked, one known only later is left for {@link checkedName}. */
export function checkNameIfKnown(kind: ResourceKind, field: string, value: pulumi.Input<string>): void {
  checkIfKnown(value, (name) => checkName(kind, field, name));
}

/**
 * The name to give the resource: a known name checked now, or an Output (another stack's, another resource's)
 * checked inside `apply` once known, failing the deployment with the same error as {@link checkName}.
 */
export function checkedName(kind: ResourceKind, field: string, value: pulumi.Input<string>): pulumi.Input<string> {
  return checkedInput(value, (name) => checkName(kind, field, name));
}

/** A short, stable, lowercase hex hash of a text. */
export function shortHash(text: string, length = 6): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, length);
}

/** Lowercase ASCII letters and digits of `text`, other runs replaced by `separator`, trimmed. */
function slug(text: string, separator: "-" | ""): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();
  const joined = ascii.replace(/[^a-z0-9]+/g, separator);
  return separator ? joined.replace(/^-+|-+$/g, "") : joined;
}

export interface GenerateNameOptions {
  /**
   * Seed for the hash suffix of globally unique names (registry, Key Vault, storage account), e.g.
   * `project/stack/component`, so two stacks never claim the same DNS label. Default: the base name.
   */
  readonly uniqueSeed?: string;
  /**
   * The Pulumi stack, appended to the base of names that need only be unique within a subscription or a
   * resource group (`rg-web-dev`, `cae-web-prod`), so two stacks of one program never collide. Globally unique
   * kinds ignore it: their hash suffix comes from `uniqueSeed`, which already names the stack. Default: none.
   */
  readonly stack?: string;
}

/**
 * A deterministic name for a `kind` of resource derived from `base` (usually the component name), always
 * valid per Azure's rule: `<abbreviation>-<slug>` (alphanumerics only where Azure demands it), with a hash
 * suffix for globally unique kinds, and shortened with a hash of the full base when too long. Non-ASCII
 * letters lose their accents; a base with no usable characters is replaced by its hash.
 */
export function generateName(kind: ResourceKind, base: string, options: GenerateNameOptions = {}): string {
  const rule = NAME_RULES[kind];
  const separator = rule.separator;
  if (options.stack !== undefined && !rule.globallyUnique) base = `${base}-${options.stack}`;
  let body = slug(base, separator);
  if (body === "") body = `x${shortHash(base)}`;
  const prefix = rule.abbreviation ? `${rule.abbreviation}${separator}` : /^[a-z]/.test(body) ? "" : "x";
  const unique = rule.globallyUnique ? `${separator}${shortHash(options.uniqueSeed ?? base)}` : "";
  let name = `${prefix}${body}${unique}`;
  if (name.length > rule.maxLength) {
    const marker = `${separator}${shortHash(base)}`;
    const room = rule.maxLength - prefix.length - marker.length - unique.length;
    let truncated = body.slice(0, Math.max(room, 0));
    if (separator) truncated = truncated.replace(/-+$/, "");
    name = truncated ? `${prefix}${truncated}${marker}${unique}` : `${prefix}${marker.slice(separator.length)}${unique}`;
  }
  while (name.length < rule.minLength) name += "0";
  if (!isValidName(kind, name)) {
    throw new Error(`Generated ${kind} name ${JSON.stringify(name)} from ${JSON.stringify(base)} breaks the rule: ${rule.description}.`);
  }
  return name;
}
