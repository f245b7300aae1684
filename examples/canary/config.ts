import { ValidationError, validateContainerAppArgs, validateImageArgs } from "../../components";

/** What one `pulumi up` of the canary program releases, read from stack config. */
export interface CanaryRelease {
  /** Percent of traffic the new revision receives, integer 0–100. */
  readonly canaryWeight: number;
  /** Suffix of the revision this deployment creates; its name is `<app>--<suffix>`. */
  readonly revisionSuffix: string;
  /** Full name of the revision serving production now; absent once the new revision is fully promoted. */
  readonly stableRevision?: string;
  /** Image by digest; absent to build the bundled reference service. */
  readonly image?: string;
}

/** Stack config that breaks a rule; names the fully qualified key, the value and the rule. */
export class CanaryConfigError extends Error {
  constructor(
    readonly key: string,
    value: string | undefined,
    rule: string,
  ) {
    super(`Invalid stack config \`${key}\`: ${value === undefined ? "not set" : JSON.stringify(value)}; ${rule}.`);
    this.name = "CanaryConfigError";
  }
}

/** The reading side of `pulumi.Config` (its project name and `get`). */
export interface ConfigSource {
  readonly name: string;
  get(key: string): string | undefined;
}

/**
 * Reads and checks the canary config of an app named `containerAppName`. Everything is checked here, before
 * any resource is registered, so a bad value never reaches Azure.
 */
export function readCanaryRelease(config: ConfigSource, containerAppName: string): CanaryRelease {
  const key = (name: string) => `${config.name}:${name}`;

  const weightText = config.get("canaryWeight");
  if (weightText === undefined || !/^\d{1,3}$/.test(weightText.trim()) || Number(weightText) > 100) {
    throw new CanaryConfigError(key("canaryWeight"), weightText, "must be an integer from 0 to 100 (percent of traffic for the new revision)");
  }
  const canaryWeight = Number(weightText);

  const revisionSuffix = config.get("revisionSuffix");
  if (revisionSuffix === undefined) {
    throw new CanaryConfigError(key("revisionSuffix"), revisionSuffix, "is required: it names the revision this deployment creates");
  }
  rethrowAsConfig(key("revisionSuffix"), revisionSuffix, () => validateContainerAppArgs({ containerAppName, revisionSuffix }));

  const newRevision = revisionName(containerAppName, revisionSuffix);
  const stableRevision = config.get("stableRevision");
  if (stableRevision === undefined && canaryWeight < 100) {
    throw new CanaryConfigError(
      key("stableRevision"),
      stableRevision,
      `is required while canaryWeight is below 100: the remaining ${100 - canaryWeight}% must go to the revision serving production now`,
    );
  }
  if (stableRevision !== undefined) {
    const prefix = `${containerAppName}--`;
    const stableSuffix = stableRevision.startsWith(prefix) ? stableRevision.slice(prefix.length) : undefined;
    if (stableSuffix === undefined || !isValidSuffix(containerAppName, stableSuffix)) {
      throw new CanaryConfigError(key("stableRevision"), stableRevision, `must be a revision of this app, \`${prefix}<suffix>\``);
    }
    if (stableRevision === newRevision) {
      throw new CanaryConfigError(
        key("stableRevision"),
        stableRevision,
        "must differ from the revision this deployment creates (set a new revisionSuffix for a new release)",
      );
    }
  }

  const image = config.get("image");
  if (image !== undefined) rethrowAsConfig(key("image"), image, () => validateImageArgs({ repository: "canary", image }));

  return { canaryWeight, revisionSuffix, stableRevision, image };
}

/** Azure's name for a revision: `<container app>--<suffix>`. */
export function revisionName(containerAppName: string, suffix: string): string {
  return `${containerAppName}--${suffix}`;
}

function isValidSuffix(containerAppName: string, suffix: string): boolean {
  try {
    validateContainerAppArgs({ containerAppName, revisionSuffix: suffix });
    return true;
  } catch {
    return false;
  }
}

/** Runs a component check and reports its rule against the config key instead of the component arg. */
function rethrowAsConfig(key: string, value: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof ValidationError) throw new CanaryConfigError(key, value, error.rule);
    throw error;
  }
}
