/**
 * The CrossGuard pack: `pulumi preview --policy-pack policies`.
 * Constructing the PolicyPack starts its gRPC server; the rules themselves live in the family files.
 */
import { PolicyPack } from "@pulumi/policy";
import { defaultBaseline } from "./baseline";
import { allPolicies } from "./catalog";
import { convertPropertiesOnce } from "./requestProperties";
import { routeTypesToRules } from "./typeRouting";

routeTypesToRules();
convertPropertiesOnce();

new PolicyPack("pulumi-aca", {
  description: `Azure Well-Architected rules for Container Apps, registries, Key Vaults, storage and networking (baseline: ${defaultBaseline()}).`,
  displayName: "pulumi-aca",
  provider: "azure-native",
  tags: ["azure", "container-apps", "well-architected"],
  enforcementLevel: "advisory",
  policies: allPolicies,
});
