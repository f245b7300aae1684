/**
 * Counts spans in OTLP trace exports without a protobuf library, so the sink that receives them
 * stays tiny. Only the three envelope levels are walked; spans themselves are skipped by length:
 * ExportTraceServiceRequest.resource_spans (1) → ResourceSpans.scope_spans (2) → ScopeSpans.spans (2).
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

interface Field {
  readonly number: number;
  /** Set for length-delimited fields only. */
  readonly bytes?: Uint8Array;
}

function readVarint(buffer: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let position = start; position < buffer.length && position < start + 10; position++) {
    const byte = buffer[position] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, position + 1];
  }
  throw new Error("truncated or overlong varint");
}

function* fields(message: Uint8Array): Generator<Field> {
  let position = 0;
  while (position < message.length) {
    const [key, afterKey] = readVarint(message, position);
    const wireType = key % 8;
    const number = Math.floor(key / 8);
    position = afterKey;
    if (wireType === VARINT) {
      position = readVarint(message, position)[1];
      yield { number };
    } else if (wireType === FIXED64) {
      position += 8;
      yield { number };
    } else if (wireType === FIXED32) {
      position += 4;
      yield { number };
    } else if (wireType === LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(message, position);
      const end = afterLength + length;
      if (end > message.length) throw new Error("length-delimited field runs past the message");
      yield { number, bytes: message.subarray(afterLength, end) };
      position = end;
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
    if (position > message.length) throw new Error("field runs past the message");
  }
}

function childMessages(message: Uint8Array, fieldNumber: number): Uint8Array[] {
  const children: Uint8Array[] = [];
  for (const field of fields(message)) {
    if (field.number === fieldNumber && field.bytes) children.push(field.bytes);
  }
  return children;
}

/** Number of spans in one encoded ExportTraceServiceRequest. */
export function countSpans(exportRequest: Uint8Array): number {
  let spans = 0;
  for (const resourceSpans of childMessages(exportRequest, 1)) {
    for (const scopeSpans of childMessages(resourceSpans, 2)) {
      spans += childMessages(scopeSpans, 2).length;
    }
  }
  return spans;
}

/**
 * Splits a gRPC request body into its messages: each is prefixed by a compressed flag (1 byte)
 * and a big-endian length (4 bytes). Compressed messages are refused: the exporter is run uncompressed.
 */
export function grpcMessages(body: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let position = 0;
  while (position < body.length) {
    if (position + 5 > body.length) throw new Error("truncated gRPC frame header");
    if (body[position] !== 0) throw new Error("compressed gRPC message");
    const length = new DataView(body.buffer, body.byteOffset + position + 1, 4).getUint32(0);
    const end = position + 5 + length;
    if (end > body.length) throw new Error("truncated gRPC message");
    messages.push(body.subarray(position + 5, end));
    position = end;
  }
  return messages;
}
