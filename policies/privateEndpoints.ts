/** The shared shape of the "has a private endpoint" rules (registries, vaults, storage accounts). */
import { labelOf, ofType, privateEndpointsFor, types } from "./graph";
import { stackRule, type AcaStackPolicy } from "./rule";

export function privateEndpointRequired(options: {
  name: string;
  /** What the resource is called in messages ("Registry", "Key Vault"). */
  noun: string;
  /** The one-sentence description of the rule. */
  description: string;
  resourceType: string;
  /** The ARM id segment that names the resource ("registries", "vaults", "storageAccounts"). */
  armType: string;
  source: string;
}): AcaStackPolicy {
  return stackRule({
    name: options.name,
    description: options.description,
    enforcementLevel: "mandatory",
    source: options.source,
    baseline: "private",
    resourceTypes: [options.resourceType, types.privateEndpoint],
    validate: (resources, { report }) => {
      for (const target of ofType(resources, options.resourceType)) {
        const { found, undecided } = privateEndpointsFor(resources, target, options.armType);
        if (found.length > 0 || undecided) continue;
        report(
          `${options.noun} ${labelOf(target)} must have a private endpoint (a PrivateEndpoint whose ` +
            "privateLinkServiceConnections point at it) in the private baseline.",
          target.urn,
        );
      }
    },
  });
}
