import { randomTraceIds, randomUuid } from "../src/uuid";

/** RFC 9562 §5.4: version nibble 4, variant bits 10, lower-case hex in 8-4-4-4-12 groups. */
const VERSION_4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 128 bits of a canonical UUID text, most significant first. */
function bitsOf(uuid: string): string {
  return [...uuid.replaceAll("-", "")].map((digit) => Number.parseInt(digit, 16).toString(2).padStart(4, "0")).join("");
}

describe("randomUuid", () => {
  // Many batches of 16, so that ids from the start, the middle and the end of a batch, and across
  // a refill, are all checked.
  const ids = Array.from({ length: 2_000 }, () => randomUuid());

  it("gives canonical version 4 UUIDs, every one of them", () => {
    expect(ids.filter((id) => !VERSION_4.test(id))).toEqual([]);
  });

  it("never gives the same id twice, within a batch or across batches", () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("varies every one of the 122 random bits and only those", () => {
    const bits = ids.map(bitsOf);
    const fixed = new Map([
      [48, "0"], // version 0100
      [49, "1"],
      [50, "0"],
      [51, "0"],
      [64, "1"], // variant 10
      [65, "0"],
    ]);
    for (let position = 0; position < 128; position++) {
      const seen = new Set(bits.map((value) => value[position]));
      const expected = fixed.has(position) ? [fixed.get(position)] : ["0", "1"];
      expect({ position, seen: [...seen].sort() }).toEqual({ position, seen: expected });
    }
  });

  it("sets each random bit about half of the time", () => {
    // 2 000 draws of a fair bit: the count of ones lies within 1 000 ± 5 standard deviations (±112)
    // with a probability above 1 - 10⁻⁶ per bit, so this fails only for a biased generator.
    const bits = ids.map(bitsOf);
    for (let position = 0; position < 128; position++) {
      if (position >= 48 && position <= 51) continue;
      if (position === 64 || position === 65) continue;
      const ones = bits.filter((value) => value[position] === "1").length;
      expect({ position, ones, balanced: Math.abs(ones - 1_000) <= 112 }).toEqual({ position, ones, balanced: true });
    }
  });
});

describe("randomTraceIds", () => {
  const traceIds = Array.from({ length: 2_000 }, () => randomTraceIds.generateTraceId());
  const spanIds = Array.from({ length: 2_000 }, () => randomTraceIds.generateSpanId());

  it("gives W3C trace ids of 32 and span ids of 16 lower-case hex digits", () => {
    expect(traceIds.filter((id) => !/^[0-9a-f]{32}$/.test(id))).toEqual([]);
    expect(spanIds.filter((id) => !/^[0-9a-f]{16}$/.test(id))).toEqual([]);
  });

  it("never gives the same id twice", () => {
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
  });

  it("varies every bit of both kinds of id, each about half of the time", () => {
    for (const ids of [traceIds, spanIds]) {
      const bits = ids.map(bitsOf);
      for (let position = 0; position < ids[0]!.length * 4; position++) {
        const ones = bits.filter((value) => value[position] === "1").length;
        expect({ position, ones, balanced: Math.abs(ones - 1_000) <= 112 }).toEqual({ position, ones, balanced: true });
      }
    }
  });

  it("never gives an all-zero id, which W3C Trace Context makes invalid, even when the random bytes are all zero", () => {
    jest.isolateModules(() => {
      jest.doMock("node:crypto", () => ({ randomFillSync: (buffer: Buffer) => buffer.fill(0) }));
      const { randomTraceIds: fromZeros, randomUuid: uuidFromZeros } = jest.requireActual<typeof import("../src/uuid")>("../src/uuid");
      expect(fromZeros.generateTraceId()).toBe("00000000000000000000000000000001");
      expect(fromZeros.generateSpanId()).toBe("0000000000000001");
      expect(uuidFromZeros()).toBe("00000000-0000-4000-8000-000000000000");
    });
    jest.dontMock("node:crypto");
  });
});
