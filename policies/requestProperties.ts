/**
 * Converts the properties the policy server receives from protobuf once per message, however many
 * rules read them.
 *
 * For every policy it calls, `@pulumi/policy`'s server deserializes the message's properties again:
 * `deserializeProperties(message.getProperties())` converts the protobuf Struct to plain JavaScript,
 * then copies that into fresh objects for the policy. Analyze does it per resource rule (and again
 * for the resource's provider), AnalyzeStack per stack rule and resource. The conversion is most of
 * the cost and its result is only read, by that copy, so this makes each Struct a message carries
 * keep its first conversion. Every policy still gets its own fresh copy, so a rule that changed its
 * properties would change nothing another rule sees.
 *
 * Installed by `index.ts` before the pack starts serving.
 */
import { policyServerMessages } from "./typeRouting";

const installed = Symbol.for("pulumi-aca.requestProperties");
const converted = Symbol.for("pulumi-aca.requestProperties.converted");

interface PropertiesStruct {
  toJavaScript(): Record<string, unknown>;
  [converted]?: Record<string, unknown>;
}

interface MessagePrototype {
  getProperties(): PropertiesStruct | undefined;
  [installed]?: boolean;
}

/** The message classes whose properties the policy server deserializes, as the server itself loads them. */
function messagePrototypes(): MessagePrototype[] {
  const messages = policyServerMessages();
  return ["AnalyzeRequest", "AnalyzerResource", "AnalyzerProviderResource"].map((name) => {
    const prototype = messages[name]?.prototype as MessagePrototype | undefined;
    if (prototype === undefined || typeof prototype.getProperties !== "function") {
      throw new Error(`pulumi-aca: @pulumi/pulumi's ${name} has no getProperties; this @pulumi/policy version is not supported.`);
    }
    return prototype;
  });
}

function convertOnce(this: PropertiesStruct): Record<string, unknown> {
  let plain = this[converted];
  if (plain === undefined) {
    plain = Object.getPrototypeOf(this).toJavaScript.call(this) as Record<string, unknown>;
    this[converted] = plain;
  }
  return plain;
}

/** Makes each message's properties convert from protobuf once (idempotent). */
export function convertPropertiesOnce(): void {
  for (const prototype of messagePrototypes()) {
    if (prototype[installed]) continue;
    const getProperties = prototype.getProperties;
    prototype.getProperties = function (this: MessagePrototype): PropertiesStruct | undefined {
      const struct = getProperties.call(this);
      if (struct !== undefined && struct.toJavaScript !== convertOnce) struct.toJavaScript = convertOnce;
      return struct;
    };
    prototype[installed] = true;
  }
}
