/**
 * `arm-*` rules for network security groups: what ARM refuses in a security rule although the
 * azure-native types accept it. They judge inline rules (`NetworkSecurityGroup.securityRules`) and
 * standalone `SecurityRule` resources alike.
 */
import { isIP } from "node:net";
import type { PolicyResource } from "@pulumi/policy";
import { dependsThrough, ofType, props, types } from "./graph";
import { resourceRule, stackRule, type AcaPolicy } from "./rule";
import { UNKNOWN, at, knownList, list, num, sameName, str, type JsonObject } from "./util";

/**
 * Swagger: `sourceAddressPrefix` takes a CIDR, an IP range, `*` or a tag; `sourceAddressPrefixes`
 * takes "the CIDR or source IP ranges" (the same for destinations). ARM answers a tag in a plural
 * field with 400 SecurityRuleParameterContainsUnsupportedValue.
 */
const securityRuleSpec =
  "azure-rest-api-specs:specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/networkSecurityGroup.json";

const pluralFields = [
  { plural: "sourceAddressPrefixes", singular: "sourceAddressPrefix" },
  { plural: "destinationAddressPrefixes", singular: "destinationAddressPrefix" },
] as const;

/** True for an IPv4/IPv6 address or CIDR block ("10.0.0.0/24", "2001:db8::/32", "168.63.129.16"). */
export function isAddressOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.trim().split("/");
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A security rule with a label for messages: inline in an NSG or a standalone resource. */
interface LabelledRule {
  label: string;
  rule: unknown;
}

/** The security rules a resource declares: the NSG's inline rules, or the standalone rule itself. */
function rulesOf(type: string, p: JsonObject, resourceName: string): LabelledRule[] {
  if (type === types.securityRule) return [{ label: str(at(p, "securityRuleName")) ?? resourceName, rule: p }];
  return knownList(at(p, "securityRules")).map((rule, index) => ({ label: str(at(rule, "name")) ?? `#${index + 1}`, rule }));
}

export const serviceTagsSingular = resourceRule([types.networkSecurityGroup, types.securityRule], {
  name: "arm-nsg-service-tags-singular",
  description: "NSG rules put service tags and `*` only in the singular address prefix fields; the plural fields take IP addresses and CIDR ranges.",
  enforcementLevel: "mandatory",
  source: securityRuleSpec,
  validate: (p, { report, args }) => {
    for (const { label, rule } of rulesOf(args.type, p, args.name)) {
      for (const { plural, singular } of pluralFields) {
        const values = list(at(rule, plural));
        if (values === UNKNOWN) continue;
        for (const value of values) {
          const text = str(value);
          if (text === undefined || isAddressOrCidr(text)) continue;
          report(
            `Security rule ${label} must put "${text}" in ${singular}, not ${plural}: service tags and * are accepted only in the singular field ` +
              `(ARM answers 400 SecurityRuleParameterContainsUnsupportedValue); ${plural} takes IP addresses and CIDR ranges.`,
          );
        }
      }
    }
  },
});

/** Swagger: "The value can be between 100 and 4096." */
export const minimumPriority = 100;
export const maximumPriority = 4096;

export const priorityRange = resourceRule([types.networkSecurityGroup, types.securityRule], {
  name: "arm-nsg-priority-range",
  description: "NSG rule priorities are whole numbers from 100 to 4096.",
  enforcementLevel: "mandatory",
  source: securityRuleSpec,
  validate: (p, { report, args }) => {
    for (const { label, rule } of rulesOf(args.type, p, args.name)) {
      const priority = num(at(rule, "priority"));
      if (priority === undefined) continue;
      if (!Number.isInteger(priority) || priority < minimumPriority || priority > maximumPriority) {
        report(`Security rule ${label} must have a priority from ${minimumPriority} to ${maximumPriority} (is ${priority}).`);
      }
    }
  },
});

/** One rule of an NSG as the uniqueness check sees it. */
interface RankedRule {
  label: string;
  priority: number;
  direction: string;
  /** The resource to report on: the NSG for inline rules, the rule itself for standalone ones. */
  urn: string;
}

function ranked(label: string, rule: unknown, urn: string): RankedRule | undefined {
  const priority = num(at(rule, "priority"));
  const direction = str(at(rule, "direction"));
  if (priority === undefined || direction === undefined) return undefined;
  return { label, priority, direction: direction.toLowerCase(), urn };
}

/** The NSG a standalone rule belongs to: by dependency, else by the NSG's known name. */
function groupOf(rule: PolicyResource, groups: PolicyResource[]): PolicyResource | undefined {
  const byDependency = groups.filter((group) => dependsThrough(rule, "networkSecurityGroupName", group));
  if (byDependency.length === 1) return byDependency[0];
  const name = str(at(props(rule), "networkSecurityGroupName"));
  const resourceGroup = str(at(props(rule), "resourceGroupName"));
  const byName = groups.filter((group) => {
    const p = props(group);
    const groupResourceGroup = str(at(p, "resourceGroupName"));
    return sameName(str(at(p, "networkSecurityGroupName")), name) && (resourceGroup === undefined || groupResourceGroup === undefined || sameName(resourceGroup, groupResourceGroup));
  });
  return byName.length === 1 ? byName[0] : undefined;
}

export const priorityUnique = stackRule({
  name: "arm-nsg-priority-unique",
  description: "No two rules of one NSG share a priority in the same direction (inline and standalone rules together).",
  enforcementLevel: "mandatory",
  // ARM answers SecurityRuleConflict: "Rules cannot have the same Priority and Direction."
  source: "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules",
  resourceTypes: [types.networkSecurityGroup, types.securityRule],
  validate: (resources, { report }) => {
    const groups = ofType(resources, types.networkSecurityGroup);
    const members = new Map<string, { name: string; rules: RankedRule[] }>();
    const add = (key: string, name: string, rule: RankedRule | undefined) => {
      if (!rule) return;
      const entry = members.get(key) ?? { name, rules: [] };
      entry.rules.push(rule);
      members.set(key, entry);
    };
    for (const group of groups) {
      const name = str(at(props(group), "networkSecurityGroupName")) ?? group.name;
      for (const { label, rule } of rulesOf(group.type, props(group), group.name)) add(group.urn, name, ranked(label, rule, group.urn));
    }
    for (const standalone of ofType(resources, types.securityRule)) {
      const p = props(standalone);
      const label = str(at(p, "securityRuleName")) ?? standalone.name;
      const group = groupOf(standalone, groups);
      if (group) {
        add(group.urn, str(at(props(group), "networkSecurityGroupName")) ?? group.name, ranked(label, p, standalone.urn));
        continue;
      }
      const groupName = str(at(p, "networkSecurityGroupName"));
      if (groupName === undefined) continue;
      const key = `${(str(at(p, "resourceGroupName")) ?? "").toLowerCase()}/${groupName.toLowerCase()}`;
      add(key, groupName, ranked(label, p, standalone.urn));
    }
    for (const { name, rules } of members.values()) {
      const seen = new Map<string, RankedRule>();
      for (const rule of rules) {
        const key = `${rule.direction}|${rule.priority}`;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, rule);
          continue;
        }
        report(
          `Security rules ${first.label} and ${rule.label} of network security group ${name} must not share priority ${rule.priority} ` +
            `in direction ${rule.direction === "inbound" ? "Inbound" : rule.direction === "outbound" ? "Outbound" : rule.direction} ` +
            "(ARM answers SecurityRuleConflict): give each rule its own priority.",
          rule.urn,
        );
      }
    }
  },
});

export const armNetworkPolicies: AcaPolicy[] = [serviceTagsSingular, priorityRange, priorityUnique];
