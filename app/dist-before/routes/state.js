"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerState = registerState;
exports.rethrowAsProblem = rethrowAsProblem;
const client_1 = require("../dapr/client");
const jsonBody_1 = require("../jsonBody");
const problem_1 = require("../problem");
/** Keys the state store is asked about: no separators Dapr gives meaning to (`||`), nothing to escape. */
const STATE_KEY = /^[A-Za-z0-9._-]{1,128}$/;
/**
 * GET/PUT /api/state/:key over the Dapr state API. Without a sidecar they answer 503 with a message
 * that says so, rather than hanging or failing obscurely.
 */
function registerState(app, { config, dapr }) {
    const store = config.dapr.stateStore;
    app.get("/api/state/:key", async function getState(c) {
        const key = validKey(c.req.param("key"));
        const lookup = await dapr.getState(store, key).catch(rethrowAsProblem);
        if (!lookup.found)
            throw new problem_1.ProblemError(404, `No state is stored under "${key}".`);
        return c.json({ key, value: lookup.value });
    });
    app.put("/api/state/:key", (0, jsonBody_1.limitBody)(config.maxBodyBytes), async function putState(c) {
        const key = validKey(c.req.param("key"));
        const value = await (0, jsonBody_1.readJsonBody)(c);
        await dapr.saveState(store, key, value).catch(rethrowAsProblem);
        return c.body(null, 204);
    });
    (0, problem_1.refuseOtherMethods)(app, "/api/state/:key", ["GET", "HEAD", "PUT"]);
}
function validKey(key) {
    if (!STATE_KEY.test(key)) {
        throw new problem_1.ProblemError(400, "A state key is 1 to 128 letters, digits, '.', '_' or '-'.");
    }
    return key;
}
/** Sidecar failures as problems: 503 when there is no sidecar, 504 when it is too slow, 502 otherwise. */
function rethrowAsProblem(error) {
    if (!(error instanceof client_1.DaprError))
        throw error;
    const status = error.kind === "unavailable" ? 503 : error.kind === "timeout" ? 504 : 502;
    throw new problem_1.ProblemError(status, error.message, {
        cause: error,
        extensions: error.details.errorCode === undefined ? undefined : { dapr_error_code: error.details.errorCode },
    });
}
