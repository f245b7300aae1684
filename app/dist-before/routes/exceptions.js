"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DeliberateTestError = void 0;
exports.registerExceptions = registerExceptions;
const problem_1 = require("../problem");
/** Thrown on purpose by GET /api/exceptions/test-error to show the error path end to end. */
class DeliberateTestError extends Error {
    constructor() {
        super("Deliberate test error from GET /api/exceptions/test-error");
        this.name = "DeliberateTestError";
    }
}
exports.DeliberateTestError = DeliberateTestError;
/**
 * The error path, on demand: the app's error handler logs the stack with the request and trace ids,
 * the server span records the exception, and the client gets a 500 problem without internals.
 */
function registerExceptions(app) {
    app.get("/api/exceptions/test-error", function testError() {
        throw new DeliberateTestError();
    });
    (0, problem_1.refuseOtherMethods)(app, "/api/exceptions/test-error", ["GET", "HEAD"]);
}
