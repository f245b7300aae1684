import type { TrafficWeight } from "../../components";
import { CanaryRelease, revisionName } from "./config";

/** Label of the revision this deployment creates; it gets its own URL, `https://<app>---canary.<domain>`. */
export const CANARY_LABEL = "canary";
/** Label of the revision serving production while the canary runs. */
export const STABLE_LABEL = "stable";

/**
 * The traffic split of a release: the stable revision keeps `100 - canaryWeight` percent, the new revision
 * takes `canaryWeight`. At 100 the stable revision stays listed at 0 (still active, so a roll back is a config
 * change) until `stableRevision` is unset. Both are named, never `latestRevision`, so a later deployment
 * cannot move traffic by accident.
 */
export function canaryTraffic(containerAppName: string, release: CanaryRelease): TrafficWeight[] {
  const canary: TrafficWeight = { revisionName: revisionName(containerAppName, release.revisionSuffix), weight: release.canaryWeight, label: CANARY_LABEL };
  if (release.stableRevision === undefined) return [canary];
  return [{ revisionName: release.stableRevision, weight: 100 - release.canaryWeight, label: STABLE_LABEL }, canary];
}

/** A label's URL: Container Apps serves a labelled revision at `<app>---<label>.<environment domain>`. */
export function labelUrl(fqdn: string, label: string): string {
  const dot = fqdn.indexOf(".");
  if (dot <= 0) throw new Error(`Cannot derive the \`${label}\` URL from the host name ${JSON.stringify(fqdn)}`);
  return `https://${fqdn.slice(0, dot)}---${label}${fqdn.slice(dot)}`;
}
