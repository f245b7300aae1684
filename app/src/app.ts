import { Hono, type MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { Config } from "./config";
import { DaprClient } from "./dapr/client";
import type { Lifecycle } from "./lifecycle";
import { requestIdAndAccessLog } from "./middleware/accessLog";
import { errorHandler, methodNotAllowed, notFound } from "./problem";
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
  /** The server-span middleware; present only when telemetry is on (see telemetry.ts). */
  readonly serverSpans?: MiddlewareHandler;
  /** Defaults to a client for the sidecar on DAPR_HTTP_PORT. */
  readonly dapr?: DaprClient;
  /** Application logic for delivered pub/sub events; defaults to logging them. */
  readonly onEvent?: EventHandler;
}

/**
 * Builds the Hono app without listening: tests call `app.request(...)`, server.ts serves `app.fetch`.
 * Order matters: Hono runs matching handlers in registration order, so the probes, registered first,
 * answer before any middleware runs.
 */
export function createApp({ config, logger, lifecycle, serverSpans, dapr, onEvent }: AppDependencies): Hono {
  const app = new Hono();

  registerProbes(app, { lifecycle, accessLogger: config.logProbes ? logger : undefined });

  // The span wraps the access line, so the line carries the span's ids.
  if (serverSpans) app.use(serverSpans);
  app.use(requestIdAndAccessLog({ logger }));

  registerInfo(app, { config });
  registerDependencies(app, { config });
  registerExceptions(app);
  registerState(app, { config, dapr: dapr ?? new DaprClient(config.dapr) });
  registerDapr(app, { config, logger, onEvent });
  for (const path of PROBE_PATHS) app.all(path, methodNotAllowed(["GET", "HEAD"]));

  app.notFound(notFound);
  app.onError(errorHandler({ logger }));
  return app;
}
