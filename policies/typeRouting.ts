/**
 * Lets `@pulumi/policy`'s per-type filter reach a rule under every token it judges.
 *
 * Before calling a resource policy, the policy server compares the request's type with the one
 * token the policy's `validateResource` carries (`__pulumiType`) and skips the policy on a mismatch,
 * so a rule is not even called for the dozens of resource types it does not judge. A rule judges
 * several tokens, though: the azure-native type, the versioned tokens the SDK lists as its aliases,
 * the classic provider's token, and (for container app rules) jobs. This installs a reading of the
 * request's type that answers the route those tokens share (`resourceTypes.routeOf`); everything
 * else reads its type unchanged. The rule itself still reads the token the program registered from
 * the request's URN, so it knows exactly what it judges.
 *
 * Installed by `index.ts` before the pack starts serving; without it only unversioned azure-native
 * tokens would reach the rules.
 */
import { createRequire } from "node:module";
import { routeOf } from "./resourceTypes";

const installed = Symbol.for("pulumi-aca.typeRouting");

interface RequestPrototype {
  getType(): string;
  [installed]?: boolean;
}

/** The analyzer protocol's message classes, as the policy server itself loads them (the classes requests arrive as). */
export function policyServerMessages(): Record<string, { prototype?: unknown } | undefined> {
  const fromServer = createRequire(require.resolve("@pulumi/policy/server"));
  return fromServer("@pulumi/pulumi/proto/analyzer_pb") as Record<string, { prototype?: unknown } | undefined>;
}

/** The AnalyzeRequest class the policy server itself deserializes requests into. */
function analyzeRequestPrototype(): RequestPrototype {
  const prototype = policyServerMessages()["AnalyzeRequest"]?.prototype as RequestPrototype | undefined;
  if (prototype === undefined || typeof prototype.getType !== "function") {
    throw new Error("pulumi-aca: @pulumi/pulumi's AnalyzeRequest has no getType; this @pulumi/policy version is not supported.");
  }
  return prototype;
}

/** Routes every token a rule judges to that rule (idempotent). */
export function routeTypesToRules(): void {
  const prototype = analyzeRequestPrototype();
  if (prototype[installed]) return;
  const typeOf = prototype.getType;
  prototype.getType = function (this: RequestPrototype): string {
    return routeOf(typeOf.call(this));
  };
  prototype[installed] = true;
}
