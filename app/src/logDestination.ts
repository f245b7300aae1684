import pino, { type DestinationStream } from "pino";

/** The part of sonic-boom (pino's stream) used here, in its `contentMode: "buffer"`. */
export interface LogStream {
  write(data: Buffer): unknown;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
}

export interface LineBatcherOptions {
  /** Write once this many bytes are pending… */
  readonly batchBytes?: number;
  /** …or after this long, whichever comes first. */
  readonly intervalMs?: number;
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair, two units, takes 4). */
const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;

/**
 * Collects log lines as UTF-8 in a buffer outside V8's heap and writes it once per batch. Each line is
 * encoded as it comes (`buffer.write`, one native call), so nothing of a pending batch lives on the
 * JavaScript heap: the line strings die young, and the garbage collector's minor collections, which
 * copy whatever is still alive, find a batch's worth less to copy. Measured under load (docs/service.md,
 * "Memory after load"), keeping the pending lines as one concatenated string instead, as this class
 * did before, cost the same instructions but left up to 16 KiB of live string per minor collection,
 * enough to make V8 double its young generation twice within ten seconds of load. Each batch is handed
 * to the stream as a copy of its own, so a write the stream has to retry never sees its bytes change.
 */
export class LineBatcher implements DestinationStream {
  readonly #stream: LogStream;
  readonly #batchBytes: number;
  /** Where lines are encoded as they come; reused for every batch. */
  readonly #scratch: Buffer;
  #used = 0;

  constructor(stream: LogStream, { batchBytes = 16_384, intervalMs = 250 }: LineBatcherOptions = {}) {
    this.#stream = stream;
    this.#batchBytes = batchBytes;
    // Room for a full batch and the line that fills it, however long, up to a second batch's worth.
    this.#scratch = Buffer.allocUnsafeSlow(2 * batchBytes);
    setInterval(() => this.#release(), intervalMs).unref();
  }

  write(line: string): void {
    const room = this.#scratch.length - this.#used;
    // Only near the buffer's end is the line's exact length worth measuring.
    if (line.length * MAX_UTF8_BYTES_PER_CODE_UNIT > room) {
      const bytes = Buffer.byteLength(line, "utf8");
      if (bytes > room) {
        this.#release();
        // A line longer than the whole buffer goes out on its own, after what was pending.
        if (bytes > this.#scratch.length) {
          this.#stream.write(Buffer.from(line, "utf8"));
          return;
        }
      }
    }
    this.#used += this.#scratch.write(line, this.#used);
    if (this.#used >= this.#batchBytes) this.#release();
  }

  /** Writes everything pending, then calls back: pino's `logger.flush(cb)` lands here. */
  flush(callback?: (error?: Error) => void): void {
    this.#release();
    this.#stream.flush(callback);
  }

  flushSync(): void {
    this.#release();
    this.#stream.flushSync();
  }

  #release(): void {
    if (this.#used === 0) return;
    // A copy of its own for every batch (one memcpy): the stream may keep it to retry a write, and
    // it is exactly the batch's size, where a slice would keep the whole buffer alive.
    const batch = Buffer.allocUnsafe(this.#used);
    this.#scratch.copy(batch, 0, 0, this.#used);
    this.#used = 0;
    this.#stream.write(batch);
  }
}

/**
 * stdout for the logger: lines batched by {@link LineBatcher}, one write(2) per 16 KiB, and at the
 * latest 250 ms after a line is logged. The writes are synchronous, as Node's own writes to a stdout
 * pipe are on Linux: measured here, handing each batch to libuv's thread pool cost more than writing
 * it. server.ts flushes at the end of shutdown and on crashes, and this module at exit, so only a
 * SIGKILL can lose the last quarter second of lines.
 */
export function stdoutDestination(): DestinationStream {
  // Registered before the stream exists, so it runs before pino's own exit hook for that stream.
  process.once("exit", () => batcher.flushSync());
  const stream = pino.destination({ dest: 1, sync: true, contentMode: "buffer" });
  const batcher = new LineBatcher(stream as unknown as LogStream);
  return batcher;
}
