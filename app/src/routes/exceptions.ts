import type { Hono } from "hono";
import { refuseOtherMethods } from "../problem";

/** Thrown on purpose by GET /api/exceptions/test-error to show the error path end to end. */
export class DeliberateTestError extends Error {
  constructor() {
    super("Deliberate test error from GET /api/exceptions/test-error");
    this.name = "DeliberateTestError";
  }
}

/**
 * The error path, on demand: the app's error handler logs the stack with the request and trace ids,
 * the server span records the exception, and the client gets a 500 problem without internals.
 */
export function registerExceptions(app: Hono): void {
  app.get("/api/exceptions/test-error", function testError() {
    throw new DeliberateTestError();
  });
  refuseOtherMethods(app, "/api/exceptions/test-error", ["GET", "HEAD"]);
}
