import { allPolicies } from "../../policies/catalog";
import { judgeOf, type AcaResourcePolicy } from "../../policies/rule";
import { classicTypes, types } from "../../policies/resourceTypes";
import * as fixtures from "./fixtures";
import { privateBaseline, unknownString, validate, type Props } from "./support";

const resourceRules = allPolicies.filter((p) => !p.metadata.stack && judgeOf(p as AcaResourcePolicy) !== undefined) as AcaResourcePolicy[];

/** Every path to a value inside `value` (objects and list elements included). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((element, index) => [[...prefix, index], ...paths(element, [...prefix, index])]);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
  }
  return [];
}

function withUnknownAt(props: Props, path: (string | number)[]): Props {
  const copy = structuredClone(props);
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = unknownString;
  return copy;
}

async function failing(token: string, props: Props): Promise<string[]> {
  const names: string[] = [];
  for (const policy of resourceRules) {
    if (!judgeOf(policy)!.judges(token)) continue;
    const outcome = await validate(policy, props, { type: token, config: privateBaseline });
    if (outcome.violations.length > 0) names.push(policy.name);
  }
  return names;
}

const subjects: [string, Props][] = [
  [types.containerApp, fixtures.containerApp],
  [types.job, fixtures.job],
  [types.managedEnvironment, fixtures.privateEnvironment],
  [types.registry, fixtures.privateRegistry],
  [types.vault, fixtures.vault],
  [types.storageAccount, fixtures.storageAccount],
  [types.appInsights, fixtures.appInsights],
  [types.roleAssignment, fixtures.roleAssignment],
  [types.subnet, fixtures.subnet],
  [classicTypes.containerApp, fixtures.classicApp],
  [classicTypes.managedEnvironment, fixtures.classicEnvironment],
  [classicTypes.registry, fixtures.classicRegistry],
  [classicTypes.keyVault, fixtures.classicKeyVault],
  [classicTypes.storageAccount, fixtures.classicStorageAccount],
];

describe("a value unknown at preview never makes a rule fail", () => {
  it.each(subjects)("%s: no rule fails with any property (or part of one) unknown that did not fail with it known", async (token, props) => {
    const known = await failing(token, props);
    let tried = 0;
    for (const path of paths(props)) {
      const extra = (await failing(token, withUnknownAt(props, path))).filter((name) => !known.includes(name));
      expect([path.join("."), extra]).toEqual([path.join("."), []]);
      tried++;
    }
    expect(tried).toBeGreaterThan(3);
  });
});

describe("the check above", () => {
  it("sees the rules that fail a resource with known values", async () => {
    expect(await failing(types.registry, { ...fixtures.privateRegistry, adminUserEnabled: true })).toEqual(["acr-admin-user-disabled"]);
    expect(await failing(classicTypes.containerApp, { ...fixtures.classicApp, secrets: [{ name: "db", value: "hunter2" }] })).toContain("aca-secrets-key-vault");
  });
});
