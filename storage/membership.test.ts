import { describe, expect, it } from 'vitest';
import { StorageError } from './errors.js';
import {
  type Membership,
  checkMembership,
  decodeMembership,
  encodeMembership,
  listQuorum,
  membershipReadQuorum,
  membershipWriteQuorum,
  placement,
} from './membership.js';

function members(zones: readonly string[]): Membership {
  return {
    version: 1,
    nodes: zones.map((zone, i) => ({ address: `h${i}:1`, nodeId: `n${i}`, zone })),
    joining: [],
  };
}

describe('membership', () => {
  it('places six distinct segments, rotating without zones (M3)', () => {
    const m = members(['', '', '', '', '', '', '', '']);
    expect(placement(m, 0)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(placement(m, 5)).toEqual([5, 6, 7, 0, 1, 2]);
    const six = members(['', '', '', '', '', '']);
    expect(placement(six, 1)).toEqual([1, 2, 3, 4, 5, 0]);
  });

  it('puts two segments in each of three zones, so losing a zone leaves a write quorum', () => {
    const m = members(['b', 'a', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    for (let group = 0; group < 20; group++) {
      const slots = placement(m, group);
      expect(new Set(slots).size).toBe(6);
      const zones = slots.map((s) => m.nodes[s]?.zone);
      for (const z of ['a', 'b', 'c']) expect(zones.filter((x) => x === z).length).toBe(2);
    }
    // Placement depends on slots and zones only: a replaced node keeps its slot's segments.
    const replaced = {
      ...m,
      version: 2,
      nodes: m.nodes.map((n, i) => (i === 3 ? { ...n, address: 'new:1', nodeId: 'x' } : n)),
    };
    for (let g = 0; g < 20; g++) expect(placement(replaced, g)).toEqual(placement(m, g));
  });

  it('refuses memberships that cannot hold six segments', () => {
    expect(() => checkMembership(members(['', '', '', '', '']))).toThrow(StorageError);
    expect(() => checkMembership(members(['a', 'a', 'b', 'b', 'c', '']))).toThrow(/every/);
    expect(() => checkMembership(members(['a', 'a', 'b', 'b', 'b', 'b']))).toThrow(/zones/);
    expect(() => checkMembership(members(['a', 'b', 'c', 'a', 'b', 'c', 'd']))).toThrow(/zones/);
    checkMembership(members(['a', 'b', 'c', 'a', 'b', 'c']));
  });

  it('sizes its quorums so every read meets the last write (M2, M1)', () => {
    for (let n = 6; n <= 15; n++) {
      expect(membershipWriteQuorum(n) + membershipReadQuorum(n)).toBeGreaterThan(n);
      expect(2 * membershipWriteQuorum(n)).toBeGreaterThan(n);
      // Any listQuorum(n) answers among the non-joining meet the 4 - j holders of a group.
      for (let j = 0; j <= 2; j++) expect(listQuorum(n) + (4 - j)).toBeGreaterThan(n - j);
    }
    expect(listQuorum(6)).toBe(3);
    expect(listQuorum(9)).toBe(6);
  });

  it('round-trips its encoding', () => {
    const m = { ...members(['a', 'b', 'c', 'a', 'b', 'c']), version: 9, joining: [2, 4] };
    expect(decodeMembership(encodeMembership(m))).toEqual(m);
  });
});
