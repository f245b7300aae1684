import { FAKE_AZURE } from "../harness/azureMocks";
import { record } from "../harness/recorder";
import { ROLE_DEFINITION_IDS, roleAssignmentGuid, roleDefinitionGuid, roleDefinitionResourceId } from "../../components/identity";
import { underHost } from "./host";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("role assignment names", () => {
  const scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crweb";
  const principal = "11111111-2222-4333-8444-555555555555";

  it("are GUIDs that stay the same for the same scope, role and principal", () => {
    const name = roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPull, principal);
    expect(name).toMatch(GUID);
    expect(roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPull, principal)).toBe(name);
  });

  it("change when any of scope, role or principal changes", () => {
    const base = roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPull, principal);
    expect(roleAssignmentGuid(`${scope}2`, ROLE_DEFINITION_IDS.AcrPull, principal)).not.toBe(base);
    expect(roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPush, principal)).not.toBe(base);
    expect(roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPull, principal.replace("1", "9"))).not.toBe(base);
  });

  it("do not depend on letter case or on whether the role is given as a GUID or a full id", () => {
    const base = roleAssignmentGuid(scope, ROLE_DEFINITION_IDS.AcrPull, principal);
    const fullRole = roleDefinitionResourceId("sub", ROLE_DEFINITION_IDS.AcrPull);
    expect(roleAssignmentGuid(scope.toUpperCase(), fullRole, principal.toUpperCase())).toBe(base);
  });
});

describe("role definitions", () => {
  it("carry Azure's built-in ids", () => {
    expect(ROLE_DEFINITION_IDS).toEqual({
      AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
      AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
      KeyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    });
  });

  it("expand a GUID to the subscription's role definition id and keep full ids", () => {
    expect(roleDefinitionResourceId("sub-1", "abc")).toBe("/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/abc");
    expect(roleDefinitionResourceId("sub-1", "/providers/x/abc")).toBe("/providers/x/abc");
    expect(roleDefinitionGuid("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ABC")).toBe("abc");
  });
});

describe("identities and grants", () => {
  it("create a user-assigned identity and a grant to a service principal on the given scope, named by GUID, under the parent", async () => {
    const recording = await record(async () => {
      const { createUserAssignedIdentity, grantRole } = await import("../../components/identity");
      const opts = underHost();
      const identity = createUserAssignedIdentity("web", { resourceGroupName: "rg-web", identityName: "id-web", tags: { team: "a" } }, opts);
      grantRole("web-kv", { principalId: identity.principalId, roleDefinitionId: ROLE_DEFINITION_IDS.KeyVaultSecretsUser, scope: "/subscriptions/s/vault" }, opts);
    });
    const host = recording.one("test:index:BlockHost");
    const identity = recording.one("azure-native:managedidentity:UserAssignedIdentity");
    const grant = recording.one("azure-native:authorization:RoleAssignment");
    expect(identity.inputs).toMatchObject({ resourceName: "id-web", resourceGroupName: "rg-web", tags: { team: "a" } });
    expect(grant.parent).toBe(host.urn);
    expect(identity.parent).toBe(host.urn);
    expect(grant.inputs.principalType).toBe("ServicePrincipal");
    expect(grant.inputs.scope).toBe("/subscriptions/s/vault");
    expect(grant.inputs.roleDefinitionId).toBe(
      `/subscriptions/${FAKE_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_IDS.KeyVaultSecretsUser}`,
    );
    expect(grant.propertyDependencies.principalId).toEqual([identity.urn]);
    expect(grant.inputs.roleAssignmentName).toBe(roleAssignmentGuid("/subscriptions/s/vault", ROLE_DEFINITION_IDS.KeyVaultSecretsUser, grant.inputs.principalId));
  });

  it("refuse an identity name Azure would reject", async () => {
    await expect(
      record(async () => {
        const { createUserAssignedIdentity } = await import("../../components/identity");
        createUserAssignedIdentity("web", { resourceGroupName: "rg", identityName: "x" }, underHost());
      }),
    ).rejects.toThrow('Invalid `identityName`: "x"; a userAssignedIdentity name must be 3-128');
  });
});
