/**
 * Crash recovery of the writer (client-api C1): from what a read quorum of every protection group
 * says, decide VDL, seal and truncate the segments under a new epoch, and fetch the records that
 * must be re-replicated. It replays nothing. The quorum reasoning (R1–R6, E1–E2) is in quorum.ts;
 * this file does the messaging, in five phases:
 *
 *   1. ListGroupsRequest to every node; n - WRITE_QUORUM + 1 of the n nodes (at least a read
 *      quorum), not counting joining ones, must answer (membership.ts listQuorum, M1). A group
 *      with a durable record is on a write quorum of its slots, so such answers name it. Group
 *      0 (the volume header's) is always recovered, so every epoch is recorded even on an empty
 *      volume. The highest epoch any segment was sealed at gives the new epoch (one more).
 *   2. SclRequest(epoch) to the six segments of every group: each seals itself at the new epoch
 *      (the previous writer can no longer reach a write quorum; its node refuses that writer's
 *      appends for every group, node.ts N3) and answers its SCL, vdlHint, applied epoch and
 *      history. A write quorum per group must be sealed, so that the next recovery sees this
 *      epoch whatever read quorum it gets (E1); their answers must include a read quorum of
 *      non-joining slots (M1). A
 *      segment already sealed at this epoch or later makes the attempt start over, higher.
 *   3. ChainRunsRequest to each group's best responder: its chain above the hint as runs of
 *      consecutive LSNs, each with its highest CPL (R3); from them VCL and VDL (R4, R5) and each
 *      group's tail (its last record <= VDL). The runs say which LSNs the chain holds, exactly
 *      as the LSN listing they replace did, so VCL and VDL are the listing's, LSN for LSN; but
 *      the messages and this side's work grow with the runs, not with the records above the
 *      hint: a crash in the middle of a commit of a million records in one group costs one
 *      run, one request. The segment reads only the part of its chain below its tail run,
 *      which it keeps as records link (segment.ts S12, chain.ts CH4): what other groups'
 *      records interleave, not what one group wrote alone.
 *   4. TruncateRequest(epoch, history + (epoch, VDL)) to the six segments of every group; a write
 *      quorum per group must apply it, so every later recovery sees this epoch (E1).
 *   5. ReadRecordsRequest for the records each group must re-replicate (R6).
 *
 * Every phase waits at most `timeoutMs` for its quorum, then fails with 'quorum-timeout'.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import {
  CATCH_UP_BATCH_BYTES_MAX,
  CHAIN_RUNS_MAX,
  READ_QUORUM,
  RECOVERY_ATTEMPTS_MAX,
  RECOVERY_GRACE_MS,
  WRITE_QUORUM,
} from './config.js';
import { StorageError } from './errors.js';
import type { Lsn } from './lsn.js';
import { listQuorum } from './membership.js';
import type { ChainRun, EpochStart, StorageReply, StorageRequest } from './messages.js';
import {
  type Responder,
  groupQuorum,
  groupTailOfRuns,
  mergeHistories,
  recoveredVclOfRuns,
  recoveredVdlOfRuns,
  recoveryHint,
  repairFloor,
} from './quorum.js';
import { decodeRedoHeader } from './redo.js';
import type { SegmentTransport } from './transport.js';

export interface RecoveryContext {
  readonly transport: SegmentTransport;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeoutMs: number;
  /** The nodes that hold the six segments of a group. */
  readonly placement: (group: number) => readonly number[];
  /** Slots being rebuilt after a replacement: they do not count towards read quorums (M1). */
  readonly joining: ReadonlySet<number>;
  /** Chain runs asked for per request (tests); CHAIN_RUNS_MAX otherwise. */
  readonly chainRunsMax?: number;
}

