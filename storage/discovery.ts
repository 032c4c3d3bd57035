/**
 * How the writer finds the volume's membership at open, and how it writes a new version
 * (membership.ts says where it is kept and why).
 *
 *   find      NodeInfoRequest to every seed address; the highest membership version among the
 *             answers wins, once a read quorum of its own slots (membershipReadQuorum) has
 *             answered, asking its slots that were not among the seeds too. No node has one: a
 *             new volume, whose version 1 is the seeds in order (every seed must answer, to give
 *             its node id and zone).
 *   check     a slot that answers with another node id than the membership's lost its disk and
 *             started afresh: it is kept, as joining (M1), under its new id.
 *   write     MembershipRequest to every slot; a majority (membershipWriteQuorum) must persist
 *             it before the writer uses it (M2).
 *
 * Invariants: (D1) the membership returned was persisted on a majority of its slots.
 */
import type { Logger } from 'pino';
import { type Clock, withTimeout } from './clock.js';
import { StorageError } from './errors.js';
import {
  type Membership,
  checkMembership,
  membershipReadQuorum,
  membershipWriteQuorum,
} from './membership.js';
import type { NodeInfoReply } from './messages.js';
import type { Network } from './transport.js';

export interface DiscoveryContext {
  readonly network: Pick<Network, 'send'>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeoutMs: number;
}

/** What each address answered (undefined: it did not). */
type Answers = Map<string, NodeInfoReply | undefined>;

/** Asks every address for its node info, in parallel, each bounded by `timeoutMs`. */
async function askAll(ctx: DiscoveryContext, addresses: Iterable<string>, into: Answers) {
  const asked = [...new Set(addresses)].filter((a) => !into.has(a));
  await Promise.all(
    asked.map(async (address) => {
      try {
        const sent = ctx.network.send(address, { kind: 'NodeInfoRequest' });
        const reply = await withTimeout(ctx.clock, sent, ctx.timeoutMs, 'node info');
        into.set(address, reply.kind === 'NodeInfoReply' ? reply : undefined);
      } catch (error) {
        ctx.log.debug({ address, err: error }, 'discovery: node did not answer');
        into.set(address, undefined);
      }
    }),
  );
}

function newest(answers: Answers): Membership | undefined {
  let best: Membership | undefined;
  for (const reply of answers.values()) {
    const m = reply?.membership;
    if (m !== null && m !== undefined && (best === undefined || m.version > best.version)) best = m;
  }
  return best;
}

export interface Discovered {
  readonly membership: Membership;
  /** The highest epoch any answering node was sealed at. */
  readonly sealedEpoch: number;
  /** True when the membership changed (created, or a wiped node found): it must be written. */
  readonly changed: boolean;
}

export async function findMembership(
  ctx: DiscoveryContext,
  seeds: readonly string[],
): Promise<Discovered> {
  const answers: Answers = new Map();
  await askAll(ctx, seeds, answers);
  let found = newest(answers);
  for (let round = 0; found !== undefined && round < 8; round++) {
    await askAll(ctx, found.nodes.map((n) => n.address), answers);
    const next = newest(answers);
    if (next === undefined || next.version === found.version) break;
    found = next;
  }
  const sealedEpoch = Math.max(0, ...[...answers.values()].map((a) => a?.sealedEpoch ?? 0));
  if (found === undefined) {
    return { membership: create(seeds, answers), sealedEpoch, changed: true };
  }
  const answered = found.nodes.filter((n) => answers.get(n.address) !== undefined).length;
  const needed = membershipReadQuorum(found.nodes.length);
  if (answered < needed) {
    throw new StorageError(
      'unavailable',
      `membership version ${found.version}: ${answered} of ${found.nodes.length} storage nodes ` +
        `answered, ${needed} needed`,
    );
  }
  const checked = rejoinWiped(ctx.log, found, answers);
  return { membership: checked, sealedEpoch, changed: checked !== found };
}

/** A new volume: the seeds, in order, each with the id and zone it reported. */
function create(seeds: readonly string[], answers: Answers): Membership {
  const nodes = seeds.map((address) => {
    const reply = answers.get(address);
    if (reply === undefined) {
      throw new StorageError(
        'unavailable',
        `a new volume needs every storage node; ${address} did not answer`,
      );
    }
    return { address, nodeId: reply.nodeId, zone: reply.zone };
  });
  const membership = { version: 1, nodes, joining: [] };
  checkMembership(membership);
  return membership;
}

/** A slot whose address answers with another node id lost its state: it joins again (M1). */
function rejoinWiped(log: Logger, m: Membership, answers: Answers): Membership {
  const joining = new Set(m.joining);
  const nodes = m.nodes.map((node, slot) => {
    const reply = answers.get(node.address);
    if (reply === undefined || reply.nodeId === node.nodeId) return node;
    log.warn(
      { slot, address: node.address, was: node.nodeId, now: reply.nodeId },
      'a storage node came back with a new identity (lost its data); it rejoins and is rebuilt',
    );
    joining.add(slot);
    return { ...node, nodeId: reply.nodeId };
  });
  if (joining.size === m.joining.length) return m;
  return { version: m.version + 1, nodes, joining: [...joining].sort((a, b) => a - b) };
}

/** D1: writes `m` to every slot; resolves once a majority has persisted it. */
export async function writeMembership(
  ctx: DiscoveryContext,
  m: Membership,
  epoch: number,
): Promise<void> {
  checkMembership(m);
  const needed = membershipWriteQuorum(m.nodes.length);
  let acked = 0;
  let stale = 0;
  await Promise.all(
    m.nodes.map(async (node) => {
      try {
        const sent = ctx.network.send(node.address, {
          kind: 'MembershipRequest',
          epoch,
          membership: m,
        });
        const reply = await withTimeout(ctx.clock, sent, ctx.timeoutMs, 'membership');
        if (reply.kind === 'MembershipReply' && reply.version >= m.version) acked++;
        if (reply.kind === 'Refused' && reply.reason === 'stale-epoch') stale = reply.sealedEpoch;
      } catch (error) {
        ctx.log.debug({ address: node.address, err: error }, 'membership: node did not answer');
      }
    }),
  );
  if (stale > 0) {
    throw new StorageError('stale-epoch', `membership refused: a writer of epoch ${stale} exists`);
  }
  if (acked < needed) {
    throw new StorageError(
      'unavailable',
      `membership version ${m.version} reached ${acked} storage nodes, ${needed} needed`,
    );
  }
  ctx.log.info({ version: m.version, acked, joining: m.joining }, 'membership written');
}
