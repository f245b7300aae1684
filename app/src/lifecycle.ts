export type Phase = "starting" | "ready" | "draining";

/**
 * The service's readiness, in one place: /ready reads it, the HTTP server reads it to stop keeping
 * connections alive, and server.ts moves it forward. It only moves forward.
 */
export class Lifecycle {
  #phase: Phase = "starting";
  #draining = false;

  get phase(): Phase {
    return this.#phase;
  }

  /** True from the first moment of shutdown; a plain field read, cheap enough for every response. */
  get draining(): boolean {
    return this.#draining;
  }

  markReady(): void {
    if (this.#phase === "starting") this.#phase = "ready";
  }

  beginDrain(): void {
    this.#phase = "draining";
    this.#draining = true;
  }
}
