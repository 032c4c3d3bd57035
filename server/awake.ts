/**
 * Keeping the event loop awake for a moment after work (issue 8). On a virtual machine a thread
 * that sleeps gives its vCPU back; waking it again (an epoll wait, a futex) costs tens of
 * microseconds, and a client that sends its next statement right after the answer pays that on
 * every statement. After each piece of work the loop turns (setImmediate: its poll phase looks
 * at sockets and messages without blocking) until `spinMs` have passed with nothing to do, then
 * sleeps as before. Spinning takes a core, so it happens only while the machine has one to
 * spare: measured over the last period, idle CPU plus what the spinning itself took must be at
 * least SPARE_CORES_MIN (with every core busy, a spinning engine slows the threads that do the
 * work: the storage worker, the clients).
 *
 * Invariants:
 *   (AW1) At most one turn is pending at a time, and none once `spinMs` have passed since the
 *         last touch(): an idle server sleeps (no CPU) `spinMs` after its last work.
 *   (AW2) The turns stop by themselves, so they keep a closing process alive at most `spinMs`.
 *   (AW3) No spinning in a period that follows one where the machine had less than
 *         SPARE_CORES_MIN spare (idle plus this loop's own spinning).
 */
import { openSync, readSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** How often the machine's idle time is read. */
export const PERIOD_MS = 100;
/** Spin only while at least this much of a core would be idle without the spinning. */
export const SPARE_CORES_MIN = 0.75;

/**
 * CPU time counters of the machine, summed over its cores, in one unit (clock ticks from
 * /proc/stat, ms from os.cpus()): only their differences' ratio is used.
 */
export interface CpuTimes {
  readonly idle: number;
  readonly total: number;
}

/**
 * The machine's counters from the first line of /proc/stat (`cpu  user nice system idle iowait
 * irq …`), the fields os.cpus() sums (it leaves out iowait, softirq and steal too), or null if
 * the line is not one.
 */
export function parseProcStat(text: string): CpuTimes | null {
  const end = text.indexOf('\n');
  const fields = (end < 0 ? text : text.slice(0, end)).split(' ').filter((f) => f !== '');
  if (fields[0] !== 'cpu' || fields.length < 7) return null;
  const [user, nice, sys, idle, , irq] = fields.slice(1, 7).map(Number) as number[];
  const total = user! + nice! + sys! + idle! + irq!;
  return Number.isFinite(total) ? { idle: idle!, total } : null;
}

/** /proc/stat, opened on first use and kept (null: unreadable, os.cpus() instead). */
let procStat: number | null | undefined;
const procStatHead = Buffer.alloc(256);

/**
 * Read every PERIOD_MS: the first line of /proc/stat, where it can be read. os.cpus() costs
 * about 0.3 ms a call here (it also reads every core's model and speed).
 */
export function machineCpuTimes(): CpuTimes {
  if (procStat === undefined) {
    try {
      procStat = openSync('/proc/stat', 'r');
    } catch {
      procStat = null;
    }
  }
  if (procStat !== null) {
    const n = readSync(procStat, procStatHead, 0, procStatHead.length, 0);
    const times = parseProcStat(procStatHead.toString('latin1', 0, n));
    if (times !== null) return times;
  }
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export class Awake {
  private last = 0;
  private pending = false;
  /** When the pending turn was scheduled. */
  private scheduledAt = 0;
  private periodStart: number;
  private periodCpu: CpuTimes;
  /** ms spent spinning (turns with no work in between) in this period. */
  private spun = 0;
  private spare = true;
  private readonly turn = (): void => {
    this.pending = false;
    const now = performance.now();
    if (this.last < this.scheduledAt) this.spun += now - this.scheduledAt;
    if (now - this.last < this.spinMs) this.schedule(now);
  };

  private readonly cpuTimes: () => CpuTimes;
  private readonly cores: number;
  private readonly periodMs: number;

  constructor(
    private readonly spinMs: number,
    machine: { cpuTimes?: () => CpuTimes; cores?: number; periodMs?: number } = {},
  ) {
    this.cpuTimes = machine.cpuTimes ?? machineCpuTimes;
    this.cores = machine.cores ?? os.availableParallelism();
    this.periodMs = machine.periodMs ?? PERIOD_MS;
    this.periodStart = performance.now();
    this.periodCpu = spinMs > 0 ? this.cpuTimes() : { idle: 0, total: 0 };
  }

  /** A turn is pending: the loop does not sleep. */
  get spinning(): boolean {
    return this.pending;
  }

  /** Work happened: stay awake `spinMs` from now, if the machine has a core to spare (AW1). */
  touch(): void {
    if (this.spinMs <= 0) return;
    const now = performance.now();
    this.last = now;
    if (now - this.periodStart >= this.periodMs) this.measure(now);
    if (this.spare && !this.pending) this.schedule(now);
  }

  /** AW3: spare cores over the period that just ended. */
  private measure(now: number): void {
    const cpu = this.cpuTimes();
    const total = cpu.total - this.periodCpu.total;
    const wall = now - this.periodStart;
    if (total > 0 && wall > 0) {
      const idleCores = ((cpu.idle - this.periodCpu.idle) / total) * this.cores;
      this.spare = idleCores + this.spun / wall >= SPARE_CORES_MIN;
    }
    this.periodStart = now;
    this.periodCpu = cpu;
    this.spun = 0;
  }

  private schedule(now: number): void {
    this.pending = true;
    this.scheduledAt = now;
    setImmediate(this.turn); // ref'd: an unref'd immediate lets the poll phase block (AW2)
  }
}
