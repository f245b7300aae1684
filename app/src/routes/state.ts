import type { Hono } from "hono";
import type { Config } from "../config";
import { DaprError, type DaprClient } from "../dapr/client";
import { limitBody, readJsonBody } from "../jsonBody";
import { ProblemError, refuseOtherMethods } from "../problem";

/** Keys the state store is asked about: no separators Dapr gives meaning to (`||`), nothing to escape. */
const STATE_KEY = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * GET/PUT /api/state/:key over the Dapr state API. Without a sidecar they answer 503 with a message
 * that says so, rather than hanging or failing obscurely.
 */
export function registerState(app: Hono, { config, dapr }: { config: Config; dapr: DaprClient }): void {
  const store = config.dapr.stateStore;

  app.get("/api/state/:key", async function getState(c) {
    const key = validKey(c.req.param("key"));
    const lookup = await dapr.getState(store, key).catch(rethrowAsProblem);
    if (!lookup.found) throw new ProblemError(404, `No state is stored under "${key}".`);
    return c.json({ key, value: lookup.value });
  });

  app.put("/api/state/:key", limitBody(config.maxBodyBytes), async function putState(c) {
    const key = validKey(c.req.param("key"));
    const value = await readJsonBody(c);
    await dapr.saveState(store, key, value).catch(rethrowAsProblem);
    return c.body(null, 204);
  });

  refuseOtherMethods(app, "/api/state/:key", ["GET", "HEAD", "PUT"]);
}

function validKey(key: string): string {
  if (!STATE_KEY.test(key)) {
    throw new ProblemError(400, "A state key is 1 to 128 letters, digits, '.', '_' or '-'.");
  }
  return key;
}

/** Sidecar failures as problems: 503 when there is no sidecar, 504 when it is too slow, 502 otherwise. */
export function rethrowAsProblem(error: unknown): never {
  if (!(error instanceof DaprError)) throw error;
  const status = error.kind === "unavailable" ? 503 : error.kind === "timeout" ? 504 : 502;
  throw new ProblemError(status, error.message, {
    cause: error,
    extensions: error.details.errorCode === undefined ? undefined : { dapr_error_code: error.details.errorCode },
  });
}
