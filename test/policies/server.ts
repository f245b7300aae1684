/**
 * The pack's rules behind `@pulumi/policy`'s own Analyze handler, in this process: requests built as
 * the engine builds them (protobuf AnalyzeRequest with options), filtered by the server's per-type
 * fast path, with the pack's type routing and its once-per-request property conversion installed as
 * `index.ts` installs them. Starting the pack's gRPC server is not needed to see what it answers.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { allPolicies } from "../../policies/catalog";
import { convertPropertiesOnce } from "../../policies/requestProperties";
import { routeTypesToRules } from "../../policies/typeRouting";
import { urnOf, type Props } from "./support";

export interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
}

const levels: Record<number, Diagnostic["enforcementLevel"]> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
};

type AnalyzeHandler = (call: { request: analyzerProto.AnalyzeRequest }, callback: (error: unknown, response?: analyzerProto.AnalyzeResponse) => void) => Promise<void>;

let handler: AnalyzeHandler | undefined;

function analyzeHandler(): AnalyzeHandler {
  if (!handler) {
    routeTypesToRules();
    convertPropertiesOnce();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the server's internal handler, as the benchmark uses it
    const { makeAnalyzeRpcFun } = require("@pulumi/policy/server");
    handler = makeAnalyzeRpcFun("pulumi-aca", "0.0.0", "advisory", allPolicies) as AnalyzeHandler;
  }
  return handler;
}

/** Analyzes one resource registered under `token` with `props` (engine wire form: unknowns as sentinels). */
export async function analyze(token: string, props: Props, name = "subject"): Promise<Diagnostic[]> {
  return (await analyzeWithReasons(token, props, name)).diagnostics;
}

/** `analyze`, with the policies the server found not applicable and why. */
export async function analyzeWithReasons(token: string, props: Props, name = "subject"): Promise<{ diagnostics: Diagnostic[]; notApplicable: Map<string, string> }> {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(token);
  request.setUrn(urnOf(token, name));
  request.setName(name);
  request.setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
  request.setOptions(new analyzerProto.AnalyzerResourceOptions());
  const response = await new Promise<analyzerProto.AnalyzeResponse>((resolve, reject) => {
    void analyzeHandler()({ request }, (error, answer) => (error ? reject(error) : resolve(answer!)));
  });
  // The server sends "<description>\n<message>"; the CLI and the plan tool show the message after the description.
  const diagnostics = response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    message: d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage(),
    enforcementLevel: levels[d.getEnforcementlevel()] ?? "advisory",
  }));
  const notApplicable = new Map(response.getNotApplicableList().map((n) => [n.getPolicyName(), n.getReason()] as const));
  return { diagnostics, notApplicable };
}

/** The names of the policies that reported at `level`. */
export function named(diagnostics: Diagnostic[], level: Diagnostic["enforcementLevel"]): string[] {
  return [...new Set(diagnostics.filter((d) => d.enforcementLevel === level).map((d) => d.policyName))].sort();
}
