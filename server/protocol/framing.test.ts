/**
 * Packet framing: splitting and joining at 0xFFFFFF, pipelining, every chunk boundary, and the
 * F2/F3 refusals.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PACKET_PAYLOAD } from './constants.js';
import { ProtocolError } from './errors.js';
import { fragmentCount, framePacket, type Packet, PacketReader, PacketWriter } from './framing.js';

const MiB = 1024 * 1024;

function patterned(length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 4096) buf[i] = (i / 4096) & 0xff;
  buf.fill(7, 0, Math.min(length, 10));
  for (let i = 10; i < length; i += 4096) buf[i] = 1;
  return buf;
}

function readAll(reader: PacketReader, expected: number[]): Packet[] {
  const out: Packet[] = [];
  for (const id of expected) {
    const p = reader.read(id);
    if (p === undefined) break;
    out.push(p);
  }
  return out;
}

describe('PacketWriter', () => {
  it('frames small packets with consecutive ids', () => {
    const w = new PacketWriter();
    w.sequenceId = 1;
    w.add(Buffer.from('ab'));
    w.add(Buffer.alloc(0));
    expect(w.pendingBytes).toBe(10);
    expect(w.take().toString('hex')).toBe('02000001' + '6162' + '00000002');
    expect(w.sequenceId).toBe(3);
    expect(w.pendingBytes).toBe(0);
  });

  it('frames packets written in place between added ones, growing and reusing its buffer', () => {
    const w = new PacketWriter();
    w.sequenceId = 7;
    w.add(Buffer.from('ab'));
    const at = w.reserve(3);
    w.buffer.write('xyz', at, 'latin1');
    const big = patterned(5000);
    w.add(big);
    const at2 = w.reserve(0);
    expect(at2).toBe(w.pendingBytes);
    expect(w.take().toString('hex')).toBe(
      '02000007' + '6162' + '03000008' + '78797a' + '88130009' + big.toString('hex') + '0000000a',
    );
    // The next flush starts empty; what was taken is a copy the writer no longer touches.
    const kept = w.buffer;
    w.buffer.fill(0);
    w.add(Buffer.from('q'));
    expect(w.buffer).toBe(kept);
    expect(w.take().toString('hex')).toBe('0100000b' + '71');
    expect(() => w.reserve(MAX_PACKET_PAYLOAD)).toThrow(/F4/);
  });

  it('wraps sequence ids at 256', () => {
    const w = new PacketWriter();
    w.sequenceId = 255;
    w.add(Buffer.from('x'));
    w.add(Buffer.from('y'));
    expect(w.take().toString('hex')).toBe('010000ff78010000' + '0079');
  });

  it('splits exactly 0xFFFFFF bytes into a full packet and an empty one', () => {
    const payload = patterned(MAX_PACKET_PAYLOAD);
    const bytes = framePacket(payload, 0);
    expect(bytes.length).toBe(MAX_PACKET_PAYLOAD + 8);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('ffffff00');
    expect(bytes.subarray(bytes.length - 4).toString('hex')).toBe('00000001');
    expect(bytes.subarray(4, 4 + MAX_PACKET_PAYLOAD).equals(payload)).toBe(true);
  });

  it('splits 16 MiB + 1 bytes into 0xFFFFFF + 2', () => {
    const payload = patterned(16 * MiB + 1);
    expect(fragmentCount(payload.length)).toBe(2);
    const bytes = framePacket(payload, 3);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('ffffff03');
    const second = 4 + MAX_PACKET_PAYLOAD;
    expect(bytes.subarray(second, second + 4).toString('hex')).toBe('02000004');
    expect(bytes.length).toBe(payload.length + 8);
  });
});

describe('PacketReader', () => {
  it('joins fragments of exactly 0xFFFFFF bytes (with the empty tail)', () => {
    const payload = patterned(MAX_PACKET_PAYLOAD);
    const reader = new PacketReader(64 * MiB);
    reader.push(framePacket(payload, 0));
    const p = reader.read(0);
    expect(p?.payload.equals(payload)).toBe(true);
    expect(p?.sequenceId).toBe(0);
    expect(p?.nextSequenceId).toBe(2);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('joins 16 MiB + 1 bytes arriving in 64 KiB chunks', () => {
    const payload = patterned(16 * MiB + 1);
    const bytes = framePacket(payload, 0);
    const reader = new PacketReader(64 * MiB);
    let packet: Packet | undefined;
    for (let i = 0; i < bytes.length; i += 65536) {
      expect(packet).toBeUndefined();
      reader.push(bytes.subarray(i, i + 65536));
      packet = reader.read(0);
    }
    expect(packet?.payload.equals(payload)).toBe(true);
    expect(packet?.nextSequenceId).toBe(2);
  });

  it('round-trips writer output for payloads around the split point', () => {
    for (const length of [0, 1, MAX_PACKET_PAYLOAD - 1, 2 * MAX_PACKET_PAYLOAD]) {
      const payload = patterned(length);
      const reader = new PacketReader(64 * MiB);
      reader.push(framePacket(payload, 9));
      const p = reader.read(9);
      expect(p?.payload.equals(payload)).toBe(true);
      expect(p?.nextSequenceId).toBe((9 + fragmentCount(length)) & 0xff);
    }
  });

  it('returns pipelined packets from one chunk one by one', () => {
    const w = new PacketWriter();
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 3']) {
      w.sequenceId = 0;
      w.add(Buffer.concat([Buffer.from([3]), Buffer.from(sql)]));
    }
    const reader = new PacketReader(1024);
    reader.push(w.take());
    const got = readAll(reader, [0, 0, 0, 0]);
    expect(got.map((p) => p.payload.subarray(1).toString())).toEqual([
      'SELECT 1',
      'SELECT 2',
      'SELECT 3',
    ]);
    expect(reader.read(0)).toBeUndefined();
  });

  it('gives the same packets whatever the chunk boundaries', () => {
    const w = new PacketWriter();
    w.add(Buffer.from('first'));
    w.add(Buffer.alloc(0));
    w.add(Buffer.from('third packet'));
    const stream = w.take();
    for (let cut1 = 0; cut1 <= stream.length; cut1++) {
      for (let cut2 = cut1; cut2 <= stream.length; cut2++) {
        const reader = new PacketReader(1024);
        const got: string[] = [];
        let next = 0;
        for (const part of [
          stream.subarray(0, cut1),
          stream.subarray(cut1, cut2),
          stream.subarray(cut2),
        ]) {
          reader.push(part);
          for (let p = reader.read(next); p !== undefined; p = reader.read(next)) {
            got.push(p.payload.toString());
            next = p.nextSequenceId;
          }
        }
        expect(got).toEqual(['first', '', 'third packet']);
      }
    }
  });

  it('byte by byte, a split payload', () => {
    const payload = patterned(MAX_PACKET_PAYLOAD + 5);
    const bytes = framePacket(payload, 0);
    const reader = new PacketReader(64 * MiB);
    // Feed the header of each fragment byte by byte, bodies in bulk.
    const second = 4 + MAX_PACKET_PAYLOAD;
    const parts = [
      ...[0, 1, 2, 3].map((i) => bytes.subarray(i, i + 1)),
      bytes.subarray(4, second),
      ...[0, 1, 2, 3].map((i) => bytes.subarray(second + i, second + i + 1)),
      bytes.subarray(second + 4),
    ];
    let p: Packet | undefined;
    for (const part of parts) {
      expect(p).toBeUndefined();
      reader.push(part);
      p = reader.read(0);
    }
    expect(p?.payload.equals(payload)).toBe(true);
  });

  it('rejects an unexpected sequence id from the header alone', () => {
    const reader = new PacketReader(1024);
    reader.push(Buffer.from('0a000005', 'hex'));
    expect(() => reader.read(1)).toThrow(
      expect.objectContaining({ code: 'ER_NET_PACKETS_OUT_OF_ORDER', errno: 1156 }),
    );
  });

  it('rejects a fragment out of order', () => {
    const bytes = Buffer.from(framePacket(patterned(MAX_PACKET_PAYLOAD + 1), 0));
    bytes[4 + MAX_PACKET_PAYLOAD + 3] = 7;
    const reader = new PacketReader(64 * MiB);
    reader.push(bytes);
    expect(() => reader.read(0)).toThrow(ProtocolError);
  });

  it('rejects a payload above the limit before it arrives', () => {
    const reader = new PacketReader(1000);
    reader.push(Buffer.from('e9030000', 'hex'));
    expect(() => reader.read(0)).toThrow(
      expect.objectContaining({ code: 'ER_NET_PACKET_TOO_LARGE', errno: 1153 }),
    );
    const exact = new PacketReader(1000);
    exact.push(Buffer.from('e8030000', 'hex'));
    expect(exact.read(0)).toBeUndefined();
  });
});
