import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { WireError } from '../bytes.js';
import { systemClock } from '../clock.js';
import { StorageError } from '../errors.js';
import { type Lsn, lsn } from '../lsn.js';
import type { AppendRequest } from '../messages.js';
import { recordListChecked } from '../redo.js';
import { MemoryDisk, MemoryNodeStore } from '../segment/memory-store.js';
import { Segment } from '../segment/segment.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { type BatchEntry, decodeBatch, encodeBatch } from './batch.js';

const L = (n: number): Lsn => lsn(n);
const writer = new TestWriter({ epoch: 2, vdl: L(0), groupTails: new Map() });
const records = writer.mtr([[pageOf(0, 3), leafInit()], [pageOf(0, 3), cellInsert(0, 'ünïcode')]]);

function append(group: number, list: readonly Buffer[]): AppendRequest {
  return { kind: 'AppendRequest', group, epoch: 2, vdlHint: L(7), readFloor: L(1), records: list };
}

describe('storage worker batches', () => {
  it('gives back every entry kind in order (WB1)', () => {
    const entries: BatchEntry[] = [
      { kind: 'request', id: 1, address: 'node-0', request: append(0, records) },
      { kind: 'request', id: 2, address: 'node-5', request: append(0, []) },
      {
        kind: 'request', id: 3, address: 'node-2',
        request: { kind: 'SclRequest', group: 4, epoch: 9 },
      },
      { kind: 'reply', id: 4, reply: { kind: 'AppendReply', scl: L(2 ** 45) } },
      { kind: 'failure', id: 5, error: new StorageError('unavailable', 'node-3 is down') },
      { kind: 'control', id: 6, op: 'stop-node', node: 3 },
      { kind: 'control-done', id: 7, error: null },
      { kind: 'control-done', id: 8, error: 'no node 9' },
    ];
    const decoded = decodeBatch(encodeBatch(entries));
    expect(decoded.map((e) => [e.kind, e.id])).toEqual(entries.map((e) => [e.kind, e.id]));
    expect(decoded.slice(0, 4)).toEqual(entries.slice(0, 4));
    const failure = decoded[4];
    expect(failure?.kind === 'failure' && [failure.error.kind, failure.error.message])
      .toEqual(['unavailable', 'node-3 is down']);
    expect(decoded.slice(5)).toEqual(entries.slice(5));
  });

  it('carries the records of a group once for its six appends', () => {
    const six: BatchEntry[] = Array.from({ length: 6 }, (_, i) => ({
      kind: 'request', id: i + 1, address: `node-${i}`, request: append(0, records),
    }));
    const one = encodeBatch(six.slice(0, 1)).byteLength;
    const all = encodeBatch(six).byteLength;
    const recordBytes = records.reduce((n, r) => n + r.length, 0);
    expect(all - one).toBeLessThan(5 * recordBytes);
    for (const e of decodeBatch(encodeBatch(six))) {
      expect(e.kind === 'request' && e.request.kind === 'AppendRequest' && e.request.records)
        .toEqual(records);
    }
  });

  it('checks each record list once as it decodes it, marks it if whole (WB3, R1)', async () => {
    const w = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const good = w.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'a')]]);
    const bad = w.mtr([[pageOf(0, 1), cellInsert(1, 'b')]]).map((r) => Buffer.from(r));
    const last = bad[0] as Buffer;
    last[last.length - 1] = (last[last.length - 1] ?? 0) ^ 0xff; // the crc no longer matches
    const history = [{ epoch: 1, startLsn: L(0) }];
    const entries: BatchEntry[] = [good, good, bad].map((list, i) => ({
      kind: 'request', id: i + 1, address: `node-${i}`,
      request: { ...append(0, list), epoch: 1, vdlHint: L(0), history },
    }));
    const lists = decodeBatch(encodeBatch(entries)).map((e) =>
      e.kind === 'request' && e.request.kind === 'AppendRequest' ? e.request.records : []);
    expect(lists[0]).toBe(lists[1]); // one list for the appends that share it
    expect(recordListChecked(lists[0] ?? [])).toBe(true);
    expect(Object.isFrozen(lists[0])).toBe(true); // R1: nothing swaps a record in afterwards
    expect(recordListChecked(lists[2] ?? [])).toBe(false);
    expect(recordListChecked(good)).toBe(false); // the sender's own list was never checked
    // The unmarked list is checked by the segment itself, which refuses it.
    const log = pino({ level: 'silent' });
    const segment = new Segment(new MemoryNodeStore(new MemoryDisk(), systemClock).segment(0), log);
    const request = entries[0]?.kind === 'request' ? entries[0].request : undefined;
    expect(request?.kind).toBe('AppendRequest');
    if (request?.kind !== 'AppendRequest') return;
    expect(await segment.processMessage({ ...request, records: lists[0] ?? [] }))
      .toEqual({ kind: 'AppendReply', scl: 2 });
    expect(await segment.processMessage({ ...request, records: lists[2] ?? [] }))
      .toMatchObject({ kind: 'Refused', reason: 'corrupt' });
  });

  it('keeps what each segment lacks of a checked list, counted once (R1, U3)', async () => {
    const w = new TestWriter({ epoch: 1, vdl: L(0), groupTails: new Map() });
    const first = w.mtr([[pageOf(0, 1), leafInit()], [pageOf(0, 1), cellInsert(0, 'a')]]);
    const more = [...first, ...w.mtr([[pageOf(0, 1), cellInsert(1, 'b')]])];
    const history = [{ epoch: 1, startLsn: L(0) }];
    const request = (list: Buffer[]): AppendRequest =>
      ({ ...append(0, list), epoch: 1, vdlHint: L(0), history });
    const decoded = decodeBatch(encodeBatch([
      { kind: 'request', id: 1, address: 'node-0', request: request(first) },
      { kind: 'request', id: 2, address: 'node-1', request: request(more) },
    ])).map((e) => (e.kind === 'request' && e.request.kind === 'AppendRequest' ? e.request : null));
    const [a, b] = decoded;
    if (a === null || a === undefined || b === null || b === undefined) throw new Error('decode');
    expect(recordListChecked(b.records)).toBe(true);
    const log = pino({ level: 'silent' });
    const stores = [0, 1].map(() => new MemoryNodeStore(new MemoryDisk(), systemClock));
    const [behind, fresh] = stores.map((store) => new Segment(store.segment(0), log));
    // One segment already holds the first two records, the other none: both end with all three.
    expect(await behind?.processMessage(a)).toEqual({ kind: 'AppendReply', scl: 2 });
    expect(await behind?.processMessage(b)).toEqual({ kind: 'AppendReply', scl: 3 });
    expect(await fresh?.processMessage(b)).toEqual({ kind: 'AppendReply', scl: 3 });
    expect(await fresh?.processMessage(b)).toEqual({ kind: 'AppendReply', scl: 3 }); // all held
    for (const store of stores) {
      const index = [...store.segment(0).index(L(0), L(9))];
      expect(index.map((e) => [e.lsn, e.prevLsn, e.pageId])).toEqual([
        [1, 0, pageOf(0, 1)], [2, 1, pageOf(0, 1)], [3, 2, pageOf(0, 1)],
      ]);
      expect(store.segment(0).record(pageOf(0, 1), L(3))?.equals(more[2] ?? Buffer.alloc(0)))
        .toBe(true);
    }
    expect(behind?.status().records).toBe(3); // U3: each record counted once
    expect(fresh?.status().records).toBe(3);
  });

  it('is an ArrayBuffer of exactly its length, transferable (WB2)', () => {
    const batch = encodeBatch([{ kind: 'control', id: 1, op: 'close', node: 0 }]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(batch, [batch]);
    expect(batch.byteLength).toBe(0); // detached: it moved, it was not copied
    port1.close();
    port2.close();
  });

  it('refuses truncated and padded batches', () => {
    const reply: BatchEntry = { kind: 'reply', id: 1, reply: { kind: 'AppendReply', scl: L(3) } };
    const bytes = Buffer.from(encodeBatch([reply]));
    const cut = bytes.subarray(0, bytes.length - 1);
    expect(() => decodeBatch(new Uint8Array(cut).buffer)).toThrow(WireError);
    const padded = Buffer.concat([bytes, Buffer.from([0])]);
    expect(() => decodeBatch(new Uint8Array(padded).buffer)).toThrow(WireError);
  });
});
