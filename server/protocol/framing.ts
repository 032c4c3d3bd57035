/**
 * Packet framing: socket bytes ⇄ payloads. Pure: it is fed chunks and hands out bytes; it never
 * touches a socket.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      3    payload_length, little-endian
 *   3      1    sequence_id
 *   4      n    payload
 *
 * A payload of 0xFFFFFF bytes or more travels as fragments of exactly 0xFFFFFF bytes followed by
 * one shorter fragment, which is empty when the length is an exact multiple of 0xFFFFFF. Each
 * fragment takes the next sequence id. A command starts a new exchange at sequence id 0; each
 * packet of the exchange, in either direction, takes the next id, modulo 256.
 *
 * Invariants:
 *   (F1) The reader returns a payload only when all of its fragments are in, joined in order.
 *   (F2) The first fragment has the sequence id the caller expects; each further fragment has its
 *        predecessor's id + 1. Otherwise ER_NET_PACKETS_OUT_OF_ORDER, detected from the header
 *        alone, before the body arrives.
 *   (F3) A payload longer than the reader's limit fails with ER_NET_PACKET_TOO_LARGE, detected
 *        from the headers, so the reader never buffers more than the limit plus one fragment.
 *   (F4) The writer frames every payload it is given, in order, with consecutive sequence ids.
 */
import assert from 'node:assert/strict';
import { MAX_PACKET_PAYLOAD } from './constants.js';
import { ProtocolError } from './errors.js';

export const HEADER_SIZE = 4;

export interface Packet {
  /** Fragments joined. A view of the chunks pushed in; they are never reused, so it stays valid. */
  readonly payload: Buffer;
  /** Sequence id of the first fragment. */
  readonly sequenceId: number;
  /** The id a reply to this packet starts with: the last fragment's id + 1. */
  readonly nextSequenceId: number;
}

/** Number of wire packets a payload of `length` bytes takes. */
export function fragmentCount(length: number): number {
  return Math.floor(length / MAX_PACKET_PAYLOAD) + 1;
}

/** Merges socket chunks into packets (F1–F3). */
export class PacketReader {
  readonly #chunks: Buffer[] = [];
  /** Bytes of #chunks[0] already consumed. */
  #head = 0;
  #buffered = 0;
  readonly #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #firstSequenceId = 0;
  #lastSequenceId = 0;

  constructor(readonly payloadBytesMax: number) {
    assert(Number.isSafeInteger(payloadBytesMax) && payloadBytesMax > 0, 'payload limit');
  }

  /** Bytes received and not yet returned in a packet. */
  get bufferedBytes(): number {
    return this.#buffered + this.#fragmentBytes;
  }

  /** A packet longer than one fragment is partly read (takeBuffered must wait). */
  get midPacket(): boolean {
    return this.#fragments.length > 0;
  }