export interface RecoveredGroup {
  readonly group: number;
  /** The group's last record at or below VDL: the next record's backlink. */
  readonly tail: Lsn;
  /** Records above this (up to tail) are in `repair` and must reach a write quorum again (R6). */
  readonly repairFloor: Lsn;
  readonly repair: readonly Buffer[];
  /** SCL after truncation, per node that applied it. */
  readonly scls: ReadonlyMap<number, Lsn>;
}

export interface RecoveredVolume {
  readonly epoch: number;
  readonly history: readonly EpochStart[];
  readonly vdl: Lsn;
  /** R2: the highest hint; everything at or below it was durable already. */
  readonly hint: Lsn;
  readonly groups: readonly RecoveredGroup[];
  /**
   * Records above the hint in the chains phase 3 read, over every group. It stays small when
   * the writer kept the hint current (K9); recovery's work grows with `chainRuns`, not with it.
   */
  readonly chainEntries: number;
  /** Runs phase 3 read, over every group: what its messages and its work grow with. */
  readonly chainRuns: number;
}

export async function recoverVolume(ctx: RecoveryContext): Promise<RecoveredVolume> {
  let epochFloor = 1;
  for (let attempt = 1; ; attempt++) {
    const outcome = await recoverOnce(ctx, epochFloor);
    if (outcome.kind === 'recovered') return outcome.volume;
    ctx.log.warn({ attempt, sealedEpoch: outcome.sealedEpoch }, 'recovery raced; retrying');
    if (attempt >= RECOVERY_ATTEMPTS_MAX) {
      throw new StorageError('stale-epoch', 'another writer keeps sealing the segments');
    }
    epochFloor = outcome.sealedEpoch + 1;
  }
}

type Outcome =
  | { readonly kind: 'recovered'; readonly volume: RecoveredVolume }
  | { readonly kind: 'epoch-taken'; readonly sealedEpoch: number };

async function recoverOnce(ctx: RecoveryContext, epochFloor: number): Promise<Outcome> {
  const { groups, maxEpoch } = await listGroups(ctx);
  const epoch = Math.max(epochFloor, maxEpoch + 1);
  const sealed = await Promise.all(groups.map((g) => sealGroup(ctx, g, epoch)));
  const taken = Math.max(0, ...sealed.map((s) => s.sealedEpoch));
  if (taken >= epoch) return { kind: 'epoch-taken', sealedEpoch: taken };
  const all = sealed.flatMap((s) => s.responders);
  const history = mergeHistories(...all.map((r) => r.history));
  const hint = recoveryHint(all);
  const quorums = sealed.map((s, i) => ({
    group: groups[i] ?? 0,
    ...groupQuorum(s.responders, history),
  }));
  const chains = await Promise.all(
    quorums.map((q) => readRuns(ctx, q.group, epoch, q.best.node, hint, q.best.scl)),
  );
  const vcl = recoveredVclOfRuns(hint, chains.map((c) => c.runs));
  const vdl = recoveredVdlOfRuns(hint, vcl, chains.map((c) => c.runs));
  const newHistory = mergeHistories(history, [{ epoch, startLsn: vdl }]);
  let chainEntries = 0;
  let chainRuns = 0;
  for (const c of chains) {
    chainRuns += c.runs.length;
    for (const run of c.runs) chainEntries += run.last - run.first + 1;
  }
  const decided = { epoch, hint, vcl, vdl, groups: groups.length, chainEntries, chainRuns };
  ctx.log.info(decided, 'recovery: volume decided');
  const recovered = await Promise.all(
    quorums.map(async (q, i) => {
      const chain = chains[i];
      assert(chain !== undefined, 'one chain per group');
      const tail = groupTailOfRuns(chain.baseLsn, chain.runs, vdl);
      const floor = repairFloor(hint, q.writeQuorumScl, tail);
      const scls = await truncateGroup(ctx, q.group, epoch, newHistory);
      const repair = await readRepair(ctx, q.group, epoch, q.best.node, floor, tail);
      return { group: q.group, tail, repairFloor: floor, repair, scls };
    }),
  );
  const volume = {
    epoch, history: newHistory, vdl, hint, groups: recovered, chainEntries, chainRuns,
  };
  return { kind: 'recovered', volume };
}

