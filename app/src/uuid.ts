import { randomFillSync } from "node:crypto";

const IDS_PER_BATCH = 16;
const RANDOM_BYTES = 16;
const TEXT_LENGTH = 36;
/** Bit i set: the canonical text (8-4-4-4-12 digits) has a hyphen before random byte i, i.e. bytes 4, 6, 8 and 10. */
const HYPHEN_BEFORE = (1 << 4) | (1 << 6) | (1 << 8) | (1 << 10);
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");
const HYPHEN = 0x2d;

const random = Buffer.alloc(IDS_PER_BATCH * RANDOM_BYTES);
const text = Buffer.alloc(IDS_PER_BATCH * TEXT_LENGTH);
let batch = "";
let nextInBatch = IDS_PER_BATCH;

/**
 * A random (version 4) UUID in its canonical lower-case text form, as `crypto.randomUUID()` returns:
 * RFC 9562 §5.4 (https://www.rfc-editor.org/rfc/rfc9562#section-5.4): 122 bits from Node's CSPRNG
 * (`randomFillSync`), `ver` 0b0100 in bits 48–51 (octet 6), `var` 0b10 in bits 64–65 (octet 8).
 * Cheaper per id than `randomUUID()`, which builds each id's text from 20 concatenated pieces (a
 * string V8 must then flatten again wherever the id is written): here the random bytes of 16 ids are
 * drawn and formatted into one string at a time, and each id is a slice of it. No id is handed out
 * twice; a batch's string lives as long as any of its ids. Sixteen, not more: the batch being handed
 * out is alive at every minor garbage collection and gets copied by it, and a 256-id batch (9 KiB)
 * was the largest single thing those collections found alive under load (docs/service.md, "Memory
 * after load"); sixteen cost no more instructions per request.
 */
export function randomUuid(): string {
  if (nextInBatch === IDS_PER_BATCH) formatNextBatch();
  const start = nextInBatch++ * TEXT_LENGTH;
  return batch.slice(start, start + TEXT_LENGTH);
}

function formatNextBatch(): void {
  randomFillSync(random);
  let at = 0;
  for (let id = 0; id < IDS_PER_BATCH; id++) {
    const first = id * RANDOM_BYTES;
    random[first + 6] = (random[first + 6]! & 0x0f) | 0x40; // version 4
    random[first + 8] = (random[first + 8]! & 0x3f) | 0x80; // variant 10 (RFC 9562)
    for (let index = 0; index < RANDOM_BYTES; index++) {
      if ((HYPHEN_BEFORE >> index) & 1) text[at++] = HYPHEN;
      const byte = random[first + index]!;
      text[at++] = HEX_DIGITS[byte >> 4]!;
      text[at++] = HEX_DIGITS[byte & 0x0f]!;
    }
  }
  batch = text.toString("latin1");
  nextInBatch = 0;
}
