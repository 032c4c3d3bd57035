/** RetainedRecords: what the lagging-segment bound counts. */
import { describe, expect, it } from 'vitest';
import { type Lsn, lsn } from './lsn.js';
import { RETAINED_RECORD_OVERHEAD, RetainedRecords } from './replication.js';

describe('retained records', () => {
  it('count each record its bytes plus the heap it costs, so the bound holds for memory', () => {
    const retained = new RetainedRecords();
    for (let i = 1; i <= 1000; i++) retained.push(lsn(i), Buffer.alloc(60));
    expect(retained.bytes).toBe(1000 * (60 + RETAINED_RECORD_OVERHEAD));
    expect(RETAINED_RECORD_OVERHEAD).toBeGreaterThanOrEqual(60); // a Buffer object, two slots
    let last: Lsn | undefined;
    while (retained.bytes > 500 * (60 + RETAINED_RECORD_OVERHEAD)) last = retained.shift();
    expect(last).toBe(lsn(500));
    expect(retained.length).toBe(500);
    expect(retained.firstLsn()).toBe(lsn(501));
  });
});
