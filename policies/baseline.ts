/**
 * The baseline a program is judged against.
 *
 * `public`: the app is reachable from the internet; rules that only make sense inside a VNet are
 * off. `private`: the app lives in a VNet; those rules are mandatory.
 *
 * The baseline is the `baseline` config property of each private-only rule. Its default comes from
 * the `PULUMI_ACA_BASELINE` environment variable when the pack starts (`public` when unset), so one
 * variable switches the whole pack and a config file can still set it per rule.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export type Baseline = "public" | "private";

export const baselineEnvironmentVariable = "PULUMI_ACA_BASELINE";

export const baselines: readonly Baseline[] = ["public", "private"];

/** The pack-wide default baseline, read from `PULUMI_ACA_BASELINE`. */
export function defaultBaseline(env: NodeJS.ProcessEnv = process.env): Baseline {
  const value = env[baselineEnvironmentVariable]?.trim().toLowerCase();
  if (value === undefined || value === "") return "public";
  if (value === "public" || value === "private") return value;
  throw new Error(`${baselineEnvironmentVariable} must be "public" or "private", not "${value}".`);
}

/** The `baseline` property every private-only rule carries in its `configSchema`. */
export function baselineSchema(): PolicyConfigJSONSchema {
  return {
    type: "string",
    enum: [...baselines],
    default: defaultBaseline(),
    description: `Baseline the program is judged against; defaults to ${baselineEnvironmentVariable} or "public".`,
  };
}

/** The baseline a rule's config selects, falling back to the pack-wide default. */
export function selectedBaseline(config: { baseline?: unknown }): Baseline {
  const value = typeof config.baseline === "string" ? config.baseline.trim().toLowerCase() : undefined;
  return value === "private" || value === "public" ? value : defaultBaseline();
}
