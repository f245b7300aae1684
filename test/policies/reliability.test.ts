import { types } from "../../policies/graph";
import { zoneRedundantReplicas } from "../../policies/reliability";
import { containerApp, environment } from "./fixtures";
import { Stack, unknownObject, unknownString, validateStack } from "./support";

const environmentId = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/web-env";

describe("aca-zone-redundant-replicas", () => {
  const zoneRedundantEnvironment = { ...environment, zoneRedundant: true };
  const app = { ...containerApp, template: { ...containerApp.template, scale: { minReplicas: 3, maxReplicas: 10 } } };
  const stack = new Stack()
    .add(types.managedEnvironment, "web-env", zoneRedundantEnvironment)
    .add(types.containerApp, "web-app", app, { from: { managedEnvironmentId: ["web-env"] } });

  it("passes an app keeping three replicas in a zone-redundant environment", async () => {
    expect((await validateStack(zoneRedundantReplicas, stack)).violations).toEqual([]);
  });

  it("reports an app that scales to zero in a zone-redundant environment, on the app", async () => {
    const scalesToZero = stack.with("web-app", { props: (p) => (p.template.scale.minReplicas = 0) });
    const outcome = await validateStack(zoneRedundantReplicas, scalesToZero);
    expect(outcome.violations).toEqual([expect.stringContaining("zone-redundant environment web-env with template.scale.minReplicas 0; set it to at least 2")]);
    expect(outcome.urns).toEqual([stack.urn("web-app")]);
  });

  it("reports an app that leaves minReplicas to ACA's default of 0", async () => {
    const unset = stack.with("web-app", { props: (p) => delete p.template.scale.minReplicas });
    expect((await validateStack(zoneRedundantReplicas, unset)).violations).toEqual([expect.stringContaining("minReplicas 0")]);
  });

  it("reports a single replica, and honours a stricter configured minimum", async () => {
    const one = stack.with("web-app", { props: (p) => (p.template.scale.minReplicas = 1) });
    expect((await validateStack(zoneRedundantReplicas, one)).violations).toHaveLength(1);
    const two = stack.with("web-app", { props: (p) => (p.template.scale.minReplicas = 2) });
    expect((await validateStack(zoneRedundantReplicas, two)).violations).toEqual([]);
    expect((await validateStack(zoneRedundantReplicas, two, { minReplicas: 3 })).violations).toEqual([expect.stringContaining("at least 3")]);
  });

  it("passes any replica count when the environment is not zone-redundant", async () => {
    const single = stack
      .with("web-env", { props: (p) => (p.zoneRedundant = false) })
      .with("web-app", { props: (p) => (p.template.scale.minReplicas = 0) });
    expect((await validateStack(zoneRedundantReplicas, single)).violations).toEqual([]);
  });

  it("finds the environment by a known id when no dependency links them", async () => {
    const byId = stack.with("web-app", {
      props: (p) => ((p.managedEnvironmentId = environmentId), (p.template.scale.minReplicas = 0)),
      wiring: {},
    });
    expect((await validateStack(zoneRedundantReplicas, byId)).violations).toHaveLength(1);
    const elsewhere = byId.with("web-app", { props: (p) => (p.managedEnvironmentId = environmentId.replace("web-env", "other-env")) });
    expect((await validateStack(zoneRedundantReplicas, elsewhere)).violations).toEqual([]);
  });

  it("does not guess while the scale or the environment is unknown", async () => {
    const unknownScale = stack.with("web-app", { props: (p) => (p.template = unknownObject) });
    expect((await validateStack(zoneRedundantReplicas, unknownScale)).violations).toEqual([]);
    const unlinked = stack.with("web-app", { props: (p) => ((p.managedEnvironmentId = unknownString), (p.template.scale.minReplicas = 0)), wiring: {} });
    expect((await validateStack(zoneRedundantReplicas, unlinked)).violations).toEqual([]);
  });
});