async function listGroups(ctx: RecoveryContext): Promise<{ groups: number[]; maxEpoch: number }> {
  const found = new Set<number>();
  let maxEpoch = 0;
  const nodes = [...Array(ctx.transport.nodeCount).keys()];
  const needed = listQuorum(nodes.length);
  let counted = 0;
  const request: StorageRequest = { kind: 'ListGroupsRequest' };
  await gather(ctx, 'list groups', nodes, request, (reply, node) => {
    if (reply.kind !== 'ListGroupsReply') return false;
    for (const g of reply.groups) {
      found.add(g.group);
      maxEpoch = Math.max(maxEpoch, g.sealedEpoch, g.appliedEpoch);
    }
    if (!ctx.joining.has(node)) counted++;
    return counted >= needed;
  });
  found.add(0);
  return { groups: [...found].sort((a, b) => a - b), maxEpoch };
}

async function sealGroup(
  ctx: RecoveryContext,
  group: number,
  epoch: number,
): Promise<{ responders: Responder[]; sealedEpoch: number }> {
  const responders: Responder[] = [];
  let sealedEpoch = 0;
  const request: StorageRequest = { kind: 'SclRequest', group, epoch };
  try {
    await gather(ctx, 'seal', ctx.placement(group), request, (reply, node) => {
      if (reply.kind === 'Refused' && reply.reason === 'stale-epoch') {
        sealedEpoch = Math.max(sealedEpoch, reply.sealedEpoch);
      }
      if (reply.kind === 'SclReply') {
        responders.push({ node, joining: ctx.joining.has(node), ...reply });
      }
      const readers = responders.filter((r) => !r.joining).length;
      return responders.length >= WRITE_QUORUM && readers >= READ_QUORUM;
    });
  } catch (error) {
    if (sealedEpoch >= epoch) return { responders, sealedEpoch };
    throw error;
  }
  return { responders, sealedEpoch };
}

/** The chain in (afterLsn, upToLsn] as runs, CHAIN_RUNS_MAX runs a request (R3). */
async function readRuns(
  ctx: RecoveryContext,
  group: number,
  epoch: number,
  node: number,
  afterLsn: Lsn,
  upToLsn: Lsn,
): Promise<{ baseLsn: Lsn; runs: readonly ChainRun[] }> {
  const runsMax = ctx.chainRunsMax ?? CHAIN_RUNS_MAX;
  let baseLsn: Lsn | undefined;
  const runs: ChainRun[] = [];
  let after = afterLsn;
  for (;;) {
    const request: StorageRequest = {
      kind: 'ChainRunsRequest', group, epoch, afterLsn: after, upToLsn, runsMax,
    };
    const reply = await sendOne(ctx, node, request);
    if (reply.kind !== 'ChainRunsReply') throw unexpected('chain', reply);
    baseLsn ??= reply.baseLsn;
    let ascending = true; // runs ascend above the request, apart, each from first to last
    let previous = runs.at(-1)?.last ?? after;
    for (const run of reply.runs) {
      ascending &&= run.first > previous + (runs.length === 0 ? 0 : 1) && run.first <= run.last;
      previous = run.last;
      runs.push(run);
    }
    assert(ascending, 'R3: maximal runs, ascending above the request');
    const last = reply.runs.at(-1);
    if (!reply.more || last === undefined) return { baseLsn, runs };
    after = last.last;
  }
}

async function truncateGroup(
  ctx: RecoveryContext,
  group: number,
  epoch: number,
  history: readonly EpochStart[],
): Promise<Map<number, Lsn>> {
  const scls = new Map<number, Lsn>();
  const request: StorageRequest = { kind: 'TruncateRequest', group, epoch, history };
  await gather(ctx, 'truncate', ctx.placement(group), request, (reply, node) => {
    if (reply.kind === 'TruncateReply') scls.set(node, reply.scl);
    return scls.size >= WRITE_QUORUM;
  });
  return scls;
}

