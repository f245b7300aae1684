import pino, { type DestinationStream } from "pino";

/** The part of sonic-boom (pino's stream) used here, in its `contentMode: "buffer"`. */
export interface LogStream {
  write(data: Buffer): unknown;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
}

export interface LineBatcherOptions {
  /** Write once this many characters are pending… */
  readonly batchChars?: number;
  /** …or after this long, whichever comes first. */
  readonly intervalMs?: number;
}

/**
 * Collects log lines into one string and writes it once per batch, as bytes. A line costs one
 * concatenation, which V8 keeps as a rope until the batch is encoded, once, to UTF-8. Measured under
 * load, that is the cheapest of the ways tried: pushing lines to an array and joining it costs more;
 * encoding each line into a buffer as it comes costs a native call per line; and handing sonic-boom
 * strings makes it measure every string's byte length, encode it to write it, and encode it again to
 * learn what was written. A batch's bytes are never reused, so a write the stream has to retry can
 * never see them change.
 */
export class LineBatcher implements DestinationStream {
  readonly #stream: LogStream;
  readonly #batchChars: number;
  #pending = "";

  constructor(stream: LogStream, { batchChars = 16_384, intervalMs = 250 }: LineBatcherOptions = {}) {
    this.#stream = stream;
    this.#batchChars = batchChars;
    setInterval(() => this.#release(), intervalMs).unref();
  }

  write(line: string): void {
    this.#pending += line;
    if (this.#pending.length >= this.#batchChars) this.#release();
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
    if (this.#pending === "") return;
    const batch = this.#pending;
    this.#pending = "";
    this.#stream.write(Buffer.from(batch, "utf8"));
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
