/**
 * `preview-not-judged`: what the rules could not judge at preview, and why.
 *
 * At preview a property computed from a resource that does not exist yet is unknown, and a rule
 * never fails on an unknown (it cannot tell). Often much more is unknown than the value itself:
 * azure-native fills defaults into a container app's `configuration` and `template` through an
 * `apply`, so one unknown inside (a new registry's login server) makes the whole property unknown,
 * and every rule that reads it silently has nothing to judge. Every resource rule watches its reads
 * (`util.watchUnknownReads`) and records what it could not see (`unjudged.ts`); this advisory policy,
 * the last of the pack, reports each rule that met an unknown, with those properties. Called without
 * the rules having run (a policy used on its own), it runs them itself. At `pulumi up` the engine
 * judges each resource again just before creating it, when those values are known.
 *
 * Its messages start with `not judged at preview:` (the plan tool shows such resources as "not judged").
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { baselineSchema, selectedBaseline } from "./baseline";
import { classicAdapters, renamed } from "./classicAzure";
import { nativeType, types } from "./resourceTypes";
import { judgeOf, readConfig, tokenOf, type AcaPolicy, type AcaResourcePolicy, type ResourceJudge } from "./rule";
import { takeJudgements } from "./unjudged";
import { containsUnknown, propsOf, watchUnknownReads } from "./util";

export const notJudgedPrefix = "not judged at preview:";

const nouns: Record<string, string> = {
  [types.containerApp]: "container app",
  [types.job]: "job",
  [types.managedEnvironment]: "managed environment",
  [types.registry]: "registry",
  [types.vault]: "Key Vault",
  [types.storageAccount]: "storage account",
  [types.subnet]: "subnet",
  [types.virtualNetwork]: "virtual network",
  [types.roleAssignment]: "role assignment",
  [types.appInsights]: "Application Insights component",
};

/** The message for one rule that could not judge one resource. */
export function notJudgedMessage(rule: string, paths: string[], type: string): string {
  const listed = paths.map((path) => `\`${path}\``);
  const what = listed.length === 1 ? listed[0]! : `${listed.slice(0, -1).join(", ")} and ${listed[listed.length - 1]!}`;
  const verb = listed.length === 1 ? "is" : "are";
  return (
    `${notJudgedPrefix} ${rule} reads ${what}, which ${verb} unknown until the resources ${listed.length === 1 ? "it is" : "they are"} computed from exist; ` +
    `it is judged again at \`pulumi up\`, before the ${nouns[type] ?? "resource"} is created.`
  );
}

class Skipped extends Error {}

interface Entry {
  policy: AcaResourcePolicy;
  judge: ResourceJudge;
}

/** The advisory policy that reports, per resource, the rules that met an unknown value. */
export function previewNotJudged(policies: AcaPolicy[]): AcaResourcePolicy {
  const name = "preview-not-judged";
  const entries: Entry[] = [];
  for (const policy of policies) {
    if (policy.metadata.stack) continue;
    const judge = judgeOf(policy as AcaResourcePolicy);
    if (judge) entries.push({ policy: policy as AcaResourcePolicy, judge });
  }
  const byToken = new Map<string, Entry[]>();
  const entriesFor = (token: string): Entry[] => {
    let found = byToken.get(token);
    if (found === undefined) {
      found = entries.filter((entry) => entry.judge.judges(token));
      byToken.set(token, found);
    }
    return found;
  };
  const ignore: ReportViolation = () => undefined;
  return {
    name,
    description: "Names each rule that could not judge a resource at preview because a property it reads is not known yet.",
    enforcementLevel: "advisory",
    tags: ["baseline:any", "source:pulumi-aca"],
    metadata: { resourceTypes: [], baseline: "any", source: "pulumi-aca", stack: false, remediates: false },
    configSchema: { properties: { baseline: baselineSchema() } },
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const token = tokenOf(args);
      const applicable = entriesFor(token);
      const recorded = takeJudgements(args.urn);
      if (applicable.length === 0) return;
      const type = nativeType(token);
      const adapter = classicAdapters[token];
      const reportUnjudged = (rule: string, unknown: string[]) =>
        report(notJudgedMessage(rule, adapter ? unknown.map((path) => renamed(path, adapter)) : unknown, type));
      const baseline = selectedBaseline(readConfig(name, args, {}));
      const off = (policy: AcaResourcePolicy) => policy.metadata.baseline === "private" && baseline !== "private";
      if (recorded !== undefined) {
        for (const { policy } of applicable) {
          if (off(policy)) continue;
          const unknown = recorded.get(policy.name);
          if (unknown !== undefined && unknown.length > 0) reportUnjudged(policy.name, unknown);
        }
        return;
      }
      if (!containsUnknown(propsOf(args.props))) return;
      const quiet: ResourceValidationArgs = {
        ...args,
        notApplicable: () => {
          throw new Skipped();
        },
      };
      for (const { policy, judge } of applicable) {
        if (off(policy)) continue;
        const shaped = judge.shape(token, args.props);
        if (shaped === undefined) continue;
        let unknown: string[];
        try {
          unknown = watchUnknownReads(shaped, () => judge.run(shaped, type, quiet, ignore));
        } catch (error) {
          if (error instanceof Skipped) continue;
          throw error;
        }
        if (unknown.length > 0) reportUnjudged(policy.name, unknown);
      }
    },
  };
}
