import { ProgramError, record } from "../harness/recorder";
import type { EnvironmentArgs } from "../../components/environment";
import { underHost } from "./host";

const ENVIRONMENT = "azure-native:app:ManagedEnvironment";

async function environmentWith(args: Partial<EnvironmentArgs>, preview = false) {
  return record(
    async () => {
      const { createManagedEnvironment } = await import("../../components/environment");
      createManagedEnvironment(
        "web",
        {
          resourceGroupName: "rg",
          environmentName: "cae-web",
          logAnalyticsCustomerId: "customer-1",
          logAnalyticsSharedKey: "shared-key",
          appInsightsConnectionString: "InstrumentationKey=abc",
          ...args,
        },
        underHost(),
      );
    },
    { preview },
  );
}

describe("the environment block", () => {
  it("creates a workload-profiles environment with the Consumption profile, logs to Log Analytics, OTel to App Insights", async () => {
    const environment = (await environmentWith({})).one(ENVIRONMENT);
    expect(environment.inputs).toMatchObject({
      environmentName: "cae-web",
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "customer-1", sharedKey: "shared-key" } },
      appInsightsConfiguration: { connectionString: "InstrumentationKey=abc" },
      openTelemetryConfiguration: {
        tracesConfiguration: { destinations: ["appInsights"] },
        logsConfiguration: { destinations: ["appInsights"] },
      },
      peerTrafficConfiguration: { encryption: { enabled: true } },
      zoneRedundant: false,
    });
    expect(environment.inputs.vnetConfiguration).toBeUndefined();
    expect(environment.inputs.openTelemetryConfiguration.metricsConfiguration).toBeUndefined();
  });

  it("creates a consumption-only environment without workload profiles when asked, in a VNet too", async () => {
    const environment = (
      await environmentWith({ environmentKind: "consumption-only", vnet: { infrastructureSubnetId: "/subscriptions/s/subnets/infra", internal: true } })
    ).one(ENVIRONMENT);
    expect(environment.inputs.workloadProfiles).toBeUndefined();
    expect(environment.inputs).toMatchObject({
      vnetConfiguration: { infrastructureSubnetId: "/subscriptions/s/subnets/infra", internal: true },
      appLogsConfiguration: { destination: "log-analytics" },
      openTelemetryConfiguration: { tracesConfiguration: { destinations: ["appInsights"] } },
    });
  });

  it("marks the shared key and the connection string secret", async () => {
    const environment = (await environmentWith({})).one(ENVIRONMENT);
    expect(environment.secretPaths.sort()).toEqual(["appInsightsConfiguration.connectionString", "appLogsConfiguration.logAnalyticsConfiguration.sharedKey"]);
  });

  it("joins a VNet, internal, closed to the public, with peer traffic encrypted, when asked", async () => {
    const environment = (
      await environmentWith({
        vnet: { infrastructureSubnetId: "/subscriptions/s/subnets/infra", internal: true },
        publicNetworkAccess: "Disabled",
        peerTrafficEncryption: true,
        zoneRedundant: true,
      })
    ).one(ENVIRONMENT);
    expect(environment.inputs).toMatchObject({
      vnetConfiguration: { infrastructureSubnetId: "/subscriptions/s/subnets/infra", internal: true },
      publicNetworkAccess: "Disabled",
      peerTrafficConfiguration: { encryption: { enabled: true } },
      zoneRedundant: true,
    });
  });

  it("leaves peer traffic unencrypted only when asked", async () => {
    const environment = (await environmentWith({ peerTrafficEncryption: false })).one(ENVIRONMENT);
    expect(environment.inputs.peerTrafficConfiguration).toEqual({ encryption: { enabled: false } });
  });

  it("is registered the same way in preview", async () => {
    const environment = (await environmentWith({}, true)).one(ENVIRONMENT);
    expect(environment.inputs.workloadProfiles).toEqual([{ name: "Consumption", workloadProfileType: "Consumption" }]);
  });

  it("refuses an invalid name, a bad public access value, zone redundancy without a VNet and an unknown kind", async () => {
    for (const [args, message] of [
      [{ environmentName: "CAE_web" }, 'Invalid `environmentName`: "CAE_web"; a managedEnvironment name must be 2-60'],
      [{ publicNetworkAccess: "Off" as never }, 'Invalid `publicNetworkAccess`: "Off"; must be one of Enabled, Disabled'],
      [{ zoneRedundant: true }, "Invalid `zoneRedundant`: true; zone redundancy needs `vnet` (an infrastructure subnet)"],
      [{ environmentKind: "legacy" as never }, 'Invalid `environmentKind`: "legacy"; must be one of workload-profiles, consumption-only'],
    ] as const) {
      const failure = await environmentWith(args).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProgramError);
      expect((failure as ProgramError).message).toContain(message);
      expect((failure as ProgramError).recording.cloudResources).toEqual([]);
    }
  });
});
