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
    const batcher = new LineBatcher(stream, { batchChars: 30 });
    batcher.write("line one........\n");
    expect(text()).toEqual([]);
    batcher.write("line two........\n");
    expect(text()).toEqual(["line one........\nline two........\n"]);
  });

  it("writes what is pending after the interval, however little", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 10_000, intervalMs: 250 });
    batcher.write("a\n");
    jest.advanceTimersByTime(249);
    expect(text()).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(text()).toEqual(["a\n"]);
  });

  it("keeps the order of lines across batches and flushes", () => {
    const { stream, text } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 4 });
    for (const line of ["1\n", "2\n", "3\n", "4\n", "5\n"]) batcher.write(line);
    const flushed = jest.fn();
    batcher.flush(flushed);
    expect(text().join("")).toBe("1\n2\n3\n4\n5\n");
    expect(flushed).toHaveBeenCalled();
  });

  it("encodes every character as UTF-8, multi-byte ones and astral ones included", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 44 });
    const lines = ["ünï©ødé\n", "日本\n", "😀\n", "plain\n"];
    for (const line of lines) batcher.write(line);
    batcher.flushSync();
    expect(Buffer.concat(writes).equals(Buffer.from(lines.join(""), "utf8"))).toBe(true);
  });

  it("never changes the bytes of a batch once it is handed to the stream", () => {
    const { stream, writes } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 4 });
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
});
