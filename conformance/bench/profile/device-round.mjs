// What one durable round of the hot logs costs on this disk: the native shared-flush jobs
// (storage/native/sync.c) over six files, as the six embedded nodes' hot logs are, and over one
// file, in the same minutes: writeSynced (write each buffer to the page cache, wait for its
// writeback, one fdatasync) and writeDirect (every file's block to an O_DIRECT descriptor in one
// AIO submission, then one fdatasync). Prints the median and mean latency and the process CPU
// per round (the job runs on libuv's threadpool).
//
//   node conformance/bench/profile/device-round.mjs [ROUNDS] [BYTES] [FILES]
//
// ROUNDS per setting (1500), BYTES written per file per round (1024), FILES the file counts to
// compare, comma-separated (6,1; at most 6): e.g. 1,2,3,6 shows where the round's cost steps.
// The files are made in the system's temporary directory (on the disk the data directory would
// use, if it is the same), preallocated and synced first, as hot-log.ts does. Needs the native
// helper built (`npm run build`, a C compiler); the shared flush is meant for ext4
// (device-sync.ts).
import {
  closeSync,
  constants,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const helper = new URL('../../../dist/storage/native/sync.node', import.meta.url);
const { writeSynced, writeDirect } = createRequire(import.meta.url)(helper.pathname);
const rounds = Number(process.argv[2] ?? 1500);
const bytes = Number(process.argv[3] ?? 1024);
const fileCounts = (process.argv[4] ?? '6,1').split(',').map(Number);
if (fileCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 6)) {
  throw new Error(`FILES: counts from 1 to 6, comma-separated (got ${process.argv[4]})`);
}
const FILE_SIZE = 64 << 20;
const STEP = 4096;

const dir = mkdtempSync(path.join(tmpdir(), 'borealis-device-round-'));
const fds = Array.from({ length: 6 }, (_, i) => {
  const file = path.join(dir, `log${i}`);
  writeFileSync(file, Buffer.alloc(FILE_SIZE));
  const fd = openSync(file, 'r+');
  fdatasyncSync(fd);
  return fd;
});
const directFds = fds.map((fd) =>
  openSync(`/proc/self/fd/${fd}`, constants.O_RDWR | constants.O_DIRECT),
);
const buffer = Buffer.alloc(bytes, 7);
const block = Buffer.alloc(Math.ceil(bytes / 4096) * 4096, 7);

async function measure(files, direct) {
  const latencies = [];
  let position = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const job = direct ? writeDirect : writeSynced;
    const errors = await job(
      (direct ? directFds : fds).slice(0, files),
      Array(files).fill(direct ? block : buffer),
      Array(files).fill(position),
    );
    if (errors.some((errno) => errno !== 0)) throw new Error(`a round failed: ${errors}`);
    latencies.push(performance.now() - t0);
    position = (position + STEP) % (FILE_SIZE - bytes);
  }
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const mean = (performance.now() - started) / rounds;
  const median = latencies[rounds >> 1] ?? 0;
  const perRound = (used.user + used.system) / rounds;
  const how = `${direct ? 'direct' : 'page cache'}, ${files} file(s)`;
  return `${how}: median ${median.toFixed(3)} ms, mean ${mean.toFixed(3)} ms, ` +
    `${perRound.toFixed(0)} µs of CPU per round`;
}

try {
  for (let pass = 0; pass < 2; pass++) {
    for (const direct of [false, true]) {
      for (const files of fileCounts) process.stdout.write(`${await measure(files, direct)}\n`);
    }
  }
} finally {
  for (const fd of [...fds, ...directFds]) closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
