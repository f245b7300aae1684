import pino, { type DestinationStream } from "pino";

/** The part of sonic-boom (pino's stream) used here. */
export interface LogStream {
  write(data: string): unknown;
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
 * Collects log lines into one string and writes it once per batch. A line costs one concatenation,
 * which V8 keeps as a rope until the batch is written, flattened once; that measured cheaper than
 * pushing lines to an array and joining it. (sonic-boom's own buffering also appends to a string,
 * but measures its byte length on every write, which under load costs more per line than formatting
 * it.)
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
  const batcher = new LineBatcher(pino.destination({ dest: 1, sync: true }) as unknown as LogStream);
  return batcher;
}
