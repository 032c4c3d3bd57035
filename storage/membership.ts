/**
 * Membership: which storage nodes hold the volume, and where each protection group's six segments
 * live. Versioned, persisted on the storage nodes themselves, changed only by the writer.
 *
 * A membership is a list of *slots*. A slot is a position (0 .. n-1) held by one node (its
 * address, its persistent node id, its zone). Placement is a pure function of the slots, so it
 * never changes when a dead node is replaced: the new node takes the dead one's slot (and zone),
 * and the version goes up by one.
 *
 * Placement of group g (six distinct slots):
 *   - no zones (every zone ''): slots (g + i) mod n, i = 0..5;
 *   - zones: exactly three zones with at least two slots each; in each zone (ordered by name),
 *     its slots in slot order s_0..s_k-1, the group takes s_(g mod k) and s_(g+1 mod k): two
 *     segments per zone, so the loss of a whole zone leaves 4 of 6 (the write quorum).
 *
 * Where it is kept (decided here): every node persists the newest membership it has been sent
 * (node.ts, in its store), the writer writes a new version to a majority of the slots before it
 * uses it, and reads it back from a majority at start (`membershipWriteQuorum`,
 * `membershipReadQuorum`: W + R > n, so a read always meets the last write). The writer's
 * `--storage` list is only a seed: it needs to reach enough nodes to find the current version.
 *
 * Joining slots: a slot whose node replaced a lost one is *joining* until the writer has seen each
 * of its segments rebuilt (by gossip from their peers) up to what the group held at the time. A
 * joining slot's segments hold too little to count in a read quorum, so recovery needs its read
 * quorum among the other slots (M1).
 *
 * Invariants:
 *   (M1) Recovery counts only non-joining slots towards a read quorum; with j joining slots of a
 *        group's six, a durable record is on at least 4 - j of the others.
 *   (M2) Versions only grow; a node keeps the highest version it was sent.
 *   (M3) Placement depends only on the slots' count and zones, never on addresses or version.
 */
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter } from './bytes.js';
import { READ_QUORUM, SEGMENTS_PER_GROUP, WRITE_QUORUM } from './config.js';
import { StorageError } from './errors.js';

export interface MemberNode {
  readonly address: string;
  /** The node's persistent identity (random, chosen at its first start). */
  readonly nodeId: string;
  /** '' when zones are not used. */
  readonly zone: string;
}

export interface Membership {
  readonly version: number;
  /** Slot i is nodes[i]. */
  readonly nodes: readonly MemberNode[];
  /** Slots being rebuilt after a replacement, ascending (M1). */
  readonly joining: readonly number[];
}

export const ZONES_REQUIRED = 3;

/** Throws StorageError('misconfigured') unless placement is possible (M3). */
export function checkMembership(m: Membership): void {
  const n = m.nodes.length;
  if (n < SEGMENTS_PER_GROUP) {
    throw new StorageError('misconfigured', `${SEGMENTS_PER_GROUP} storage nodes needed, got ${n}`);
  }
  const ids = new Set(m.nodes.map((node) => node.nodeId));
  if (ids.size !== n) throw new StorageError('misconfigured', 'a storage node is listed twice');
  const zoned = m.nodes.filter((node) => node.zone !== '').length;
  if (zoned === 0) return;
  if (zoned !== n) {
    throw new StorageError('misconfigured', 'either every storage node has a zone or none has');
  }
  const zones = zoneSlots(m);
  if (zones.length !== ZONES_REQUIRED || zones.some((z) => z.length < 2)) {
    throw new StorageError(
      'misconfigured',
      `zones need ${ZONES_REQUIRED} zones of at least two storage nodes each`,
    );
  }
}

function zoneSlots(m: Membership): number[][] {
  const byZone = new Map<string, number[]>();
  m.nodes.forEach((node, slot) => {
    const list = byZone.get(node.zone) ?? [];
    list.push(slot);
    byZone.set(node.zone, list);
  });
  return [...byZone.keys()].sort().map((zone) => byZone.get(zone) ?? []);
}

/** M3: the six slots of a group's segments, distinct. */
export function placement(m: Membership, group: number): number[] {
  assert(Number.isInteger(group) && group >= 0, 'a group number');
  const n = m.nodes.length;
  assert(n >= SEGMENTS_PER_GROUP, 'six slots at least');
  let slots: number[];
  if (m.nodes.every((node) => node.zone === '')) {
    slots = Array.from({ length: SEGMENTS_PER_GROUP }, (_, i) => (group + i) % n);
  } else {
    slots = zoneSlots(m).flatMap((zone) => [
      zone[group % zone.length] ?? 0,
      zone[(group + 1) % zone.length] ?? 0,
    ]);
  }
  assert.equal(new Set(slots).size, SEGMENTS_PER_GROUP, 'M3: six distinct slots');
  return slots;
}

/** A majority of the slots: a new version is written to this many before it is used (M2). */
export function membershipWriteQuorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Reading this many slots meets every write quorum. */
export function membershipReadQuorum(n: number): number {
  return n - membershipWriteQuorum(n) + 1;
}

/**
 * Recovery's first phase lists the groups. A group with a durable record had it on WRITE_QUORUM
 * of its slots; with j of the n slots joining, at least WRITE_QUORUM - j of the n - j others hold
 * it, so answers from n - WRITE_QUORUM + 1 non-joining slots name it, whatever j is (M1).
 */
export function listQuorum(n: number): number {
  return Math.max(READ_QUORUM, n - WRITE_QUORUM + 1);
}

export function sameSlots(a: Membership, b: Membership): boolean {
  return (
    a.nodes.length === b.nodes.length &&
    a.nodes.every((node, i) => {
      const other = b.nodes[i];
      return node.nodeId === other?.nodeId && node.address === other.address;
    })
  );
}

export function writeMembership(w: ByteWriter, m: Membership): void {
  w.u32(m.version);
  w.list(m.nodes, (node) => {
    w.string(node.address).string(node.nodeId).string(node.zone);
  });
  w.list(m.joining, (slot) => w.u32(slot));
}

export function readMembership(r: ByteReader): Membership {
  const version = r.u32();
  const nodes = r.list(() => ({ address: r.string(), nodeId: r.string(), zone: r.string() }), 1024);
  const joining = r.list(() => r.u32(), 1024);
  return { version, nodes, joining };
}

export function encodeMembership(m: Membership): Buffer {
  const w = new ByteWriter();
  writeMembership(w, m);
  return w.finish();
}

export function decodeMembership(bytes: Buffer): Membership {
  const r = new ByteReader(bytes);
  const m = readMembership(r);
  r.expectEnd();
  return m;
}
