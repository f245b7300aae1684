import type { AttributeValue, Attributes, HrTime, SpanContext } from "@opentelemetry/api";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";

/**
 * Encodes finished spans as an OTLP `ExportTraceServiceRequest` (opentelemetry-proto,
 * `collector/trace/v1/trace_service.proto`): the body of an http/protobuf export and the message of a
 * grpc one. It writes the same bytes as `@opentelemetry/otlp-transformer`'s `ProtobufTraceSerializer`
 * (the tests compare the two on every kind of span), in one pass instead of two (that serializer
 * first measures everything, then writes it) and without allocating for every trace and span id.
 */
export function serializeTraceExportRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const batch = new EncodedSpanBatch(spans.length * 384 + 1024);
  for (const span of spans) batch.add(span);
  return batch.serialize();
}

// Wire types (protobuf encoding).
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Span.flags: bit 8 says whether the context's remoteness is known, bit 9 that it is remote. */
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

type Resource = ReadableSpan["resource"];
type Scope = ReadableSpan["instrumentationScope"];

/**
 * Spans encoded as they are added, grouped by resource, then by instrumentation scope (by identity,
 * in the order first met, as the reference groups them), until {@link serialize} wraps them in one
 * `ExportTraceServiceRequest`. Only the encoded bytes are kept, in buffers outside the JavaScript
 * heap, so a span added here can be collected at once (see encodingSpanProcessor.ts for why that
 * matters). The resource and the scope are written by {@link serialize}, so a resource whose
 * attributes are still being detected when a span is added is read once they are known.
 */
export class EncodedSpanBatch {
  readonly #groups = new Map<Resource, Map<Scope, Writer>>();
  readonly #initialSize: number;
  #length = 0;
  #byteLength = 0;

  /** @param initialSize the bytes first set aside for the spans of one resource and scope; grown as needed. */
  constructor(initialSize = 16 * 1024) {
    this.#initialSize = initialSize;
  }

  /** How many spans were added. */
  get length(): number {
    return this.#length;
  }

  /** The bytes the spans added take, encoded. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /** The resources of the spans added, in the order first met. */
  resources(): IterableIterator<Resource> {
    return this.#groups.keys();
  }

