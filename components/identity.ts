import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { checkedName } from "./naming";

/** Built-in Azure role definition ids (the same GUID in every subscription). */
export const ROLE_DEFINITION_IDS = {
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  KeyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

export interface UserAssignedIdentityArgs {
  /** Resource group of the identity. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region; default: the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** The identity's Azure name (3-128 letters, digits, hyphens, underscores); an Output is checked once known. */
  readonly identityName: pulumi.Input<string>;
  /** Tags for the identity. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Creates a user-assigned managed identity: it exists, and can hold roles, before anything uses it. */
export function createUserAssignedIdentity(
  name: string,
  args: UserAssignedIdentityArgs,
  opts: pulumi.CustomResourceOptions,
): managedidentity.UserAssignedIdentity {
  const resourceName = checkedName("userAssignedIdentity", "identityName", args.identityName);
  return new managedidentity.UserAssignedIdentity(
    `${name}-id`,
    { resourceGroupName: args.resourceGroupName, location: args.location, resourceName, tags: args.tags },
    opts,
  );
}

/**
 * A GUID derived from scope, role and principal (version-5 layout, SHA-1), so a role assignment keeps its
 * name across runs and re-granting the same role is a no-op rather than a conflict.
 */
export function roleAssignmentGuid(scope: string, roleDefinitionId: string, principalId: string): string {
  const key = `${scope.toLowerCase()}|${roleDefinitionGuid(roleDefinitionId)}|${principalId.toLowerCase()}`;
  const bytes = createHash("sha1").update(key, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The role's GUID, from either a bare GUID or a full role definition resource id. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

/** The role definition's resource id in a subscription; full ids are returned unchanged. */
export function roleDefinitionResourceId(subscriptionId: string, roleDefinitionId: string): string {
  if (roleDefinitionId.startsWith("/")) return roleDefinitionId;
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`;
}

export interface GrantRoleArgs {
  /** Object id of the principal receiving the role (an identity's `principalId`). */
  readonly principalId: pulumi.Input<string>;
  /** A role GUID (see ROLE_DEFINITION_IDS) or a full role definition resource id. */
  readonly roleDefinitionId: pulumi.Input<string>;
  /** Resource id the role applies to: the narrowest resource that needs it, not the group. */
  readonly scope: pulumi.Input<string>;
  /** Principal type; default "ServicePrincipal", which avoids PrincipalNotFound for identities just created. */
  readonly principalType?: pulumi.Input<string>;
  /** Free-text description stored on the assignment. */
  readonly description?: pulumi.Input<string>;
}

/**
 * Grants a role to a principal on a scope. The assignment's name is a GUID derived from scope, role and
 * principal, so it is stable; `opts` should carry the parent.
 */
export function grantRole(name: string, args: GrantRoleArgs, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
  const subscriptionId = authorization.getClientConfigOutput({ parent: opts.parent }).subscriptionId;
  const roleDefinitionId = pulumi
    .all([subscriptionId, args.roleDefinitionId])
    .apply(([subscription, role]) => roleDefinitionResourceId(subscription, role));
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: args.principalType ?? authorization.PrincipalType.ServicePrincipal,
      roleDefinitionId,
      scope: args.scope,
      roleAssignmentName: pulumi
        .all([args.scope, args.roleDefinitionId, args.principalId])
        .apply(([scope, role, principal]) => roleAssignmentGuid(scope, role, principal)),
      description: args.description,
    },
    opts,
  );
}
