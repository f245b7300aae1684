import { ProgramError, isSecretOutput, promiseOf, record } from "../harness/recorder";
import { underHost } from "./host";

const WORKSPACE = "azure-native:operationalinsights:Workspace";
const APP_INSIGHTS = "azure-native:applicationinsights:Component";

describe("the observability block", () => {
  it("creates a Log Analytics workspace kept 30 days and a workspace-based App Insights feeding it", async () => {
    const recording = await record(async () => {
      const { createObservability } = await import("../../components/observability");
      createObservability("web", { resourceGroupName: "rg-web", workspaceName: "log-web", appInsightsName: "appi-web" }, underHost());
    });
    const workspace = recording.one(WORKSPACE);
    const insights = recording.one(APP_INSIGHTS);
    expect(workspace.inputs).toMatchObject({ workspaceName: "log-web", retentionInDays: 30, sku: { name: "PerGB2018" } });
    expect(insights.inputs).toMatchObject({ resourceName: "appi-web", ingestionMode: "LogAnalytics", applicationType: "web" });
    expect(insights.inputs.workspaceResourceId).toBe(workspace.id);
    expect(insights.propertyDependencies.workspaceResourceId).toEqual([workspace.urn]);
    expect(workspace.parent).toBe(recording.one("test:index:BlockHost").urn);
  });

  it("keeps data as long as asked", async () => {
    const recording = await record(async () => {
      const { createObservability } = await import("../../components/observability");
      createObservability("web", { resourceGroupName: "rg", workspaceName: "log-web", appInsightsName: "appi-web", retentionInDays: 90 }, underHost());
    });
    expect(recording.one(WORKSPACE).inputs.retentionInDays).toBe(90);
  });

  it("hands out the connection string and the workspace key as secrets", async () => {
    const checks: Array<Promise<unknown>> = [];
    await record(async () => {
      const { createObservability } = await import("../../components/observability");
      const result = createObservability("web", { resourceGroupName: "rg", workspaceName: "log-web", appInsightsName: "appi-web" }, underHost());
      checks.push(isSecretOutput(result.connectionString), isSecretOutput(result.workspaceSharedKey), promiseOf(result.connectionString), promiseOf(result.workspaceSharedKey));
    });
    const [connectionSecret, keySecret, connection, key] = await Promise.all(checks);
    expect(connectionSecret).toBe(true);
    expect(keySecret).toBe(true);
    expect(connection).toMatch(/^InstrumentationKey=/);
    expect(key).toMatch(/^mock-primary-key-/);
  });

  it("keeps the connection string and instrumentation key secret in the App Insights resource's own state", async () => {
    const recording = await record(async () => {
      const { createObservability } = await import("../../components/observability");
      createObservability("web", { resourceGroupName: "rg", workspaceName: "log-web", appInsightsName: "appi-web" }, underHost());
    });
    expect(recording.one("azure-native:applicationinsights:Component").additionalSecretOutputs.sort()).toEqual(["connectionString", "instrumentationKey"]);
  });

  it("refuses a retention outside 30-730 days before registering anything", async () => {
    const failure = await record(async () => {
      const { createObservability } = await import("../../components/observability");
      createObservability("web", { resourceGroupName: "rg", workspaceName: "log-web", appInsightsName: "appi-web", retentionInDays: 7 }, underHost());
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramError);
    expect((failure as ProgramError).message).toBe("Invalid `logRetentionInDays`: 7; must be an integer from 30 to 730.");
    expect((failure as ProgramError).recording.cloudResources).toEqual([]);
  });

  it("refuses an invalid workspace name", async () => {
    const failure = await record(async () => {
      const { createObservability } = await import("../../components/observability");
      createObservability("web", { resourceGroupName: "rg", workspaceName: "log", appInsightsName: "appi-web" }, underHost());
    }).catch((error: unknown) => error);
    expect((failure as ProgramError).message).toContain("Invalid `workspaceName`: \"log\"; a logAnalyticsWorkspace name must be 4-63");
    expect((failure as ProgramError).recording.cloudResources).toEqual([]);
  });
});
