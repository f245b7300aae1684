"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.LineBatcher = void 0;
exports.stdoutDestination = stdoutDestination;
const pino_1 = __importDefault(require("pino"));
/**
 * Collects log lines into one string and writes it once per batch. A line costs one concatenation,
 * which V8 keeps as a rope until the batch is written, flattened once; that measured cheaper than
 * pushing lines to an array and joining it. (sonic-boom's own buffering also appends to a string,
 * but measures its byte length on every write, which under load costs more per line than formatting
 * it.)
 */
class LineBatcher {
    #stream;
    #batchChars;
    #pending = "";
    constructor(stream, { batchChars = 16_384, intervalMs = 250 } = {}) {
        this.#stream = stream;
        this.#batchChars = batchChars;
        setInterval(() => this.#release(), intervalMs).unref();
    }
    write(line) {
        this.#pending += line;
        if (this.#pending.length >= this.#batchChars)
            this.#release();
    }
    /** Writes everything pending, then calls back: pino's `logger.flush(cb)` lands here. */
    flush(callback) {
        this.#release();
        this.#stream.flush(callback);
    }
    flushSync() {
        this.#release();
        this.#stream.flushSync();
    }
    #release() {
        if (this.#pending === "")
            return;
        const batch = this.#pending;
        this.#pending = "";
        this.#stream.write(batch);
    }
}
exports.LineBatcher = LineBatcher;
/**
 * stdout for the logger: lines batched by {@link LineBatcher}, one write(2) per 16 KiB, and at the
 * latest 250 ms after a line is logged. The writes are synchronous, as Node's own writes to a stdout
 * pipe are on Linux: measured here, handing each batch to libuv's thread pool cost more than writing
 * it. server.ts flushes at the end of shutdown and on crashes, and this module at exit, so only a
 * SIGKILL can lose the last quarter second of lines.
 */
function stdoutDestination() {
    // Registered before the stream exists, so it runs before pino's own exit hook for that stream.
    process.once("exit", () => batcher.flushSync());
    const batcher = new LineBatcher(pino_1.default.destination({ dest: 1, sync: true }));
    return batcher;
}
