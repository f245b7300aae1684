/**
 * What each resource rule could not judge, per resource, while the pack answers one Analyze request.
 *
 * The policy server runs a request's policies one after the other, `preview-not-judged` last. Each
 * resource rule records here the properties it found unknown (none when it judged everything), and
 * `preview-not-judged` takes the record for the same resource, so nothing is judged twice. Records
 * nobody takes (a disabled `preview-not-judged`) are dropped beyond a bound.
 */
const limit = 10_000;
const byResource = new Map<string, Map<string, string[]>>();

/** Notes that `rule` judged the resource `urn`, unable to see `unknownPaths`. */
export function recordJudgement(urn: string, rule: string, unknownPaths: string[]): void {
  let record = byResource.get(urn);
  if (record === undefined) {
    if (byResource.size >= limit) byResource.delete(byResource.keys().next().value!);
    record = new Map();
    byResource.set(urn, record);
  }
  record.set(rule, unknownPaths);
}

/** The rules that judged `urn` since the last call, and what each could not see; undefined when none did. */
export function takeJudgements(urn: string): Map<string, string[]> | undefined {
  const record = byResource.get(urn);
  byResource.delete(urn);
  return record;
}
