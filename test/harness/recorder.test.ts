import * as pulumi from "@pulumi/pulumi";
import { FAKE_AZURE } from "./azureMocks";
import { ProgramError, promiseOf, record } from "./recorder";
import { UNKNOWN } from "./policyRunner";

describe("the resource recorder", () => {
  async function program() {
    const resources = await import("@pulumi/azure-native/resources");
    const managedidentity = await import("@pulumi/azure-native/managedidentity");
    const authorization = await import("@pulumi/azure-native/authorization");
    class Parent extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Parent", name);
      }
    }
    const parent = new Parent("box");
    const group = new resources.ResourceGroup("rg", { resourceGroupName: "rg-demo" }, { parent });
    const identity = new managedidentity.UserAssignedIdentity(
      "id",
      { resourceGroupName: group.name, tags: { secret: pulumi.secret("s3cret") } },
      { parent, ignoreChanges: ["tags"] },
    );
    const grant = new authorization.RoleAssignment(
      "grant",
      { principalId: identity.principalId, roleDefinitionId: "role", scope: group.id, principalType: "ServicePrincipal" },
      { parent, dependsOn: [identity] },
    );
    return { group, identity, grant };
  }

  it("records type, name, parent, dependsOn and property dependencies of every resource", async () => {
    const recording = await record(async () => {
      await program();
    });
    const types = recording.resources.map((r) => r.type);
    expect(types).toEqual([
      "pulumi:pulumi:Stack",
      "test:index:Parent",
      "azure-native:resources:ResourceGroup",
      "azure-native:managedidentity:UserAssignedIdentity",
      "azure-native:authorization:RoleAssignment",
    ]);
    const parent = recording.one("test:index:Parent");
    const group = recording.one("azure-native:resources:ResourceGroup");
    const identity = recording.one("azure-native:managedidentity:UserAssignedIdentity");
    const grant = recording.one("azure-native:authorization:RoleAssignment");
    expect(group.parent).toBe(parent.urn);
    expect(grant.dependencies).toContain(identity.urn);
    expect(grant.propertyDependencies.principalId).toEqual([identity.urn]);
    expect(grant.propertyDependencies.scope).toEqual([group.urn]);
    expect(recording.waitsFor(grant, group)).toBe(true);
    expect(recording.waitsFor(group, grant)).toBe(false);
    expect(identity.inputs.resourceGroupName).toBe("rg-demo");
    expect(grant.inputs.scope).toBe(`/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-demo`);
    expect(recording.typeCounts()["azure-native:resources:ResourceGroup"]).toBe(1);
  });

  it("keeps secrets as secret envelopes on the wire and opens them in plain inputs", async () => {
    const recording = await record(async () => {
      await program();
    });
    const identity = recording.one("azure-native:managedidentity:UserAssignedIdentity");
    expect(identity.secretPaths).toEqual(["tags.secret"]);
    expect(identity.inputs.tags).toEqual({ secret: "s3cret" });
    expect(JSON.stringify(identity.wireInputs)).toContain("1b47061264138c4ac30d75fd1eb44270");
  });

  it("keeps the input properties each resource ignores changes to", async () => {
    const recording = await record(async () => {
      await program();
    });
    expect(recording.one("azure-native:managedidentity:UserAssignedIdentity").ignoreChanges).toEqual(["tags"]);
    expect(recording.one("azure-native:resources:ResourceGroup").ignoreChanges).toEqual([]);
  });

  it("answers computed outputs with known values in an update", async () => {
    let principal: Promise<string | undefined> | undefined;
    await record(async () => {
      const { identity } = await program();
      principal = promiseOf(identity.principalId);
    });
    expect(await principal).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("leaves ids and computed outputs unknown in preview, as pulumi preview does", async () => {
    let principal: Promise<string | undefined> | undefined;
    const recording = await record(
      async () => {
        const { identity } = await program();
        principal = promiseOf(identity.principalId);
      },
      { preview: true },
    );
    expect(await principal).toBeUndefined();
    const grant = recording.one("azure-native:authorization:RoleAssignment");
    expect(grant.id).toBeUndefined();
    expect(grant.inputs.principalId).toBeUndefined();
    expect(grant.wireInputs.principalId).toBe(pulumi.runtime.unknownValue);
    expect(grant.propertyDependencies.principalId).toHaveLength(1);
  });

  it("reports a failing program with what it registered before the failure", async () => {
    const failure = await record(() => {
      throw new Error("args rejected");
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramError);
    const recording = (failure as ProgramError).recording;
    expect(recording.cloudResources).toHaveLength(0);
    expect((failure as ProgramError).message).toBe("args rejected");
  });
});

describe("the recorder on programs that look up, transform and read back what Azure computes", () => {
  it("answers lookups of existing resources with Azure-like values, in preview as in update", async () => {
    for (const preview of [true, false]) {
      let looked: Record<string, unknown> = {};
      await record(
        async () => {
          const app = await import("@pulumi/azure-native/app");
          const containerregistry = await import("@pulumi/azure-native/containerregistry");
          const authorization = await import("@pulumi/azure-native/authorization");
          const environment = app.getManagedEnvironmentOutput({ resourceGroupName: "rg-shared", environmentName: "cae-shared" });
          const registry = containerregistry.getRegistryOutput({ resourceGroupName: "rg-shared", registryName: "crshared" });
          const client = authorization.getClientConfigOutput();
          looked = {
            environmentId: await promiseOf(environment.id),
            defaultDomain: await promiseOf(environment.defaultDomain),
            loginServer: await promiseOf(registry.loginServer),
            tenantId: await promiseOf(client.tenantId),
          };
        },
        { preview },
      );
      expect(looked).toEqual({
        environmentId: `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg-shared/providers/Microsoft.App/managedEnvironments/cae-shared`,
        defaultDomain: expect.stringMatching(/^[0-9a-f]{12}\.westeurope\.azurecontainerapps\.io$/),
        loginServer: "crshared.azurecr.io",
        tenantId: FAKE_AZURE.tenantId,
      });
    }
  });

  it("applies new-style transforms as the engine does: the resource's own, its parent's, then the stack's", async () => {
    const seen: string[] = [];
    const recording = await record(async () => {
      const containerregistry = await import("@pulumi/azure-native/containerregistry");
      const tag = (label: string): pulumi.ResourceTransform => (args) => {
        seen.push(`${label}:${args.name}`);
        return { props: { ...args.props, tags: { ...(args.props.tags ?? {}), [label]: "yes" } }, opts: args.opts };
      };
      pulumi.runtime.registerResourceTransform(tag("stack"));
      class Holder extends pulumi.ComponentResource {
        constructor(name: string, opts: pulumi.ComponentResourceOptions) {
          super("test:index:Holder", name, {}, opts);
          new containerregistry.Registry(
            "acr",
            { resourceGroupName: "rg", sku: { name: "Basic" }, adminUserEnabled: false },
            { parent: this, transforms: [tag("own"), (args) => ({ props: { ...args.props, adminUserEnabled: true }, opts: args.opts })] },
          );
        }
      }
      new Holder("holder", { transforms: [tag("parent")] });
    });
    const registry = recording.one("azure-native:containerregistry:Registry");
    expect(registry.inputs.adminUserEnabled).toBe(true);
    expect(registry.inputs.tags).toEqual({ own: "yes", parent: "yes", stack: "yes" });
    expect(seen.filter((call) => call.endsWith(":acr"))).toEqual(["own:acr", "parent:acr", "stack:acr"]);
  });

  it("leaves the ids of a new VNet's subnets unknown in preview and gives them Azure's ids in update", async () => {
    const subnetIdOf = async (preview: boolean) => {
      const recording = await record(
        async () => {
          const network = await import("@pulumi/azure-native/network");
          const app = await import("@pulumi/azure-native/app");
          const vnet = new network.VirtualNetwork("vnet", {
            resourceGroupName: "rg",
            virtualNetworkName: "vnet-web",
            addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
            subnets: [{ name: "infra", addressPrefix: "10.0.0.0/23" }],
          });
          new app.ManagedEnvironment("env", {
            resourceGroupName: "rg",
            vnetConfiguration: { infrastructureSubnetId: vnet.subnets.apply((subnets) => subnets![0]!.id!) },
          });
        },
        { preview },
      );
      return (recording.one("azure-native:app:ManagedEnvironment").wireInputs.vnetConfiguration as Record<string, unknown>).infrastructureSubnetId;
    };
    expect(await subnetIdOf(true)).toBe(UNKNOWN);
    expect(await subnetIdOf(false)).toBe(`/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/infra`);
  });
});
