/**
 * The shared flush of a device's logs: one round per turn and one in flight (DS2), each write
 * settled only by its round (DS1) with its own errno (DS3); which filesystems qualify; and the
 * native job itself (storage/native/sync.c, when built) on real files.
 */
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DIRECT_ALIGN,
  DeviceSync,
  type WriteNow,
  type WriteSynced,
  deviceSyncFor,
  directWorks,
  nativeWriteDirect,
  nativeWriteSynced,
  sharedFlushAllowed,
} from './device-sync.js';
import { HotLog, readHotLog } from './hot-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'borealis-device-sync-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A WriteSynced whose rounds the test ends, with the errnos it chooses. */
class FakeJob {
  readonly rounds: { fds: number[]; end: (errors: number[] | Error) => void }[] = [];
  readonly writeSynced: WriteSynced = (fds) =>
    new Promise((resolve, reject) => {
      this.rounds.push({
        fds: [...fds],
        end: (errors) => (errors instanceof Error ? reject(errors) : resolve(errors)),
      });
    });
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Settled {
  state: 'pending' | 'resolved' | 'rejected';
  error?: unknown;
}

function settled(p: Promise<void>): Settled {
  const s: Settled = { state: 'pending' };
  p.then(
    () => (s.state = 'resolved'),
    (error: unknown) => {
      s.state = 'rejected';
      s.error = error;
    },
  );
  return s;
}

describe('DeviceSync', () => {
  it('writes what one turn queued in one round, settled when the round ends (DS1)', async () => {
    const job = new FakeJob();
    const sync = new DeviceSync({ kind: 'threadpool', write: job.writeSynced });
    const writes = [3, 4, 5].map((fd) => settled(sync.write(fd, Buffer.from('x'), 0)));
    await turn();
    expect(job.rounds.map((r) => r.fds)).toEqual([[3, 4, 5]]);
    await turn();
    expect(writes.map((w) => w.state)).toEqual(['pending', 'pending', 'pending']);
    job.rounds[0]!.end([0, 0, 0]);
    await turn();
    expect(writes.map((w) => w.state)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('starts no round while one is in flight; the next takes all that waited (DS2)', async () => {
    const job = new FakeJob();
    const sync = new DeviceSync({ kind: 'threadpool', write: job.writeSynced });
    const first = settled(sync.write(3, Buffer.from('a'), 0));
    await turn();
    const later = [
      settled(sync.write(3, Buffer.from('b'), 1)),
      settled(sync.write(4, Buffer.from('c'), 0)),
    ];
    await turn();
    await turn();
    expect(job.rounds).toHaveLength(1);
    job.rounds[0]!.end([0]);
    await turn();
    await turn();
    expect(first.state).toBe('resolved');
    expect(later.map((w) => w.state)).toEqual(['pending', 'pending']);
    expect(job.rounds.map((r) => r.fds)).toEqual([[3], [3, 4]]);
    job.rounds[1]!.end([0, 0]);
    await turn();
    expect(later.map((w) => w.state)).toEqual(['resolved', 'resolved']);
    expect(sync.rounds).toBe(2);
  });

  it('rejects only the writes a failure concerns, with its errno (DS3)', async () => {
    const job = new FakeJob();
    const sync = new DeviceSync({ kind: 'threadpool', write: job.writeSynced });
    const writes = [3, 4].map((fd) => settled(sync.write(fd, Buffer.from('x'), 0)));
    await turn();
    job.rounds[0]!.end([0, 5]); // EIO
    await turn();
    expect(writes[0]!.state).toBe('resolved');
    expect(writes[1]!.state).toBe('rejected');
    expect(writes[1]!.error).toMatchObject({ code: 'EIO' });
    const again = settled(sync.write(3, Buffer.from('y'), 1));
    await turn();
    job.rounds[1]!.end(new Error('the job failed'));
    await turn();
    expect(again.state).toBe('rejected');
  });
});

describe('DeviceSync running its rounds here', () => {
  it('runs what one turn queued as one round on this thread, settling each write', async () => {
    const rounds: number[][] = [];
    let errnos: number[] | Error = [0, 5];
    const write: WriteNow = (fds) => {
      rounds.push([...fds]);
      if (errnos instanceof Error) throw errnos;
      return errnos;
    };
    const sync = new DeviceSync({ kind: 'here', write });
    const writes = [3, 4].map((fd) => settled(sync.write(fd, Buffer.from('x'), 0)));
    expect(rounds).toEqual([]); // not before the turn ends (DS2: a round takes the turn's writes)
    await turn();
    expect(rounds).toEqual([[3, 4]]);
    await turn();
    expect(writes[0]!.state).toBe('resolved');
    expect(writes[1]!.error).toMatchObject({ code: 'EIO' }); // DS3: its own errno
    // A write queued by a settled one's continuation starts a round of its own.
    const next = settled(sync.write(5, Buffer.from('y'), 1).then(() => undefined));
    errnos = new Error('the job threw');
    await turn();
    expect(rounds).toEqual([[3, 4], [5]]);
    await turn();
    expect(next.state).toBe('rejected');
    expect(next.error).toMatchObject({ message: 'the job threw' });
    errnos = [0];
    const after = settled(sync.write(6, Buffer.from('z'), 2));
    await turn();
    await turn();
    expect(after.state).toBe('resolved');
    expect(sync.rounds).toBe(3);
  });
});

describe('sharedFlushAllowed', () => {
  /** A mountinfo line for `dir`'s device with the given type and super options. */
  function mountinfo(type: string, superOptions: string): string {
    const dev = statSync(dir, { bigint: true }).dev;
    const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
    const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
    return [
      '22 1 0:21 / /proc rw,nosuid - proc proc rw',
      `29 1 ${major}:${minor} / / rw,relatime shared:1 - ${type} /dev/x ${superOptions}`,
    ].join('\n');
  }

  it('allows ext4 in ordered or writeback data mode, and nothing else', () => {
    expect(sharedFlushAllowed(dir, mountinfo('ext4', 'rw,errors=remount-ro'))).toBe(true);
    expect(sharedFlushAllowed(dir, mountinfo('ext4', 'rw,data=writeback'))).toBe(true);
    expect(sharedFlushAllowed(dir, mountinfo('ext4', 'rw,data=journal'))).toBe(false);
    expect(sharedFlushAllowed(dir, mountinfo('btrfs', 'rw,ssd'))).toBe(false);
    expect(sharedFlushAllowed(dir, mountinfo('tmpfs', 'rw'))).toBe(false);
    expect(sharedFlushAllowed(dir, '22 1 0:21 / /proc rw,nosuid - proc proc rw')).toBe(false);
    expect(sharedFlushAllowed(dir, null)).toBe(false);
  });
});

describe.skipIf(nativeWriteSynced === null)('the native job', () => {
  it('writes every buffer at its position and reports each failure on its own', async () => {
    const write = nativeWriteSynced as WriteSynced;
    const paths = ['a', 'b', 'c'].map((n) => join(dir, n));
    for (const p of paths) writeFileSync(p, Buffer.alloc(8192));
    const fds = paths.map((p) => openSync(p, 'r+'));
    const readOnly = openSync(paths[2]!, 'r');
    try {
      const errors = await write(
        [fds[0]!, fds[1]!, readOnly, fds[1]!],
        [Buffer.from('first'), Buffer.from('second'), Buffer.from('refused'), Buffer.from('third')],
        [10, 4096, 0, 5000],
      );
      expect(errors.slice(0, 2)).toEqual([0, 0]);
      expect(errors[2]).toBe(9); // EBADF: not open for writing
      expect(errors[3]).toBe(0);
    } finally {
      for (const fd of [...fds, readOnly]) closeSync(fd);
    }
    const [a, b, c] = paths.map((p) => readFileSync(p));
    expect(a!.subarray(10, 15).toString()).toBe('first');
    expect(b!.subarray(4096, 4102).toString()).toBe('second');
    expect(b!.subarray(5000, 5005).toString()).toBe('third');
    expect(c!.equals(Buffer.alloc(8192))).toBe(true);
    expect(() => write([fds[0]!], [], [])).toThrow(TypeError); // arrays of unequal length
  });
});

describe.skipIf(nativeWriteDirect === null || !directWorks(tmpdir()))('the direct job', () => {
  it('writes aligned blocks through O_DIRECT descriptors, and refuses others', async () => {
    const write = nativeWriteDirect as WriteSynced;
    const paths = ['a', 'b'].map((n) => join(dir, n));
    for (const p of paths) writeFileSync(p, Buffer.alloc(3 * DIRECT_ALIGN));
    const fds = paths.map((p) => openSync(p, constants.O_RDWR | constants.O_DIRECT));
    const readOnly = openSync(paths[1]!, constants.O_RDONLY | constants.O_DIRECT);
    const block = (byte: number, blocks = 1) => Buffer.alloc(blocks * DIRECT_ALIGN, byte);
    try {
      const errors = await write(
        [fds[0]!, fds[1]!, fds[1]!, readOnly, fds[0]!],
        [block(1, 2), block(2), Buffer.alloc(100, 3), block(4), block(5)],
        [DIRECT_ALIGN, 0, 2 * DIRECT_ALIGN, 2 * DIRECT_ALIGN, 0],
      );
      // An unaligned length and a descriptor not open for writing fail on their own.
      expect(errors).toEqual([0, 0, 22, 9, 0]); // EINVAL, EBADF
    } finally {
      for (const fd of [...fds, readOnly]) closeSync(fd);
    }
    const [a, b] = paths.map((p) => readFileSync(p));
    expect(a!.equals(Buffer.concat([block(5), block(1, 2)]))).toBe(true);
    expect(b!.equals(Buffer.concat([block(2), block(0, 2)]))).toBe(true);
  });
});

describe.skipIf(nativeWriteSynced === null || !sharedFlushAllowed(tmpdir()))('sharing', () => {
  const title = 'gives the logs of one device one DeviceSync, a turn one round (blocking: %s)';
  it.each([false, true])(title, async (blockingRounds) => {
    const dirs = ['a', 'b', 'c'].map((n) => join(dir, n));
    for (const d of dirs) mkdirSync(d);
    const shared = deviceSyncFor(dirs[0]!, blockingRounds);
    expect(shared).not.toBeNull();
    expect(deviceSyncFor(dirs[0]!, !blockingRounds)).not.toBe(shared);
    // Where the device takes direct writes (it does on ext4 over a disk) the job is direct.
    const direct = directWorks(dirs[0]!);
    expect(shared!.align).toBe(direct ? DIRECT_ALIGN : null);
    const expectedMode = direct ? 'shared-direct' : 'shared-flush';
    for (const d of dirs) expect(deviceSyncFor(d, blockingRounds)).toBe(shared);
    const persist = async (): Promise<void> => undefined;
    const options = { flushIntervalMs: 1e9, blockingRounds };
    const logs = dirs.map((d) => new HotLog(d, 2, 1, persist, options));
    expect(new Set(logs.map((l) => l.syncMode))).toEqual(new Set([expectedMode]));
    const op = { db: 0, key: Buffer.from('k'), value: Buffer.from('v') };
    // The first batch of each log preallocates its file (an fdatasync of its own, finishing
    // when it does); from then on the three logs' batches of one turn share one round.
    await Promise.all(logs.map((l) => l.write([op])));
    const before = shared!.rounds;
    await Promise.all(logs.map((l) => l.write([op])));
    expect(shared!.rounds - before).toBe(1);
    await Promise.all(logs.map((l) => l.write([op])));
    expect(shared!.rounds - before).toBe(2);
    await Promise.all(logs.map((l) => l.abandon()));
    // Every frame reads back: the direct writes repeated each partial block's earlier bytes.
    for (const d of dirs) {
      expect(readHotLog(d, 2).map((ops) => ops.map((o) => o.value?.toString()))).toEqual([
        ['v'],
        ['v'],
        ['v'],
      ]);
    }
  });
});
