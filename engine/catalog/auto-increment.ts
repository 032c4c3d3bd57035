/**
 * AUTO_INCREMENT counters, one per table that has an AUTO_INCREMENT column, InnoDB 8's way:
 *
 *   - values are handed out at INSERT time, outside transactions: a rolled-back INSERT leaves
 *     a gap, and concurrent INSERTs never wait for each other's counters;
 *   - a statement's generated values are handed out in one synchronous pass, so they are
 *     consecutive (innodb_autoinc_lock_mode = 2 for simple inserts);
 *   - an explicit value moves the counter past it;
 *   - the counter is persisted: each COMMIT of a transaction that inserted into the table writes
 *     the counter (if it moved) into the catalog tree in its own mini-transaction, and a restart
 *     resumes from the larger of that and one past the column's largest value.
 *
 * Generated values follow auto_increment_increment / _offset: the next value is the smallest
 * offset + N × increment at or above the counter (the offset is ignored when above the increment,
 * as MySQL does). At the column type's maximum the maximum is handed out again, so the INSERT
 * fails with ER_DUP_ENTRY, as InnoDB does.
 *
 * Invariants: (A1) `next` never decreases; (A2) `persisted` ≤ `next`, and `persisted` is what
 * the catalog tree holds once its mini-transaction committed.
 */
import assert from 'node:assert/strict';
import type { PageId } from '../../storage/index.js';
import type { Mtr, Trees } from '../btree/api.js';
import { inlineRow } from '../sql/row-overflow.js';
import { entryPrimaryKey } from '../sql/index-keys.js';
import { intRange } from '../sql/values.js';
import { type TableDef, counterKey } from './definitions.js';

interface Counter {
  next: bigint;
  persisted: bigint;
}

export function encodeCounter(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value, 0);
  return out;
}

export function decodeCounter(bytes: Buffer): bigint {
  assert.equal(bytes.length, 8, 'an AUTO_INCREMENT counter is a u64');
  return bytes.readBigUInt64BE(0);
}

/** Each table definition's counter key, made once (issue 8: a commit persists the counter). */
const counterKeys = new WeakMap<TableDef, Buffer>();

function counterKeyOf(table: TableDef): Buffer {
  let key = counterKeys.get(table);
  if (key === undefined) {
    key = counterKey(table.database, table.name);
    counterKeys.set(table, key);
  }
  return key;
}

export class AutoIncrementCounters {
  private readonly byRoot = new Map<PageId, Counter>();

  set(table: TableDef, next: bigint, persisted: bigint): void {
    this.byRoot.set(table.root, { next, persisted });
  }

  forget(table: TableDef): void {
    this.byRoot.delete(table.root);
  }

  private counter(table: TableDef): Counter {
    const counter = this.byRoot.get(table.root);
    assert(counter !== undefined, 'an AUTO_INCREMENT table has a counter');
    return counter;
  }

  /** The counter's next value (AUTO_INCREMENT = n in SHOW CREATE TABLE and the like). */
  peek(table: TableDef): bigint {
    return this.counter(table).next;
  }

  /** Hands out the next generated value (A1). */
  generate(table: TableDef, increment: number, offset: number): bigint {
    const counter = this.counter(table);
    const type = table.columns[table.autoIncrement ?? -1]?.type;
    assert(type?.kind === 'int', 'D5: an integer column');
    const max = intRange(type.bytes, type.unsigned).max;
    const step = BigInt(increment);
    const base = BigInt(offset > increment ? 1 : offset);
    const steps = (counter.next - base + step - 1n) / step;
    let value = counter.next <= base ? base : base + steps * step;
    if (value > max) value = max;
    counter.next = value >= max ? max : value + 1n;
    return value;
  }

  /** An explicit value was stored: the counter moves past it (A1). */
  seen(table: TableDef, value: bigint): void {
    const counter = this.counter(table);
    if (value >= counter.next) counter.next = value + 1n;
  }

  /** True when the table's counter moved past what the catalog tree holds (A2). */
  moved(table: TableDef): boolean {
    const counter = this.byRoot.get(table.root);
    return counter !== undefined && counter.next > counter.persisted;
  }

  /** Writes the counter into the catalog tree if it moved; returns the value to confirm. */
  async persist(trees: Trees, mtr: Mtr, table: TableDef): Promise<bigint | null> {
    const counter = this.byRoot.get(table.root);
    if (counter === undefined || counter.next <= counter.persisted) return null;
    const key = counterKeyOf(table);
    const value = encodeCounter(counter.next);
    // Issue 8 (cost): on cached pages without a promise; else (or on a split) waiting.
    const updated = trees.updateCached(mtr, trees.catalogRoot, key, value);
    if (updated === true) return counter.next;
    if (updated === undefined && (await trees.update(mtr, trees.catalogRoot, key, value))) {
      return counter.next;
    }
    const inserted = trees.insertCached(mtr, trees.catalogRoot, key, value);
    if (inserted === undefined) await trees.insert(mtr, trees.catalogRoot, key, value);
    return counter.next;
  }

  /** The mini-transaction that persisted `value` committed (A2). */
  confirm(table: TableDef, value: bigint): void {
    const counter = this.byRoot.get(table.root);
    if (counter !== undefined && value > counter.persisted) counter.persisted = value;
  }
}

/** The AUTO_INCREMENT column's largest stored value, read through the key it leads; 0 if none. */
export async function largestValue(trees: Trees, table: TableDef): Promise<bigint> {
  const column = table.autoIncrement;
  if (column === null) return 0n;
  let pk: Buffer | null = null;
  let value: Buffer | null = null;
  if (table.primaryKey[0] === column) {
    for await (const batch of trees.scan(table.root, { reverse: true })) {
      value = batch[0]?.value ?? null;
      break;
    }
  } else {
    const index = table.indexes.find((i) => i.parts[0]?.column === column);
    if (index === undefined) return 0n;
    for await (const batch of trees.scan(index.root, { reverse: true })) {
      const entry = batch[0];
      if (entry !== undefined) pk = Buffer.from(entryPrimaryKey(entry.key, entry.value));
      break;
    }
    if (pk !== null) value = (await trees.get(table.root, pk)) ?? null;
  }
  if (value === null) return 0n;
  const stored = inlineRow(table, value)[column];
  return typeof stored === 'bigint' && stored > 0n ? stored : 0n;
}
