import { randomFillSync } from "node:crypto";

/** Random bytes are drawn for this many 16-byte ids at a time: each `randomFillSync` call costs about 1.5 µs whatever its size. */
const IDS_PER_DRAW = 256;
const MAX_ID_BYTES = 16;
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");
const HYPHEN = 0x2d;

const random = Buffer.alloc(IDS_PER_DRAW * MAX_ID_BYTES);
let nextRandom = random.length;

/** `bytes` fresh random bytes from Node's CSPRNG: where they start in {@link random}. */
function drawRandom(bytes: number): number {
  if (nextRandom + bytes > random.length) {
    randomFillSync(random);
    nextRandom = 0;
  }
  const first = nextRandom;
  nextRandom += bytes;
  return first;
}

/**
 * Random ids as lower-case hex text, formatted {@link IDS_PER_BATCH} at a time into one string of
 * which each id is a slice. Cheaper per id than formatting each on its own (`randomUUID()` builds each
 * id's text from 20 concatenated pieces, a string V8 must then flatten again wherever the id is
 * written; the OpenTelemetry SDK's ids go through `Math.random`, a shared buffer and
 * `toString("hex")` each). No id is handed out twice; a string lives as long as any of its ids.
 * Sixteen ids per string, not more: the string being handed out is alive at every minor garbage
 * collection, which copies it, and a 256-id string (9 KiB) was the largest single thing those
 * collections found alive under load (docs/service.md, "Memory after load").
 */
class RandomHexIds {
  static readonly IDS_PER_BATCH = 16;
  readonly #bytes: number;
  readonly #textLength: number;
  /** Bit i set: a hyphen goes before random byte i. */
  readonly #hyphenBefore: number;
  readonly #adjust: (random: Buffer, first: number) => void;
  readonly #text: Buffer;
  #batch = "";
  #nextInBatch = RandomHexIds.IDS_PER_BATCH;

  constructor(bytes: number, { hyphenBefore = 0, adjust }: { hyphenBefore?: number; adjust: (random: Buffer, first: number) => void }) {
    this.#bytes = bytes;
    let hyphens = 0;
    for (let bits = hyphenBefore; bits !== 0; bits >>= 1) hyphens += bits & 1;
    this.#textLength = bytes * 2 + hyphens;
    this.#hyphenBefore = hyphenBefore;
    this.#adjust = adjust;
    this.#text = Buffer.alloc(hyphenBefore === 0 ? 0 : RandomHexIds.IDS_PER_BATCH * this.#textLength);
  }

  next(): string {
    if (this.#nextInBatch === RandomHexIds.IDS_PER_BATCH) this.#formatNextBatch();
    const start = this.#nextInBatch++ * this.#textLength;
    return this.#batch.slice(start, start + this.#textLength);
  }

  #formatNextBatch(): void {
    const bytes = this.#bytes;
    const first = drawRandom(RandomHexIds.IDS_PER_BATCH * bytes);
    for (let id = 0; id < RandomHexIds.IDS_PER_BATCH; id++) this.#adjust(random, first + id * bytes);
    this.#nextInBatch = 0;
    if (this.#hyphenBefore === 0) {
      // Plain hex: Node's own encoder does the whole batch in one call.
      this.#batch = random.toString("hex", first, first + RandomHexIds.IDS_PER_BATCH * bytes);
      return;
    }
    const text = this.#text;
    const hyphenBefore = this.#hyphenBefore;
    let at = 0;
    for (let id = 0; id < RandomHexIds.IDS_PER_BATCH; id++) {
      const start = first + id * bytes;
      for (let index = 0; index < bytes; index++) {
        if ((hyphenBefore >> index) & 1) text[at++] = HYPHEN;
        const byte = random[start + index]!;
        text[at++] = HEX_DIGITS[byte >> 4]!;
        text[at++] = HEX_DIGITS[byte & 0x0f]!;
      }
    }
    this.#batch = text.toString("latin1");
  }
}

/**
 * RFC 9562 §5.4 (https://www.rfc-editor.org/rfc/rfc9562#section-5.4): `ver` 0b0100 in bits 48–51
 * (octet 6), `var` 0b10 in bits 64–65 (octet 8); the canonical text has hyphens before octets 4, 6, 8
 * and 10 (8-4-4-4-12 digits).
 */
const uuids = new RandomHexIds(16, {
  hyphenBefore: (1 << 4) | (1 << 6) | (1 << 8) | (1 << 10),
  adjust(bytes, first) {
    bytes[first + 6] = (bytes[first + 6]! & 0x0f) | 0x40;
    bytes[first + 8] = (bytes[first + 8]! & 0x3f) | 0x80;
  },
});

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/#trace-id, #parent-id): an all-zero trace or
 * span id is invalid, so one that comes out all zero (a chance of 2^-64 or less) gets a last byte of 1,
 * as the OpenTelemetry SDK's generator does.
 */
const notAllZero = (bytes: number) => (random: Buffer, first: number) => {
  for (let index = first; index < first + bytes; index++) if (random[index] !== 0) return;
  random[first + bytes - 1] = 1;
};
const traceIds = new RandomHexIds(16, { adjust: notAllZero(16) });
const spanIds = new RandomHexIds(8, { adjust: notAllZero(8) });

/**
 * A random (version 4) UUID in its canonical lower-case text form, as `crypto.randomUUID()` returns:
 * 122 bits from Node's CSPRNG (`randomFillSync`). About 90–120 ns per id (docs/service.md has the command).
 */
export function randomUuid(): string {
  return uuids.next();
}

/**
 * The OpenTelemetry SDK's `IdGenerator` (a TracerProvider option), with the ids drawn from Node's
 * CSPRNG in batches: 32 and 16 lower-case hex digits, never all zero.
 */
export const randomTraceIds = {
  generateTraceId: (): string => traceIds.next(),
  generateSpanId: (): string => spanIds.next(),
};