  add(span: ReadableSpan): void {
    let scopes = this.#groups.get(span.resource);
    if (scopes === undefined) this.#groups.set(span.resource, (scopes = new Map()));
    let writer = scopes.get(span.instrumentationScope);
    if (writer === undefined) scopes.set(span.instrumentationScope, (writer = new Writer(this.#initialSize)));
    const before = writer.length;
    writeSpan(writer, 2, span);
    this.#byteLength += writer.length - before;
    this.#length++;
  }

  /** The request: ResourceSpans (1 resource, 2 scope_spans, 3 schema_url) as field 1, for each resource. */
  serialize(): Uint8Array {
    const writer = new Writer(this.#byteLength + 1024);
    for (const [resource, scopes] of this.#groups) {
      const resourceSpans = writer.startMessage(1, varintSize(this.#byteLength + 512));
      writeResource(writer, resource.attributes);
      for (const [scope, spans] of scopes) {
        writeScopeSpans(writer, 2, scope, spans.finish());
      }
      writer.optionalString(3, resource.schemaUrl);
      writer.finishMessage(resourceSpans);
    }
    return writer.finish();
  }
}

/** Resource: 1 attributes, 2 dropped_attributes_count. */
function writeResource(writer: Writer, attributes: Attributes | undefined): void {
  const resource = writer.startMessage(1, 1);
  if (attributes) writeAttributes(writer, attributes, 1);
  writer.varintField(2, 0);
  writer.finishMessage(resource);
}

/** ScopeSpans: 1 scope, 2 spans (given encoded, each as field 2), 3 schema_url. */
function writeScopeSpans(writer: Writer, field: number, scope: Scope, encodedSpans: Uint8Array): void {
  const scopeSpans = writer.startMessage(field, varintSize(encodedSpans.length + 64));
  // InstrumentationScope: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count.
  const instrumentationScope = writer.startMessage(1, 1);
  writer.stringField(1, scope.name);
  writer.optionalString(2, scope.version);
  const scopeAttributes = (scope as { attributes?: Attributes }).attributes;
  if (scopeAttributes) writeAttributes(writer, scopeAttributes, 3);
  const scopeDropped = (scope as { droppedAttributesCount?: number }).droppedAttributesCount;
  if (scopeDropped) writer.varintField(4, scopeDropped);
  writer.finishMessage(instrumentationScope);
  writer.raw(encodedSpans);
  writer.optionalString(3, scope.schemaUrl);
  writer.finishMessage(scopeSpans);
}

/**
 * Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start_time_unix_nano,
 * 8 end_time_unix_nano, 9 attributes, 10 dropped_attributes_count, 11 events, 12 dropped_events_count,
 * 13 links, 14 dropped_links_count, 15 status, 16 flags.
 */
function writeSpan(writer: Writer, field: number, span: ReadableSpan): void {
  const message = writer.startMessage(field, 2);
  const context = span.spanContext();
  writer.hexField(1, context.traceId);
  writer.hexField(2, context.spanId);
  writeTraceState(writer, context, 3);
  const parentSpanId = span.parentSpanContext?.spanId;
  if (parentSpanId) writer.hexField(4, parentSpanId);
  writer.stringField(5, span.name);
  // The API's SpanKind starts at INTERNAL = 0; the protocol's at SPAN_KIND_UNSPECIFIED = 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) writer.varintField(6, kind);
  writer.hrTimeField(7, span.startTime);
  writer.hrTimeField(8, span.endTime);
  if (span.attributes) writeAttributes(writer, span.attributes, 9);
  writer.varintField(10, span.droppedAttributesCount);
  for (const event of span.events) {
    writeEvent(writer, 11, event);
  }
  writer.varintField(12, span.droppedEventsCount);
  for (const link of span.links) {
    // Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6 flags.
    const linkMessage = writer.startMessage(13, 1);
    writer.hexField(1, link.context.traceId);
    writer.hexField(2, link.context.spanId);
    writeTraceState(writer, link.context, 3);
    if (link.attributes) writeAttributes(writer, link.attributes, 4);
    writer.varintField(5, link.droppedAttributesCount || 0);
    writer.fixed32Field(6, spanFlags(link.context.traceFlags, link.context.isRemote));
    writer.finishMessage(linkMessage);
  }
  writer.varintField(14, span.droppedLinksCount);
  // Status: 2 message, 3 code.
  const status = writer.startMessage(15, 1);
  writer.optionalString(2, span.status.message);
  writer.varintField(3, span.status.code);
  writer.finishMessage(status);
  writer.fixed32Field(16, spanFlags(context.traceFlags, span.parentSpanContext?.isRemote));
  writer.finishMessage(message);
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (isRemote ? FLAGS_IS_REMOTE : 0);
}

function writeTraceState(writer: Writer, context: SpanContext, field: number): void {
  writer.optionalString(field, context.traceState?.serialize());
}

/** Event: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count. */
function writeEvent(writer: Writer, field: number, event: TimedEvent): void {
  const message = writer.startMessage(field, 1);
  writer.hrTimeField(1, event.time);
  writer.stringField(2, event.name);
  if (event.attributes) writeAttributes(writer, event.attributes, 3);
  writer.varintField(4, event.droppedAttributesCount || 0);
  writer.finishMessage(message);
}

/** Attributes as repeated KeyValue (1 key, 2 value) under `field`. */
function writeAttributes(writer: Writer, attributes: Attributes, field: number): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    writeKeyValue(writer, field, key, attributes[key]);
  }
}

function writeKeyValue(writer: Writer, field: number, key: string, value: unknown): void {
  const known = attributeKeys.get(key);
  if (known !== undefined && value === known.value && known.keyValue !== undefined) {
    known.hit = true;
    writer.tag(field, LENGTH_DELIMITED);
    writer.varint(known.keyValue.length);
    writer.raw(known.keyValue);
    return;
  }
  const keyValue = writer.startMessage(field, 1);
  const start = writer.length;
  let newKey: Uint8Array | undefined;
  if (known !== undefined) writer.raw(known.key);
  else {
    writer.stringField(1, key);
    if (attributeKeys.size < ATTRIBUTE_KEYS_LIMIT) newKey = writer.copyFrom(start);
  }
  const anyValue = writer.startMessage(2, 1);
  writeAnyValue(writer, value);
  writer.finishMessage(anyValue);
  const length = writer.length - start;
  writer.finishMessage(keyValue);
  if (known !== undefined) known.remember(value, writer, length);
  else if (newKey !== undefined) attributeKeys.set(key, new AttributeKey(newKey));
}

/**
 * What is remembered of one attribute key: its field as written (the key field's tag, length and UTF-8
 * bytes), since the same few keys come in every span and copying their bytes costs less than encoding
 * them again; and the whole KeyValue last written with it, while its value is a string, number or
 * boolean, since most of a server span's values (method, scheme, host, port, route, status) are the
 * same from one request to the next. `===` tells a repeated value, and equal primitives encode to the
 * same bytes (0 and -0 both as the varint 0; NaN, never equal to itself, is always encoded).
 *
 * A key whose value keeps changing (a path with ids in it, a client address) would only copy bytes for
 * nothing: once {@link VOLATILE_AFTER} values in a row were replaced without being written again, its
 * KeyValue is no longer remembered, only its key.
 */
class AttributeKey {
  readonly key: Uint8Array;
  value: unknown;
  keyValue: Uint8Array | undefined;
  /** Whether {@link keyValue} was copied since it was remembered. */
  hit = false;
  #unused = 0;
  #volatile = false;

  constructor(key: Uint8Array) {
    this.key = key;
  }

  /** Remembers the KeyValue just written, the last `length` bytes of `writer`, for `value`. */
  remember(value: unknown, writer: Writer, length: number): void {
    if (this.#volatile || length > REMEMBERED_KEY_VALUE_BYTES) return;
    const type = typeof value;
    if (type !== "string" && type !== "number" && type !== "boolean") return;
    if (this.keyValue !== undefined && !this.hit && ++this.#unused >= VOLATILE_AFTER) {
      this.#volatile = true;
      this.value = undefined;
      this.keyValue = undefined;
      return;
    }
    if (this.hit) this.#unused = 0;
    this.value = value;
    this.keyValue = writer.copyFrom(writer.length - length);
    this.hit = false;
  }
}

/**
 * Attribute keys by key. Up to {@link ATTRIBUTE_KEYS_LIMIT} keys are remembered; past that (an
 * application making up keys) the others are simply encoded each time.
 */
const attributeKeys = new Map<string, AttributeKey>();
const ATTRIBUTE_KEYS_LIMIT = 256;
/** A KeyValue longer than this (a long user agent, say) is encoded each time. */
const REMEMBERED_KEY_VALUE_BYTES = 256;
const VOLATILE_AFTER = 16;

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/**
 * AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes. An integer that fits in 64
 * bits is an int, any other number a double; null, undefined and anything else write an empty value.
 */
function writeAnyValue(writer: Writer, value: AttributeValue | unknown): void {
  if (typeof value === "string") {
    writer.stringField(1, value);
  } else if (typeof value === "boolean") {
    writer.varintField(2, value ? 1 : 0);
  } else if (typeof value === "number") {
    if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
      writer.varintField(3, value);
    } else {
      writer.tag(4, FIXED64);
      writer.double(value);
    }
  } else if (value instanceof Uint8Array) {
    writer.tag(7, LENGTH_DELIMITED);
    writer.bytes(value);
  } else if (Array.isArray(value)) {
    // ArrayValue: 1 values.
    const array = writer.startMessage(5, 1);
    for (const item of value) {
      const itemValue = writer.startMessage(1, 1);
      writeAnyValue(writer, item);
      writer.finishMessage(itemValue);
    }
    writer.finishMessage(array);
  } else if (typeof value === "object" && value !== null) {
    // KeyValueList: 1 values.
    const list = writer.startMessage(6, 1);
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      writeKeyValue(writer, 1, key, (value as Record<string, unknown>)[key]);
    }
    writer.finishMessage(list);
  }
}

/** The number of bytes `value` takes as a varint, for a length (0 to 2^32 - 1). */
function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/**
 * A protobuf writer into one growing buffer. A message's length goes before it and is known only once
 * it is written: {@link startMessage} leaves room for the length it expects, {@link finishMessage}
 * writes the length and moves the message when the room was not right.
 */
class Writer {
  #buffer: Buffer;
  #pos = 0;

  constructor(size: number) {
    this.#buffer = Buffer.allocUnsafe(size);
  }

  /** The bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#pos);
  }

  /** A copy of the bytes written from `start` on: `finish()` is a view of a buffer whose bytes move and are reused. */
  copyFrom(start: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.#buffer, start, this.#pos);
  }

  /** Bytes already encoded, as they are: a few copied one by one, more with `set` (at 12 bytes both take about the same, from 24 on `set` is quicker; Node 24). */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    this.#ensure(length);
    if (length > 16) {
      this.#buffer.set(bytes, this.#pos);
      this.#pos += length;
      return;
    }
    const buffer = this.#buffer;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) buffer[pos++] = bytes[i]!;
    this.#pos = pos;
  }

  #ensure(bytes: number): void {
    if (this.#pos + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, 0, 0, this.#pos);
    this.#buffer = grown;
  }

  /**
   * Starts a message as field `field`: its tag, then `room` bytes for its length; returns where the
   * message starts, for {@link finishMessage}.
   */
  startMessage(field: number, room: number): number {
    this.tag(field, LENGTH_DELIMITED);
    this.#ensure(room);
    this.#pos += room;
    return this.#pos * 8 + room;
  }

  finishMessage(mark: number): void {
    const room = mark & 7;
    const start = (mark - room) / 8;
    const length = this.#pos - start;
    const size = varintSize(length);
    if (size !== room) {
      this.#ensure(size - room);
      this.#buffer.copyWithin(start + size - room, start, this.#pos);
      this.#pos += size - room;
    }
    this.#writeVarintAt(start - room, length);
  }

  #writeVarintAt(at: number, value: number): void {
    const buffer = this.#buffer;
    while (value > 0x7f) {
      buffer[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[at] = value;
  }

  /** A string field, left out when the string is missing or empty. */
  optionalString(field: number, value: string | undefined): void {
    if (value) this.stringField(field, value);
  }

  stringField(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.string(value);
  }

  varintField(field: number, value: number): void {
    this.tag(field, VARINT);
    this.varint(value);
  }

  hrTimeField(field: number, time: HrTime): void {
    this.tag(field, FIXED64);
    this.hrTime(time);
  }

  hexField(field: number, hex: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.hexBytes(hex);
  }

  fixed32Field(field: number, value: number): void {
    this.tag(field, FIXED32);
    this.fixed32(value);
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A varint; negative and 64-bit integers in two's complement, as int64 fields take them. */
  varint(value: number): void {
    this.#ensure(10);
    const buffer = this.#buffer;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buffer[this.#pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buffer[this.#pos++] = v;
      return;
    }
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = (magnitude / 4294967296) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buffer[this.#pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[this.#pos++] = low & 0x7f;
  }

  fixed32(value: number): void {
    this.#ensure(4);
    this.#pos = this.#uint32At(this.#pos, value);
  }

  /** A 32-bit little-endian integer at `at`, byte by byte (`writeUInt32LE` is a call of its own); returns where it ends. */
  #uint32At(at: number, value: number): number {
    const buffer = this.#buffer;
    buffer[at] = value;
    buffer[at + 1] = value >>> 8;
    buffer[at + 2] = value >>> 16;
    buffer[at + 3] = value >>> 24;
    return at + 4;
  }

  /** An HrTime ([seconds, nanoseconds]) as nanoseconds since the epoch, a fixed64. */
  hrTime([seconds, nanos]: HrTime): void {
    // seconds × 10^9 + nanos exceeds 2^53, so it is put together from parts that do not.
    const lowSeconds = seconds & 0xffff;
    const highSeconds = (seconds / 0x10000) >>> 0;
    const fromLow = lowSeconds * 1e9;
    const fromHigh = highSeconds * 1e9;
    const low = (fromLow >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
    const high = Math.floor(fromLow / 4294967296) + ((fromHigh / 0x10000) >>> 0) + Math.floor(low / 4294967296);
    this.#ensure(8);
    this.#pos = this.#uint32At(this.#uint32At(this.#pos, low), high);
  }

  double(value: number): void {
    this.#ensure(8);
    this.#buffer.writeDoubleLE(value, this.#pos);
    this.#pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.#ensure(value.length);
    this.#buffer.set(value, this.#pos);
    this.#pos += value.length;
  }

  /** A trace or span id, given in hex, as its bytes. */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    this.varint(length);
    this.#ensure(length);
    const buffer = this.#buffer;
    // Node's own decoder, when the id is all hex digits (it stops at the first pair that is not):
    // about half the time of the loop below, which writes what the reference writes for the others.
    if ((hex.length & 1) === 0 && buffer.write(hex, this.#pos, length, "hex") === length) {
      this.#pos += length;
      return;
    }
    let pos = this.#pos;
    for (let i = 0; i < hex.length; i += 2) buffer[pos++] = (hexDigit(hex.charCodeAt(i)) << 4) | hexDigit(hex.charCodeAt(i + 1));
    this.#pos = pos;
  }

  /** A string as UTF-8: copied as it is when it is ASCII (nearly always), encoded otherwise. */
  string(value: string): void {
    const length = value.length;
    const start = this.#pos;
    this.varint(length);
    this.#ensure(length);
    const buffer = this.#buffer;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) {
        this.#pos = start;
        this.#encoded(value);
        return;
      }
      buffer[pos++] = code;
    }
    this.#pos = pos;
  }

  #encoded(value: string): void {
    const byteLength = Buffer.byteLength(value, "utf8");
    this.varint(byteLength);
    this.#ensure(byteLength);
    this.#pos += this.#buffer.write(value, this.#pos, byteLength, "utf8");
  }
}

/** One hex digit's value, upper case too, as the reference serializer reads them. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return code - 0x37;
}
