import { describe, expect, it } from 'vitest';
import { WireError } from '../bytes.js';
import { StorageError } from '../errors.js';
import { type Lsn, lsn } from '../lsn.js';
import type { AppendRequest } from '../messages.js';
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
