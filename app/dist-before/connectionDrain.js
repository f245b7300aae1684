"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConnectionDrain = exports.DEFAULT_DRAIN_TIMINGS = void 0;
const node_net_1 = require("node:net");
const promises_1 = require("node:timers/promises");
exports.DEFAULT_DRAIN_TIMINGS = {
    listenerQuietMs: 250,
    listenerQuietMaxMs: 2_000,
    idleGraceMs: 1_000,
    sweepIntervalMs: 25,
};
/**
 * Takes a server's connections through shutdown so that every request a client managed to write is
 * answered: a client either gets its response or has its connection refused before it could write
 * anything. node:http's `server.close()` does not do that: it also destroys every connection that has
 * no request being parsed, including one accepted a moment earlier whose first request is still on
 * the wire, and closing a listener resets the connections waiting in the kernel's accept queue, whose
 * clients have already written. The sequence (see docs/service.md, "Graceful shutdown"):
 *
 * 1. Drain delay (skipped when it is 0, when the platform has stopped routing here before the
 *    signal). Readiness says 503 (the caller began the drain) and every response says
 *    `Connection: close`, while the listener still accepts: the platform may go on routing here until
 *    it has seen the replica leave, and each response moves a client or proxy off this replica.
 * 2. Quiet listener. Responses keep their connections open again, so the clients still here stop
 *    reconnecting; the listener closes once no connection has arrived for `listenerQuietMs` (and the
 *    step has lasted that long), when the accept queue is empty, or after `listenerQuietMaxMs`
 *    (clients that open a connection per request never go quiet).
 * 3. Close. The listener closes without touching a connection (net.Server's close, not node:http's).
 *    Every response says `Connection: close` again, and node:http closes each connection after its
 *    next response. A connection with nothing in flight and no byte moved for `idleGraceMs` is closed:
 *    one that was idle through the whole drain goes at once, a fresh one gets time for its first
 *    request. The server's `close` event ends the step, once no connection is left.
 * 4. Deadline. When `deadline` aborts (the shutdown timeout, or a second signal), every connection
 *    still open is destroyed.
 *
 * What cannot be avoided: a client that sends a request on a keep-alive connection idle for the whole
 * grace period, at the very moment it is closed, sees the connection end (HTTP/1.1's keep-alive race;
 * clients retry idempotent requests). Step 1's drain delay is what keeps such clients away.
 *
 * Construct it before the server listens: it follows every connection from its acceptance.
 */
class ConnectionDrain {
    #server;
    #lifecycle;
    #timings;
    #connections = new Map();
    #lastAcceptedAt = -Infinity;
    #closingIdle = false;
    constructor(server, lifecycle, timings = {}) {
        this.#server = server;
        this.#lifecycle = lifecycle;
        this.#timings = { ...exports.DEFAULT_DRAIN_TIMINGS, ...timings };
        server.on("connection", (socket) => {
            const now = performance.now();
            this.#lastAcceptedAt = now;
            this.#connections.set(socket, { bytesRead: 0, bytesWritten: 0, idleSince: now });
            socket.once("close", () => this.#connections.delete(socket));
        });
    }
    /** Connections currently open. */
    get openConnections() {
        return this.#connections.size;
    }
    /** Runs steps 1 to 4 (the caller has already called `lifecycle.beginDrain()`). */
    async drain({ drainDelayMs, deadline, onListenerClosed }) {
        const startedAt = performance.now();
        for (const [socket, activity] of this.#connections) {
            activity.bytesRead = socket.bytesRead;
            activity.bytesWritten = socket.bytesWritten;
            activity.idleSince = Math.max(activity.idleSince, startedAt);
        }
        // Each look at the connections runs after the event loop's next poll (setImmediate): a process
        // that was starved of CPU for a while first reads what arrived meanwhile, so neither a request
        // waiting in a socket's buffer nor a connection waiting in the accept queue looks like silence.
        const sweeper = setInterval(() => setImmediate(() => this.#sweep()), this.#timings.sweepIntervalMs);
        try {
            // 1. Drain delay.
            if (drainDelayMs > 0) {
                this.#lifecycle.setClosesConnections(true);
                await (0, promises_1.setTimeout)(drainDelayMs, undefined, { signal: deadline }).catch(() => undefined);
            }
            // 2. Quiet listener. Measured from the step's start too: a client told to reconnect a moment
            // ago may not have connected yet.
            this.#lifecycle.setClosesConnections(false);
            const quietStartedAt = performance.now();
            while (!deadline.aborted) {
                await (0, promises_1.setImmediate)();
                const now = performance.now();
                const quietFor = now - Math.max(this.#lastAcceptedAt, quietStartedAt);
                if (quietFor >= this.#timings.listenerQuietMs || now - quietStartedAt >= this.#timings.listenerQuietMaxMs)
                    break;
                await (0, promises_1.setTimeout)(Math.max(1, this.#timings.listenerQuietMs - quietFor), undefined, { signal: deadline }).catch(() => undefined);
            }
            // 3. Close, in the same turn as the last look at the listener.
            this.#lifecycle.setClosesConnections(true);
            const closed = new Promise((resolve) => this.#server.once("close", () => resolve()));
            node_net_1.Server.prototype.close.call(this.#server);
            this.#closingIdle = true;
            this.#sweep();
            onListenerClosed?.(this.#connections.size);
            const aborted = new Promise((resolve) => {
                if (deadline.aborted)
                    resolve();
                else
                    deadline.addEventListener("abort", () => resolve(), { once: true });
            });
            if ((await Promise.race([closed.then(() => "closed"), aborted.then(() => "aborted")])) === "closed") {
                return { forced: false, destroyed: 0 };
            }
            // 4. Deadline.
            const destroyed = this.#connections.size;
            for (const socket of this.#connections.keys())
                socket.destroy();
            await closed;
            return { forced: destroyed > 0, destroyed };
        }
        finally {
            clearInterval(sweeper);
        }
    }
    /** Marks connections where something moved as active; in step 3, closes those idle long enough. */
    #sweep() {
        const now = performance.now();
        for (const [socket, activity] of this.#connections) {
            const busy = socket._httpMessage != null;
            if (busy || socket.bytesRead !== activity.bytesRead || socket.bytesWritten !== activity.bytesWritten) {
                activity.bytesRead = socket.bytesRead;
                activity.bytesWritten = socket.bytesWritten;
                activity.idleSince = now;
            }
            else if (this.#closingIdle && now - activity.idleSince >= this.#timings.idleGraceMs) {
                socket.destroy();
            }
        }
    }
}
exports.ConnectionDrain = ConnectionDrain;