async function readRepair(
  ctx: RecoveryContext,
  group: number,
  epoch: number,
  node: number,
  floor: Lsn,
  tail: Lsn,
): Promise<Buffer[]> {
  const records: Buffer[] = [];
  let after = floor;
  while (after < tail) {
    const request: StorageRequest = {
      kind: 'ReadRecordsRequest',
      group,
      epoch,
      afterLsn: after,
      upToLsn: tail,
      bytesMax: CATCH_UP_BATCH_BYTES_MAX,
    };
    const reply = await sendOne(ctx, node, request);
    if (reply.kind !== 'ReadRecordsReply') throw unexpected('read records', reply);
    const last = reply.records.at(-1);
    if (last === undefined) break;
    records.push(...reply.records);
    after = decodeRedoHeader(last).lsn;
    if (!reply.more) break;
  }
  assert(after === tail || (records.length === 0 && floor === tail), 'R6: every record to repair');
  if (records.length > 0) {
    ctx.log.info({ group, floor, tail, records: records.length }, 'recovery: records to repair');
  }
  return records;
}

/** One request to one node, bounded by the phase timeout. */
function sendOne(
  ctx: RecoveryContext,
  node: number,
  request: StorageRequest,
): Promise<StorageReply> {
  return new Promise((resolve, reject) => {
    const timer = ctx.clock.setTimer(() => {
      reject(new StorageError('quorum-timeout', `recovery: node ${node} did not answer`));
    }, ctx.timeoutMs);
    ctx.transport.send(node, request).then(
      (reply) => {
        timer.cancel();
        resolve(reply);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}

/**
 * Sends `request` to every node in `nodes` and feeds each reply to `accept`, which says whether
 * the quorum is now complete. Resolves once it is and every node has answered, or
 * RECOVERY_GRACE_MS after it is; rejects when every node has answered without completing it, or
 * when `timeoutMs` passes.
 */
function gather(
  ctx: RecoveryContext,
  phase: string,
  nodes: readonly number[],
  request: StorageRequest,
  accept: (reply: StorageReply, node: number) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let complete = false;
    let settled = 0;
    let done = false;
    const timers: { cancel(): void }[] = [];
    const finish = (error?: StorageError): void => {
      if (done) return;
      done = true;
      for (const t of timers) t.cancel();
      if (error === undefined) resolve();
      else reject(error);
    };
    timers.push(
      ctx.clock.setTimer(() => {
        finish(new StorageError('quorum-timeout', `recovery: no quorum to ${phase}`));
      }, ctx.timeoutMs),
    );
    const onSettled = (nowComplete: boolean): void => {
      settled++;
      const becameComplete = nowComplete && !complete;
      if (nowComplete) complete = true;
      if (complete && settled === nodes.length) finish();
      else if (settled === nodes.length) {
        finish(new StorageError('quorum-timeout', `recovery: no quorum to ${phase}`));
      } else if (becameComplete) {
        timers.push(ctx.clock.setTimer(() => finish(), RECOVERY_GRACE_MS));
      }
    };
    for (const node of nodes) {
      ctx.transport.send(node, request).then(
        (reply) => onSettled(!done && accept(reply, node)),
        (error: unknown) => {
          ctx.log.debug({ node, phase, err: error }, 'recovery: node did not answer');
          onSettled(false);
        },
      );
    }
  });
}

function unexpected(phase: string, reply: StorageReply): StorageError {
  if (reply.kind === 'Refused' && reply.reason === 'stale-epoch') {
    return new StorageError('stale-epoch', `recovery: ${phase} refused: a newer writer sealed it`);
  }
  const detail = reply.kind === 'Refused' ? reply.reason : reply.kind;
  return new StorageError('unavailable', `recovery: ${phase} answered ${detail}`);
}
