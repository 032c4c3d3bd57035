import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Awake, type CpuTimes, machineCpuTimes, parseProcStat } from './awake.js';

/** A machine whose cores are idle `idleShare` of the time, advancing 1000 ms per reading. */
function fakeMachine(idleShare: () => number): () => CpuTimes {
  let idle = 0;
  let total = 0;
  return () => {
    total += 2000;
    idle += 2000 * idleShare();
    return { idle, total };
  };
}

describe('Awake', () => {
  it('keeps turning after a touch, then stops once spinMs passed with nothing to do (AW1)',
    async () => {
      // 200 ms, not 5: a loaded machine can run the next turn more than 5 ms late.
      const awake = new Awake(200, { cpuTimes: fakeMachine(() => 1), cores: 2 });
      expect(awake.spinning).toBe(false);
      const touched = performance.now();
      awake.touch();
      expect(awake.spinning).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(awake.spinning).toBe(true); // still within 200 ms: the next turn is queued
      const deadline = performance.now() + 2_000;
      while (awake.spinning && performance.now() < deadline) await sleep(5);
      expect(awake.spinning).toBe(false); // it stopped by itself…
      expect(performance.now() - touched).toBeGreaterThanOrEqual(190); // …once spinMs passed
    });

  it('never spins with spinMs 0', () => {
    const awake = new Awake(0);
    awake.touch();
    expect(awake.spinning).toBe(false);
  });

  it('does not spin after a period with no core to spare, and spins again once there is (AW3)', async () => {
    let idle = 0;
    const awake = new Awake(1, { cpuTimes: fakeMachine(() => idle), cores: 2, periodMs: 5 });
    await sleep(10);
    awake.touch(); // measures the busy period first
    expect(awake.spinning).toBe(false);
    idle = 0.5; // one core of two idle
    await sleep(10);
    awake.touch();
    expect(awake.spinning).toBe(true);
    await sleep(20);
    expect(awake.spinning).toBe(false);
  });

  it("counts its own spinning as spare: the spinning alone does not switch it off (AW3)", async () => {
    // Every core busy, but this loop spun for most of the period: without it a core was idle.
    const awake = new Awake(40, { cpuTimes: fakeMachine(() => 0), cores: 2, periodMs: 20 });
    awake.touch();
    // The spin ends by itself after 40 ms (later on a loaded machine: its turns run late); it
    // turned for nearly all of that time, without which half a core was idle.
    const deadline = performance.now() + 2_000;
    while (awake.spinning && performance.now() < deadline) await sleep(1);
    expect(awake.spinning).toBe(false); // the spin ended by itself
    awake.touch();
    expect(awake.spinning).toBe(true);
    await sleep(100);
    expect(awake.spinning).toBe(false);
  });

  it('reads the machine counters', () => {
    const a = machineCpuTimes();
    expect(a.total).toBeGreaterThan(0);
    expect(a.idle).toBeLessThanOrEqual(a.total);
  });

  it("reads /proc/stat's first line as os.cpus() sums its fields", () => {
    const text = 'cpu  100 2 30 4000 50 6 7 8 0 0\ncpu0 50 1 15 2000 25 3 3 4 0 0\n';
    expect(parseProcStat(text)).toEqual({ idle: 4000, total: 100 + 2 + 30 + 4000 + 6 });
    expect(parseProcStat('cpu0 1 2 3 4 5 6\n')).toBeNull();
    expect(parseProcStat('cpu  1 2\n')).toBeNull();
    expect(parseProcStat('cpu  1 2 x 4 5 6\n')).toBeNull();
  });
});
