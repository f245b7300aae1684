"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerDependencies = registerDependencies;
const outbound_1 = require("../outbound");
const problem_1 = require("../problem");
/**
 * An outbound call to the one target named by EXTERNAL_DEPENDENCY_URL. The target never comes from
 * the request (that would make this an open proxy); timeouts map to 504, unreachable targets and
 * error answers to 502, and the W3C trace context travels with the call.
 */
function registerDependencies(app, { config }) {
    const { url, timeoutMs } = config.externalDependency;
    const target = url === undefined ? undefined : new URL(url);
    app.get("/api/dependencies/external", async function externalDependency(c) {
        if (target === undefined) {
            throw new problem_1.ProblemError(503, "No external dependency is configured; set EXTERNAL_DEPENDENCY_URL.");
        }
        const startedAt = performance.now();
        let response;
        let bytes;
        try {
            response = await (0, outbound_1.outboundFetch)(target, { timeoutMs });
            bytes = (await response.arrayBuffer()).byteLength;
        }
        catch (error) {
            const timedOut = error instanceof outbound_1.OutboundError ? error.kind === "timeout" : error.name === "TimeoutError";
            throw new problem_1.ProblemError(timedOut ? 504 : 502, timedOut
                ? `The dependency at ${target.origin} did not answer within ${timeoutMs} ms.`
                : `The dependency at ${target.origin} could not be reached.`, { cause: error });
        }
        const durationMs = Math.round(performance.now() - startedAt);
        if (response.status >= 400) {
            throw new problem_1.ProblemError(502, `The dependency at ${target.origin} answered ${response.status}.`, {
                extensions: { upstream_status: response.status },
            });
        }
        return c.json({ target: target.origin, status: response.status, bytes, duration_ms: durationMs });
    });
    (0, problem_1.refuseOtherMethods)(app, "/api/dependencies/external", ["GET", "HEAD"]);
}
