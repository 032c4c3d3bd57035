/**
 * The storage worker's replies on their way back to the writer's thread (storage-worker.ts):
 * collected and sent as one batch, since each message costs both threads a wake. When the batch
 * goes is the point (issue 8):
 *
 *   prompt     the nodes' hot logs share their device's rounds (device-sync.ts, the worker's
 *              usual case): every write of a round settles in one call, so once the
 *              continuations the round set off have run, its replies are all here. They go then
 *              (process.nextTick: after the microtasks). Sent a turn later, they waited behind
 *              the next batch's appends, which the event loop's poll phase runs before its
 *              immediates: 60-80 µs of every commit (BENCHMARKS part 22).
 *   deferred   each log syncs on its own and its writes complete in separate callbacks: the
 *              replies go once per turn, after that turn's I/O callbacks (`defer`), so that
 *              those completing together share a message.
 *
 * Invariants:
 *   (RO1) every entry posted is sent exactly once, in the order posted.
 *   (RO2) at most one send is pending; entries posted while it is pending go with it.
 */
import type { BatchEntry } from './batch.js';

export class ReplyOutbox {
  private entries: BatchEntry[] = [];
  private queued = false;
  /** Send at the end of the current microtasks rather than in the next turn (see above). */
  prompt = false;

  constructor(
    private readonly send: (entries: BatchEntry[]) => void,
    private readonly defer: (fn: () => void) => void,
  ) {}

  post(entry: BatchEntry): void {
    this.entries.push(entry);
    if (this.queued) return;
    this.queued = true;
    if (this.prompt) process.nextTick(this.flush);
    else this.defer(this.flush);
  }

  private readonly flush = (): void => {
    this.queued = false;
    const entries = this.entries;
    this.entries = [];
    this.send(entries);
  };
}
