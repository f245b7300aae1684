import { localAuthDisabled, workspaceBased } from "../../policies/observability";
import { appInsights } from "./fixtures";
import { mutate, unknownBoolean, validate } from "./support";

describe("appinsights-workspace-based", () => {
  it("passes a component whose workspace id is unknown at preview", async () => {
    expect((await validate(workspaceBased, appInsights)).violations).toEqual([]);
  });

  it("reports an empty workspaceResourceId, as d550e854 does", async () => {
    const empty = mutate(appInsights, (p) => (p.workspaceResourceId = ""));
    expect((await validate(workspaceBased, empty)).violations).toEqual([expect.stringContaining("workspaceResourceId")]);
  });

  it("reports a classic component without workspace", async () => {
    const bad = mutate(appInsights, (p) => delete p.workspaceResourceId);
    expect((await validate(workspaceBased, bad)).violations).toEqual([expect.stringContaining("workspaceResourceId")]);
  });

  it("reports the classic ingestion mode", async () => {
    const bad = mutate(appInsights, (p) => (p.ingestionMode = "ApplicationInsights"));
    expect((await validate(workspaceBased, bad)).violations).toEqual([expect.stringContaining('"LogAnalytics"')]);
  });
});

describe("appinsights-local-auth-disabled", () => {
  it("is advisory", () => {
    expect(localAuthDisabled.enforcementLevel).toBe("advisory");
  });

  it("passes local auth disabled", async () => {
    expect((await validate(localAuthDisabled, appInsights)).violations).toEqual([]);
  });

  it("reports instrumentation-key ingestion", async () => {
    expect((await validate(localAuthDisabled, mutate(appInsights, (p) => delete p.disableLocalAuth))).violations).toEqual([
      expect.stringContaining("disableLocalAuth to true"),
    ]);
  });

  it("does not report a setting that is unknown at preview", async () => {
    expect((await validate(localAuthDisabled, mutate(appInsights, (p) => (p.disableLocalAuth = unknownBoolean)))).violations).toEqual([]);
  });
});
