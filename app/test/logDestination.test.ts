import { LineBatcher, type LogStream } from "../src/logDestination";

function recordingStream() {
  const writes: Buffer[] = [];
  const stream: LogStream = {
    write: (data: Buffer) => writes.push(data),
    flush: (callback?: (error?: Error) => void) => callback?.(),
    flushSync: () => undefined,
  };
  const text = () => writes.map((data) => data.toString("utf8"));
  return { writes, stream, text };
}

describe("LineBatcher", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("writes lines in batches once enough are pending", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 30 });
    batcher.write("line one........\n");
    expect(text()).toEqual([]);
    batcher.write("line two........\n");
    expect(text()).toEqual(["line one........\nline two........\n"]);
  });

  it("writes what is pending after the interval, however little", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 10_000, intervalMs: 250 });
    batcher.write("a\n");
    jest.advanceTimersByTime(249);
    expect(text()).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(text()).toEqual(["a\n"]);
  });

  it("keeps the order of lines across batches and flushes", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 4 });
    for (const line of ["1\n", "2\n", "3\n", "4\n", "5\n"]) batcher.write(line);
    const flushed = jest.fn();
    batcher.flush(flushed);
    expect(text().join("")).toBe("1\n2\n3\n4\n5\n");
    expect(flushed).toHaveBeenCalled();
  });

  it("encodes every character as UTF-8, multi-byte ones and astral ones included", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 44 });
    const lines = ["ünï©ødé\n", "日本\n", "😀\n", "plain\n"];
    for (const line of lines) batcher.write(line);
    batcher.flushSync();
    expect(Buffer.concat(writes).equals(Buffer.from(lines.join(""), "utf8"))).toBe(true);
  });

  it("never changes the bytes of a batch once it is handed to the stream", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 4 });
    batcher.write("1\n");
    batcher.write("2\n");
    batcher.flushSync();
    const first = Buffer.from(writes[0]!);
    batcher.write("3\n");
    batcher.write("4\n");
    batcher.flushSync();
    expect(writes[0]!.equals(first)).toBe(true);
    expect(writes.map((data) => data.toString())).toEqual(["1\n2\n", "3\n4\n"]);
  });

  it("writes a line longer than its whole buffer on its own, after what was pending and before what follows", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 8 });
    const long = `${"x".repeat(1_000)}\n`;
    batcher.write("a\n");
    batcher.write(long);
    batcher.write("b\n");
    batcher.flushSync();
    expect(text()).toEqual(["a\n", long, "b\n"]);
  });

  it("never splits a multi-byte character between batches, however full the buffer is", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 16 });
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) lines.push(`${"é".repeat(i % 7)}${"😀".repeat(i % 3)}${i}\n`);
    for (const line of lines) batcher.write(line);
    batcher.flushSync();
    expect(writes.length).toBeGreaterThan(10);
    // Every batch is whole UTF-8 on its own, and together they are the lines in order.
    for (const batch of writes) expect(Buffer.from(batch.toString("utf8"), "utf8").equals(batch)).toBe(true);
    expect(Buffer.concat(writes).toString("utf8")).toBe(lines.join(""));
  });

  it("writes a lone surrogate as U+FFFD, as Buffer.from does", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchBytes: 64 });
    batcher.write("a\ud800b\n");
    batcher.flushSync();
    expect(Buffer.concat(writes).equals(Buffer.from("a\ud800b\n", "utf8"))).toBe(true);
  });
});
