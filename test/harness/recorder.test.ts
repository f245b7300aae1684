import * as pulumi from "@pulumi/pulumi";
import { FAKE_AZURE } from "./azureMocks";
import { ProgramError, promiseOf, record } from "./recorder";

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
      { parent },
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
