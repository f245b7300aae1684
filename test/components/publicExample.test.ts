import * as path from "node:path";
import { record } from "../harness/recorder";

const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "public");

describe("the three-line public example", () => {
  let fetchSpy: jest.SpyInstance;
  const exchanges: Array<{ url: string; form: Record<string, string> }> = [];

  beforeEach(() => {
    exchanges.length = 0;
    // The example uses the real token exchange; here the registry's /oauth2/exchange answers in-process.
    fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      exchanges.push({ url: String(input), form: Object.fromEntries(new URLSearchParams(String(init?.body))) });
      return new Response(JSON.stringify({ refresh_token: "example-refresh-token" }), { status: 200, headers: { "content-type": "application/json" } });
    });
  });

  afterEach(() => fetchSpy.mockRestore());

  it.each([
    ["an update", false],
    ["a preview", true],
  ])("deploys the full public topology in %s", async (_mode, preview) => {
    const recording = await record(
      async () => {
        jest.resetModules();
        return import(EXAMPLE);
      },
      { preview },
    );
    expect(recording.typeCounts()).toEqual({
      "azure-native:resources:ResourceGroup": 1,
      "azure-native:operationalinsights:Workspace": 1,
      "azure-native:applicationinsights:Component": 1,
      "azure-native:containerregistry:Registry": 1,
      "azure-native:managedidentity:UserAssignedIdentity": 1,
      "azure-native:authorization:RoleAssignment": 1,
      "docker-build:index:Image": 1,
      "azure-native:app:ManagedEnvironment": 1,
      "azure-native:app:ContainerApp": 1,
    });
    expect(recording.one("pulumi-aca:index:PublicContainerApp").name).toBe("web");
    const loginServer = `${recording.one("azure-native:containerregistry:Registry").inputs.registryName}.azurecr.io`;
    if (preview) {
      expect(exchanges).toEqual([]);
    } else {
      expect(Object.keys(recording.stackOutputs).sort()).toEqual(["appInsightsConnectionString", "imageRef", "url"]);
      expect(exchanges).toEqual([
        {
          url: `https://${loginServer}/oauth2/exchange`,
          form: { grant_type: "access_token", service: loginServer, tenant: expect.any(String), access_token: "mock-entra-access-token" },
        },
      ]);
      expect(recording.one("azure-native:app:ContainerApp").inputs.template.containers[0].image).toMatch(
        new RegExp(`^${loginServer.replace(/\./g, "\\.")}/web@sha256:[0-9a-f]{64}$`),
      );
    }
  });
});
