"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createApp = createApp;
const hono_1 = require("hono");
const client_1 = require("./dapr/client");
const accessLog_1 = require("./middleware/accessLog");
const problem_1 = require("./problem");
const dapr_1 = require("./routes/dapr");
const dependencies_1 = require("./routes/dependencies");
const exceptions_1 = require("./routes/exceptions");
const info_1 = require("./routes/info");
const probes_1 = require("./routes/probes");
const state_1 = require("./routes/state");
/**
 * Builds the Hono app without listening: tests call `app.request(...)`, server.ts serves `app.fetch`.
 * Order matters: Hono runs matching handlers in registration order, so the probes, registered first,
 * answer before anything else runs. Every other route is registered on a staging app, then moved here
 * with each of its handlers wrapped by {@link observe} (request id and access line) instead of an
 * app-wide middleware, which would take every request off Hono's single-handler path.
 */
function createApp({ config, logger, lifecycle, serverSpans, dapr, onEvent }) {
    const app = new hono_1.Hono();
    (0, probes_1.registerProbes)(app, { lifecycle, accessLogger: config.logProbes ? logger : undefined });
    // The span wraps the access line, so the line carries the span's ids.
    if (serverSpans)
        app.use(serverSpans);
    const routes = new hono_1.Hono();
    (0, info_1.registerInfo)(routes, { config });
    (0, dependencies_1.registerDependencies)(routes, { config });
    (0, exceptions_1.registerExceptions)(routes);
    (0, state_1.registerState)(routes, { config, dapr: dapr ?? new client_1.DaprClient(config.dapr) });
    (0, dapr_1.registerDapr)(routes, { config, logger, onEvent });
    for (const path of probes_1.PROBE_PATHS)
        (0, problem_1.refuseOtherMethods)(routes, path, ["GET", "HEAD"]);
    const handleError = (0, problem_1.errorHandler)({ logger });
    for (const { method, path, handler } of routes.routes)
        app.on(method, path, (0, accessLog_1.observe)(handler, { logger, onError: handleError }));
    app.notFound((0, accessLog_1.observe)(problem_1.notFound, { logger, onError: handleError }));
    app.onError(handleError);
    return app;
}
