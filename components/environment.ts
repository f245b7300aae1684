import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import { checkNameIfKnown, checkedName } from "./naming";
import { ENVIRONMENT_KINDS, type EnvironmentKind } from "./subnets";
import { ValidationError, checkOneOf } from "./validation";

/** The workload profile every workload-profiles environment gets: serverless, billed per use. */
export const CONSUMPTION_PROFILE = "Consumption";

export interface EnvironmentArgs {
  /** Resource group of the environment. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region; default: the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** The environment's Azure name (2-60 lowercase letters, digits, hyphens); an Output is checked once known. */
  readonly environmentName: pulumi.Input<string>;
  /**
   * "workload-profiles" (default): the Consumption profile, infrastructure subnet ≥ /27 delegated to
   * Microsoft.App/environments. "consumption-only" (legacy): no workload profiles, infrastructure subnet
   * ≥ /23 and not delegated.
   */
  readonly environmentKind?: EnvironmentKind;
  /** Dedicated workload profiles next to Consumption (workload-profiles environments only). Default none. */
  readonly dedicatedProfiles?: readonly DedicatedProfileSettings[];
  /** Log Analytics workspace customer id; console and system logs go there. */
  readonly logAnalyticsCustomerId: pulumi.Input<string>;
  /** Log Analytics workspace shared key (secret). */
  readonly logAnalyticsSharedKey: pulumi.Input<string>;
  /**
   * App Insights connection string (secret). The managed OpenTelemetry agent forwards the apps' OTLP
   * traces and logs there (App Insights takes no metrics from the agent).
   */
  readonly appInsightsConnectionString: pulumi.Input<string>;
  /** Put the environment in a VNet. Default: no VNet (Azure-managed network). */
  readonly vnet?: {
    /** The infrastructure subnet, sized and delegated as `environmentKind` requires. */
    readonly infrastructureSubnetId: pulumi.Input<string>;
    /** True: only a private static IP, no public endpoint. Default false. */
    readonly internal?: boolean;
  };
  /** "Enabled" or "Disabled" public traffic to the environment. Default: Azure's ("Enabled"). */
  readonly publicNetworkAccess?: "Enabled" | "Disabled";
  /** Encrypt traffic between apps inside the environment (mTLS between replicas). Default true. */
  readonly peerTrafficEncryption?: boolean;
  /** Spread across availability zones (needs a VNet). Default false. */
  readonly zoneRedundant?: boolean;
  /** Tags for the environment. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A Dedicated workload profile as the environment takes it. */
export interface DedicatedProfileSettings {
  readonly name: string;
  readonly workloadProfileType: string;
  readonly minimumCount: number;
  readonly maximumCount: number;
}

/** Validates the environment args; throws before anything is registered. */
export function validateEnvironmentArgs(
  args: Pick<EnvironmentArgs, "environmentName" | "environmentKind" | "publicNetworkAccess" | "vnet" | "zoneRedundant">,
): void {
  checkNameIfKnown("managedEnvironment", "environmentName", args.environmentName);
  if (args.environmentKind !== undefined) checkOneOf("environmentKind", args.environmentKind, ENVIRONMENT_KINDS);
  if (args.zoneRedundant && !args.vnet) {
    throw new ValidationError("zoneRedundant", true, "zone redundancy needs `vnet` (an infrastructure subnet)");
  }
  if (args.publicNetworkAccess !== undefined) {
    checkOneOf("publicNetworkAccess", args.publicNetworkAccess, ["Enabled", "Disabled"]);
  }
}

/**
 * Creates a ManagedEnvironment, workload-profiles (Consumption profile) unless `environmentKind` says
 * consumption-only, that sends logs to Log Analytics and runs the managed OpenTelemetry agent with App
 * Insights as the destination for traces and logs.
 */
export function createManagedEnvironment(name: string, args: EnvironmentArgs, opts: pulumi.CustomResourceOptions): app.ManagedEnvironment {
  validateEnvironmentArgs(args);
  return new app.ManagedEnvironment(
    `${name}-env`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      environmentName: checkedName("managedEnvironment", "environmentName", args.environmentName),
      workloadProfiles:
        (args.environmentKind ?? "workload-profiles") === "workload-profiles"
          ? [{ name: CONSUMPTION_PROFILE, workloadProfileType: CONSUMPTION_PROFILE }, ...(args.dedicatedProfiles ?? []).map((profile) => ({ ...profile }))]
          : undefined,
      appLogsConfiguration: {
        destination: "log-analytics",
        logAnalyticsConfiguration: {
          customerId: args.logAnalyticsCustomerId,
          sharedKey: pulumi.secret(args.logAnalyticsSharedKey),
        },
      },
      appInsightsConfiguration: { connectionString: pulumi.secret(args.appInsightsConnectionString) },
      openTelemetryConfiguration: {
        tracesConfiguration: { destinations: ["appInsights"] },
        logsConfiguration: { destinations: ["appInsights"] },
      },
      vnetConfiguration: args.vnet
        ? { infrastructureSubnetId: args.vnet.infrastructureSubnetId, internal: args.vnet.internal ?? false }
        : undefined,
      publicNetworkAccess: args.publicNetworkAccess,
      peerTrafficConfiguration: { encryption: { enabled: args.peerTrafficEncryption ?? true } },
      zoneRedundant: args.zoneRedundant ?? false,
      tags: args.tags,
    },
    opts,
  );
}
