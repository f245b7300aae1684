import * as pulumi from "@pulumi/pulumi";
import { PublicContainerApp, generateName } from "../../components";
import { readCanaryRelease, revisionName } from "./config";
import { CANARY_LABEL, canaryTraffic, labelUrl } from "./traffic";

// The name PublicContainerApp would generate, spelled out because the revision names derive from it.
const containerAppName = generateName("containerApp", "web", { stack: pulumi.getStack() });
// Checked before anything is registered: a bad weight or revision name never reaches Azure.
const release = readCanaryRelease(new pulumi.Config(), containerAppName);
const traffic = canaryTraffic(containerAppName, release);

const web = new PublicContainerApp("web", {
  names: { containerApp: containerAppName },
  image: release.image,
  revisionSuffix: release.revisionSuffix,
  traffic,
});

export const url = web.url;
export const canaryUrl = web.fqdn.apply((fqdn) => labelUrl(fqdn, CANARY_LABEL));
/** Every label's URL: `canary`, and `stable` while the stable revision is listed. */
export const labelUrls = web.fqdn.apply((fqdn) => Object.fromEntries(traffic.map((entry) => [entry.label!, labelUrl(fqdn, entry.label!)])));
export const canaryRevision = revisionName(containerAppName, release.revisionSuffix);
export const weights = Object.fromEntries(traffic.map((entry) => [entry.revisionName!, entry.weight]));
export const latestRevisionName = web.latestRevisionName;
export const imageRef = web.imageRef;
