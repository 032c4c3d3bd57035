/**
 * AUTO_INCREMENT counters, one per table that has an AUTO_INCREMENT column, InnoDB 8's way:
 *
 *   - values are handed out at INSERT time, outside transactions: a rolled-back INSERT leaves
 *     a gap, and concurrent INSERTs never wait for each other's counters;
 *   - a statement's generated values are handed out in one synchronous pass, so they are
 *     consecutive (innodb_autoinc_lock_mode = 2 for simple inserts);
 *   - an explicit value moves the counter past it;
 *   - the counter is persisted, a block of values ahead (as PostgreSQL's sequences log theirs):
 *     a COMMIT of a transaction that inserted into the table writes, in its mini-transaction,
 *     COUNTER_RESERVE values past the counter into the catalog tree when the counter has moved
 *     past what the tree holds — once per COUNTER_RESERVE single-row INSERTs, not per commit
 *     (issue 8: a record and a catalog page's before-image per INSERT were a third of what an
 *     autocommit INSERT shipped); a clean close writes each counter exactly; a restart resumes
 *     from the larger of what the tree holds and one past the column's largest value. So a
 *     restart after a crash may skip up to COUNTER_RESERVE values (gaps are MySQL's rule for
 *     AUTO_INCREMENT: a rolled-back INSERT leaves one too), and never hands out again a value a
 *     committed row was given.
 *
 * Generated values follow auto_increment_increment / _offset: the next value is the smallest
 * offset + N × increment at or above the counter (the offset is ignored when above the increment,
 * as MySQL does). At the column type's maximum the maximum is handed out again, so the INSERT
 * fails with ER_DUP_ENTRY, as InnoDB does.
 *
 * Invariants: (A1) `next` never decreases; (A2) `persisted` is what the catalog tree holds once
 * the mini-transaction that wrote it committed, and a commit of generated or explicit values
 * leaves it at or above the `next` of that moment (persist() writes `next` + COUNTER_RESERVE,
 * capped at the column's maximum, whenever `next` has passed it), so a restart, which resumes at
 * or above it, hands out no value a committed row was given.
 */
import assert from 'node:assert/strict';
import type { PageId } from '../../storage/index.js';
import type { Mtr, Trees } from '../btree/api.js';
import { inlineRow } from '../sql/row-overflow.js';
import { entryPrimaryKey } from '../sql/index-keys.js';
import { UINT64_MAX, intRange } from '../sql/values.js';
import { type TableDef, counterKey } from './definitions.js';

interface Counter {
  next: bigint;
  persisted: bigint;
}

/** How far past the counter a commit persists it (A2): at most this many values skipped. */
export const COUNTER_RESERVE = 100n;

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
    const max = columnMax(table);
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

  /**
   * A2: writes the counter COUNTER_RESERVE ahead into the catalog tree if it moved past what the
   * tree holds; returns the value to confirm.
   */
  async persist(trees: Trees, mtr: Mtr, table: TableDef): Promise<bigint | null> {
    const counter = this.byRoot.get(table.root);
    if (counter === undefined || counter.next <= counter.persisted) return null;
    const ahead = counter.next + COUNTER_RESERVE;
    const max = columnMax(table);
    const ceiling = counter.next > max ? counter.next : max; // an explicit maximum moved it past
    return this.write(trees, mtr, table, ahead < ceiling ? ahead : ceiling);
  }

  /**
   * A clean close: the counters of `tables` that differ from what the tree holds are written
   * exactly, so a restart after it resumes where this run stopped (no reserve skipped); the
   * caller commits `mtr`. Returns how many were written.
   */
  async persistExactly(trees: Trees, mtr: Mtr, tables: readonly TableDef[]): Promise<number> {
    let written = 0;
    for (const table of tables) {
      const counter = this.byRoot.get(table.root);
      if (counter === undefined || counter.next === counter.persisted) continue;
      counter.persisted = await this.write(trees, mtr, table, counter.next);
      written++;
    }
    return written;
  }

  /** Writes `target` as the table's counter in the catalog tree; returns it. */
  private async write(trees: Trees, mtr: Mtr, table: TableDef, target: bigint): Promise<bigint> {
    const key = counterKeyOf(table);
    // Past BIGINT UNSIGNED's maximum (an explicit maximum stored) the u64 holds the maximum: a
    // restart resumes past the largest value anyway.
    const value = encodeCounter(target > UINT64_MAX ? UINT64_MAX : target);
    // Issue 8 (cost): on cached pages without a promise; else (or on a split) waiting.
    const updated = trees.updateCached(mtr, trees.catalogRoot, key, value);
    if (updated === true) return target;
    if (updated === undefined && (await trees.update(mtr, trees.catalogRoot, key, value))) {
      return target;
    }
    const inserted = trees.insertCached(mtr, trees.catalogRoot, key, value);
    if (inserted === undefined) await trees.insert(mtr, trees.catalogRoot, key, value);
    return target;
  }

  /** The mini-transaction that persisted `value` committed (A2). */
  confirm(table: TableDef, value: bigint): void {
    const counter = this.byRoot.get(table.root);
    if (counter !== undefined && value > counter.persisted) counter.persisted = value;
  }
}

/** The largest value the table's AUTO_INCREMENT column holds (D5: an integer column). */
function columnMax(table: TableDef): bigint {
  const type = table.columns[table.autoIncrement ?? -1]?.type;
  assert(type?.kind === 'int', 'D5: an integer column');
  return intRange(type.bytes, type.unsigned).max;
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
