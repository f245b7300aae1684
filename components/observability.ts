import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { checkNameIfKnown, checkedName } from "./naming";
import { checkRetention } from "./validation";

export interface ObservabilityArgs {
  /** Resource group for both resources. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region; default: the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** Log Analytics workspace name (4-63 alphanumerics and hyphens); an Output is checked once known. */
  readonly workspaceName: pulumi.Input<string>;
  /** Application Insights component name; an Output is checked once known. */
  readonly appInsightsName: pulumi.Input<string>;
  /** Days Log Analytics keeps data, 30–730. Default 30. */
  readonly retentionInDays?: number;
  /** Tags for both resources. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Log Analytics plus workspace-based Application Insights, and what an environment needs of them. */
export interface Observability {
  readonly workspace: operationalinsights.Workspace;
  readonly appInsights: applicationinsights.Component;
  /** The workspace's customer id (what ACA's log configuration calls it). */
  readonly workspaceCustomerId: pulumi.Output<string>;
  /** The workspace's primary shared key, secret. */
  readonly workspaceSharedKey: pulumi.Output<string>;
  /** App Insights connection string, secret. */
  readonly connectionString: pulumi.Output<string>;
}

/** Validates the observability args; throws before anything is registered (names given as Outputs: once known). */
export function validateObservabilityArgs(args: ObservabilityArgs): void {
  checkNameIfKnown("logAnalyticsWorkspace", "workspaceName", args.workspaceName);
  checkNameIfKnown("applicationInsights", "appInsightsName", args.appInsightsName);
  checkRetention(args.retentionInDays ?? 30);
}

/** Creates a Log Analytics workspace and a workspace-based App Insights component that ingests into it. */
export function createObservability(name: string, args: ObservabilityArgs, opts: pulumi.CustomResourceOptions): Observability {
  validateObservabilityArgs(args);
  const workspace = new operationalinsights.Workspace(
    `${name}-law`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      workspaceName: checkedName("logAnalyticsWorkspace", "workspaceName", args.workspaceName),
      sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
      retentionInDays: args.retentionInDays ?? 30,
      tags: args.tags,
    },
    opts,
  );
  const appInsights = new applicationinsights.Component(
    `${name}-appi`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      resourceName: checkedName("applicationInsights", "appInsightsName", args.appInsightsName),
      kind: "web",
      applicationType: applicationinsights.ApplicationType.Web,
      // Workspace-based: telemetry lands in the same Log Analytics workspace as the console logs.
      ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
      workspaceResourceId: workspace.id,
      tags: args.tags,
    },
    // Secret in the resource's own state too, not only in what the component hands out: the connection string
    // (and the instrumentation key inside it) lets anyone write telemetry into this App Insights.
    { ...opts, additionalSecretOutputs: ["connectionString", "instrumentationKey"] },
  );
  const keys = operationalinsights.getSharedKeysOutput(
    { resourceGroupName: args.resourceGroupName, workspaceName: workspace.name },
    { parent: opts.parent },
  );
  return {
    workspace,
    appInsights,
    workspaceCustomerId: workspace.customerId,
    workspaceSharedKey: pulumi.secret(keys.apply((result) => result.primarySharedKey ?? "")),
    connectionString: pulumi.secret(appInsights.connectionString),
  };
}
