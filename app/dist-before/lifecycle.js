"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Lifecycle = void 0;
/**
 * The service's readiness, in one place: /ready reads it, the HTTP server reads it to decide whether a
 * response keeps its connection open, and server.ts and the connection drain move it forward. The
 * phase only moves forward.
 */
class Lifecycle {
    #phase = "starting";
    #draining = false;
    #closesConnections = false;
    get phase() {
        return this.#phase;
    }
    /** True from the first moment of shutdown. */
    get draining() {
        return this.#draining;
    }
    /**
     * True while every response still to be written must say `Connection: close`; a plain field read,
     * cheap enough for every response. See connectionDrain.ts for when it is on.
     */
    get closesConnections() {
        return this.#closesConnections;
    }
    markReady() {
        if (this.#phase === "starting")
            this.#phase = "ready";
    }
    /** Readiness answers 503 from now on. */
    beginDrain() {
        this.#phase = "draining";
        this.#draining = true;
    }
    /** While draining: whether responses close their connections (connectionDrain.ts decides when). */
    setClosesConnections(closes) {
        if (this.#draining)
            this.#closesConnections = closes;
    }
}
exports.Lifecycle = Lifecycle;
