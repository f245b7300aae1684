import { Hono } from "hono";
import type { Logger } from "pino";
import type { Config } from "./config";
import { DaprClient } from "./dapr/client";
import type { Lifecycle } from "./lifecycle";
import { observe } from "./middleware/accessLog";
import type { ServerSpans } from "./middleware/serverSpans";
import { errorHandler, notFound, refuseOtherMethods } from "./problem";
import { type EventHandler, registerDapr } from "./routes/dapr";
import { registerDependencies } from "./routes/dependencies";
import { registerExceptions } from "./routes/exceptions";
import { registerInfo } from "./routes/info";
import { PROBE_PATHS, registerProbes } from "./routes/probes";
import { registerState } from "./routes/state";

export interface AppDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Opens each request's SERVER span; present only when telemetry is on (see telemetry.ts). */
  readonly serverSpans?: ServerSpans;
  /** Defaults to a client for the sidecar on DAPR_HTTP_PORT. */
  readonly dapr?: DaprClient;
  /** Application logic for delivered pub/sub events; defaults to logging them. */
  readonly onEvent?: EventHandler;
}

/**
 * Builds the Hono app without listening: tests call `app.request(...)`, server.ts serves `app.fetch`.
 * Order matters: Hono runs matching handlers in registration order, so the probes, registered first,
 * answer before anything else runs. Every other route is registered on a staging app, then moved here
 * with each of its handlers wrapped by {@link observe} (request id, SERVER span, access line) instead of an
 * app-wide middleware, which would take every request off Hono's single-handler path.
 */
export function createApp({ config, logger, lifecycle, serverSpans, dapr, onEvent }: AppDependencies): Hono {
  const app = new Hono();

  registerProbes(app, { lifecycle, accessLogger: config.logProbes ? logger : undefined });

  const routes = new Hono();
  registerInfo(routes, { config });
  registerDependencies(routes, { config });
  registerExceptions(routes);
  registerState(routes, { config, dapr: dapr ?? new DaprClient(config.dapr) });
  registerDapr(routes, { config, logger, onEvent });
  for (const path of PROBE_PATHS) refuseOtherMethods(routes, path, ["GET", "HEAD"]);

  const handleError = errorHandler({ logger });
  for (const { method, path, handler } of routes.routes) {
    app.on(method, path, observe(handler, { logger, onError: handleError, route: path, spans: serverSpans }));
  }
  app.notFound(observe(notFound, { logger, onError: handleError, spans: serverSpans }));
  app.onError(handleError);
  return app;
}
