/**
 * The engine-wide latch: shared for statements that only read, exclusive for statements that
 * change data or the catalog. FIFO, so a waiting writer is not starved by a stream of readers.
 *
 * This is the skeleton's whole concurrency control: a statement runs alone against writers, and
 * each statement is its own transaction. Row locks and MVCC snapshots replace it in issue 5.
 *
 * Invariants: (L1) while an exclusive holder exists there are no shared holders, and the
 * reverse; (L2) each grant is released exactly once.
 */
import assert from 'node:assert/strict';

export type Release = () => void;

interface Waiter {
  readonly exclusive: boolean;
  readonly grant: () => void;
}

export class Latch {
  private readers = 0;
  private writer = false;
  private readonly queue: Waiter[] = [];

  shared(): Promise<Release> {
    return this.acquire(false);
  }

  exclusive(): Promise<Release> {
    return this.acquire(true);
  }

  /**
   * exclusive() when it would be granted at once (nobody holds or awaits the latch), without a
   * promise (issue 8: every commit takes it); undefined, nothing taken, otherwise.
   */
  tryExclusive(): Release | undefined {
    if (this.queue.length > 0 || !this.compatible(true)) return undefined;
    this.writer = true;
    return this.releaser(true);
  }

  /** For tests: holders and waiters right now. */
  state(): { readers: number; writer: boolean; waiting: number } {
    return { readers: this.readers, writer: this.writer, waiting: this.queue.length };
  }

  private compatible(exclusive: boolean): boolean {
    return exclusive ? !this.writer && this.readers === 0 : !this.writer;
  }

  private acquire(exclusive: boolean): Promise<Release> {
    return new Promise((resolve) => {
      const grant = (): void => {
        if (exclusive) this.writer = true;
        else this.readers++;
        assert(!(this.writer && this.readers > 0), 'L1: exclusive excludes shared');
        resolve(this.releaser(exclusive));
      };
      if (this.queue.length === 0 && this.compatible(exclusive)) grant();
      else this.queue.push({ exclusive, grant });
    });
  }

  private releaser(exclusive: boolean): Release {
    let released = false;
    return () => {
      assert(!released, 'L2: released once');
      released = true;
      if (exclusive) this.writer = false;
      else this.readers--;
      this.wake();
    };
  }

  private wake(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined || !this.compatible(head.exclusive)) return;
      this.queue.shift();
      head.grant();
      if (head.exclusive) return;
    }
  }
}
