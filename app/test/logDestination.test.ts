import { LineBatcher, type LogStream } from "../src/logDestination";

function recordingStream() {
  const writes: string[] = [];
  const stream: LogStream = {
    write: (data: string) => writes.push(data),
    flush: (callback?: (error?: Error) => void) => callback?.(),
    flushSync: () => undefined,
  };
  return { writes, stream };
}

describe("LineBatcher", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("writes lines in batches once enough are pending", () => {
    const { writes, stream } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 30 });
    batcher.write("line one........\n");
    expect(writes).toEqual([]);
    batcher.write("line two........\n");
    expect(writes).toEqual(["line one........\nline two........\n"]);
  });

  it("writes what is pending after the interval, however little", () => {
    const { writes, stream } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 10_000, intervalMs: 250 });
    batcher.write("a\n");
    jest.advanceTimersByTime(249);
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(writes).toEqual(["a\n"]);
  });

  it("keeps the order of lines across batches and flushes", () => {
    const { writes, stream } = recordingStream();
    const batcher = new LineBatcher(stream, { batchChars: 4 });
    for (const line of ["1\n", "2\n", "3\n", "4\n", "5\n"]) batcher.write(line);
    const flushed = jest.fn();
    batcher.flush(flushed);
    expect(writes.join("")).toBe("1\n2\n3\n4\n5\n");
    expect(flushed).toHaveBeenCalled();
  });
});