  /**
   * Removes and returns every byte received but not yet parsed: what followed an SSLRequest in
   * the same read (the start of the TLS handshake), to be handed to the TLS layer; what a
   * connection that moves to another thread received ahead (channel.ts detach).
   */
  takeBuffered(): Buffer {
    assert(this.#fragments.length === 0, 'F1: no packet is half read');
    const first = this.#chunks[0];
    const rest = this.#chunks.slice(1);
    const head = first === undefined ? [] : [first.subarray(this.#head)];
    const out = Buffer.concat([...head, ...rest]);
    this.#chunks.length = 0;
    this.#head = 0;
    this.#buffered = 0;
    return out;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next complete packet, or undefined until more bytes arrive. `expectedSequenceId` is the
   * id its first fragment must carry (F2).
   */
  read(expectedSequenceId: number): Packet | undefined {
    for (;;) {
      if (this.#buffered < HEADER_SIZE) return undefined;
      const length = this.#byteAt(0) | (this.#byteAt(1) << 8) | (this.#byteAt(2) << 16);
      const sequenceId = this.#byteAt(3);
      this.#checkHeader(length, sequenceId, expectedSequenceId);
      if (this.#buffered < HEADER_SIZE + length) return undefined;
      this.#take(HEADER_SIZE);
      const fragment = this.#take(length);
      if (this.#fragments.length === 0) this.#firstSequenceId = sequenceId;
      this.#lastSequenceId = sequenceId;
      if (length === MAX_PACKET_PAYLOAD) {
        this.#fragments.push(fragment);
        this.#fragmentBytes += length;
        continue;
      }
      return this.#finish(fragment);
    }
  }

  #checkHeader(length: number, sequenceId: number, expectedSequenceId: number): void {
    const expected =
      this.#fragments.length === 0 ? expectedSequenceId : (this.#lastSequenceId + 1) & 0xff;
    if (sequenceId !== expected) {
      throw new ProtocolError(
        'ER_NET_PACKETS_OUT_OF_ORDER',
        `sequence id ${sequenceId}, expected ${expected}`,
      );
    }
    if (this.#fragmentBytes + length > this.payloadBytesMax) {
      throw new ProtocolError(
        'ER_NET_PACKET_TOO_LARGE',
        `payload of ${this.#fragmentBytes + length}+ bytes, limit ${this.payloadBytesMax}`,
        sequenceId,
      );
    }
  }

  #finish(last: Buffer): Packet {
    let payload = last;
    if (this.#fragments.length > 0) {
      this.#fragments.push(last);
      payload = Buffer.concat(this.#fragments, this.#fragmentBytes + last.length);
      this.#fragments.length = 0;
      this.#fragmentBytes = 0;
    }
    return {
      payload,
      sequenceId: this.#firstSequenceId,
      nextSequenceId: (this.#lastSequenceId + 1) & 0xff,
    };
  }

  #byteAt(offset: number): number {
    let index = this.#head + offset;
    for (const chunk of this.#chunks) {
      if (index < chunk.length) return chunk[index] as number;
      index -= chunk.length;
    }
    assert.fail('byteAt past the buffered bytes');
  }

  /** Removes `n` buffered bytes: a view when they sit in one chunk, else a copy. */
  #take(n: number): Buffer {
    assert(n <= this.#buffered, 'take past the buffered bytes');
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (first !== undefined && first.length - this.#head >= n) {
      const view = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0];
      assert(chunk !== undefined, 'chunks ran out');
      const count = Math.min(n - filled, chunk.length - this.#head);
      chunk.copy(out, filled, this.#head, this.#head + count);
      filled += count;
      this.#advance(count);
    }
    return out;
  }

  #advance(count: number): void {
    this.#head += count;
    const first = this.#chunks[0];
    if (first !== undefined && this.#head === first.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}

/**
 * Collects outgoing payloads and frames them into one buffer per flush (F4), splitting payloads of
 * 0xFFFFFF bytes or more. `sequenceId` is the id the next packet takes. Packets are framed into
 * the writer's own buffer as they come (kept between flushes up to KEEP_BYTES), so a packet can
 * also be written in place: reserve() (issue 8: result rows without a Buffer each).
 */
export class PacketWriter {
  sequenceId = 0;
  /** The framed packets queued: bytes [0, #used) of #buf. */
  #buf: Buffer = Buffer.alloc(0);
  #used = 0;

  /** Bytes the queued packets take on the wire, headers included. */
  get pendingBytes(): number {
    return this.#used;
  }

  /** Where reserve()'s payload is written; valid until the next add, reserve or take. */
  get buffer(): Buffer {
    return this.#buf;
  }

  add(payload: Buffer): void {
    const fragments = fragmentCount(payload.length);
    this.#room(payload.length + HEADER_SIZE * fragments);
    this.#used = writeFramed(this.#buf, this.#used, payload, this.sequenceId);
    this.sequenceId = (this.sequenceId + fragments) & 0xff;
  }

  /**
   * Queues a packet of `length` payload bytes, less than one fragment, whose payload the caller
   * writes at the returned offset of `buffer` before anything else is queued (F4 as add()).
   */
  reserve(length: number): number {
    assert(length < MAX_PACKET_PAYLOAD, 'F4: a reserved packet is a single fragment');
    this.#room(HEADER_SIZE + length);
    const at = this.#used;
    this.#buf.writeUIntLE(length, at, 3);
    this.#buf[at + 3] = this.sequenceId;
    this.sequenceId = (this.sequenceId + 1) & 0xff;
    this.#used = at + HEADER_SIZE + length;
    return at + HEADER_SIZE;
  }

  /** Every queued packet, framed, in one buffer; the queue is then empty. */
  take(): Buffer {
    const used = this.#used;
    this.#used = 0;
    if (this.#buf.length > KEEP_BYTES) {
      // A large buffer goes out as it is rather than being copied and kept.
      const out = this.#buf.subarray(0, used);
      this.#buf = Buffer.alloc(0);
      return out;
    }
    const out = Buffer.allocUnsafe(used);
    this.#buf.copy(out, 0, 0, used);
    return out;
  }

  /** Makes room for `n` more bytes, keeping those queued. */
  #room(n: number): void {
    const need = this.#used + n;
    if (need <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.#buf.length, 1024));
    this.#buf.copy(bigger, 0, 0, this.#used);
    this.#buf = bigger;
  }
}

/** A writer's buffer up to this size is kept for the next flush. */
const KEEP_BYTES = 64 * 1024;

function writeFramed(out: Buffer, start: number, payload: Buffer, firstId: number): number {
  let pos = start;
  let offset = 0;
  let sequenceId = firstId;
  for (;;) {
    const length = Math.min(MAX_PACKET_PAYLOAD, payload.length - offset);
    out.writeUIntLE(length, pos, 3);
    out[pos + 3] = sequenceId;
    payload.copy(out, pos + HEADER_SIZE, offset, offset + length);
    pos += HEADER_SIZE + length;
    offset += length;
    sequenceId = (sequenceId + 1) & 0xff;
    if (length < MAX_PACKET_PAYLOAD) return pos;
  }
}

/** One payload framed on its own: for tests and one-off packets. */
export function framePacket(payload: Buffer, sequenceId: number): Buffer {
  const writer = new PacketWriter();
  writer.sequenceId = sequenceId;
  writer.add(payload);
  return writer.take();
}
