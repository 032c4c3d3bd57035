// Where a durable commit's time goes, stage by stage, across the writer's thread and the storage
// worker: a copy of the built dist gets timestamp probes (process.hrtime, one monotonic clock for
// every thread) at the points below, a server runs from the copy under sysbench, and each commit
// shipped during the measured run is followed through the next event of each stage:
//
//   W_ship   the writer hands the commit's records to the quorum client (log-writer ship)
//   W_post   the batch of requests is posted to the storage worker (worker-network flush)
//   K_recv   the worker receives a batch
//   K_k0     the worker's device round starts (after the six nodes' appends)   device-sync.ts
//   K_k1     the round's writes and flush are done
//   K_post   the worker posts a batch of replies
//   W_recv   the writer receives a batch of replies
//   W_sock0  the writer writes a response to a client socket (W_sock1: the write returned)
//
// It also times the worker's background work that holds its event loop: a hot log's LMDB
// persist (B_pe, its synchronous part) and a background coalescing turn (B_co).
//
// At one client thread the chain is exact (one commit at a time). At more threads "the next
// event of each stage" mixes commits, so read those figures as rough; the background blocks and
// the event counts per transaction hold at any thread count.
//
//   node conformance/bench/profile/commit-timeline.mjs TEST:THREADS [SECONDS] [PORT]
//   e.g. node conformance/bench/profile/commit-timeline.mjs oltp_insert:1 10
//
// Environment: WARM_SECONDS (5), TABLE_SIZE (10000), SERVER_ARGS (to `start`). Needs a built
// dist (npm run build), mysql and sysbench (conformance/setup installs them). The probes are
// matched against the compiled JavaScript: a probe whose anchor is gone stops the tool with its
// name, so a refactor that moves one shows up here rather than as a silent gap.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [cell, secondsArg, portArg] = process.argv.slice(2);
if (cell === undefined || !cell.includes(':')) {
  process.stderr.write('usage: commit-timeline.mjs TEST:THREADS [SECONDS] [PORT]\n');
  process.exit(2);
}
const [test, threads] = cell.split(':');
const seconds = Number(secondsArg ?? 10);
const port = Number(portArg ?? 3418);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const work = mkdtempSync(join(tmpdir(), 'commit-timeline-'));
const events = join(work, 'events.log');

/** [file under dist, anchor in it, what replaces the anchor]: `T(name)` records an event. */
const PROBES = [
  ['engine/btree/log-writer.js', 'this.storage.ship(encoded);', "T('W_ship'); $&"],
  [
    'storage/worker/worker-network.js',
    'this.worker.postMessage(batch, [batch]);',
    "T('W_post'); $&",
  ],
  ['storage/worker/worker-network.js', '    receive(message) {', "$& T('W_recv');"],
  ['storage/worker/storage-worker.js', '    receive(batch) {', "$& T('K_recv');"],
  ['storage/worker/storage-worker.js', 'this.port.postMessage(batch, [batch]);', "T('K_post'); $&"],
  [
    'storage/segment/device-sync.js',
    'settle(this.job.write(fds, buffers, positions));',
    "T('K_k0'); const t$ = this.job.write(fds, buffers, positions); T('K_k1'); settle(t$);",
  ],
  [
    'server/channel.js',
    '        if (stream.write(bytes))\n            return;',
    "        T('W_sock0'); const w$ = stream.write(bytes); T('W_sock1');\n" +
      '        if (w$)\n            return;',
  ],
  [
    'storage/segment/segment.js',
    '    coalesceSome() {\n',
    "    coalesceSome() { T('B_co0'); try { return this.coalesceSome$(); }" +
      " finally { T('B_co1'); } }\n    coalesceSome$() {\n",
  ],
  [
    'storage/segment/hot-log.js',
    '            await this.persist(layer, this.gen);',
    "            T('B_pe0'); const p$ = this.persist(layer, this.gen); T('B_pe1'); await p$;",
  ],
];

function instrument() {
  cpSync(join(root, 'dist'), join(work, 'dist'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(
    join(work, 'dist/timeline-probe.js'),
    "import { appendFileSync } from 'node:fs';\n" +
      "import { threadId } from 'node:worker_threads';\n" +
      'const out = [];\n' +
      'export function T(name) {\n' +
      '  out.push(`${process.hrtime.bigint()} ${threadId} ${name}`);\n' +
      `  if (out.length >= 2000) { appendFileSync(${JSON.stringify(events)}, ` +
      "out.join('\\n') + '\\n'); out.length = 0; }\n" +
      '}\n',
  );
  const patched = new Map();
  for (const [file, anchor, replacement] of PROBES) {
    const text = patched.get(file) ?? readFileSync(join(work, 'dist', file), 'utf8');
    if (!text.includes(anchor)) throw new Error(`probe anchor not in dist/${file}: ${anchor}`);
    patched.set(file, text.replace(anchor, () => replacement.replaceAll('$&', anchor)));
  }
  for (const [file, text] of patched) {
    const up = '../'.repeat(file.split('/').length - 1);
    const probe = `import { T } from './${up}timeline-probe.js';\n`;
    writeFileSync(join(work, 'dist', file), probe + text);
  }
}

const sb = [
  '--mysql-host=127.0.0.1', `--mysql-port=${port}`, '--mysql-user=root', '--mysql-db=sbtest',
  '--tables=1', `--table-size=${process.env.TABLE_SIZE ?? 10000}`, '--mysql-ssl=off',
];
const mysql = (sql) =>
  execFileSync('mysql', ['-h127.0.0.1', `-P${port}`, '-uroot', '--skip-ssl', '-e', sql], {
    stdio: 'pipe',
  });

async function run() {
  instrument();
  const args = (process.env.SERVER_ARGS ?? '').split(' ').filter((a) => a !== '');
  const server = spawn(process.execPath, [join(work, 'dist/server/cli.js'), 'start',
    '--port', String(port), '--data-dir', join(work, 'data'), ...args], { stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      try {
        mysql('SELECT 1');
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    mysql('CREATE DATABASE sbtest');
    execFileSync('sysbench', ['oltp_insert', ...sb, 'prepare'], { stdio: 'ignore' });
    const load = (time) => execFileSync('sysbench', [test, ...sb, `--threads=${threads}`,
      `--time=${time}`, 'run'], { encoding: 'utf8' });
    load(process.env.WARM_SECONDS ?? 5);
    const from = process.hrtime.bigint();
    const out = load(seconds);
    const to = process.hrtime.bigint();
    const txns = Number(/transactions:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    process.stdout.write(`${test} ${threads} threads, ${seconds} s: ${txns} transactions\n`);
    server.kill('SIGINT');
    await new Promise((r) => server.once('exit', r));
    report(from, to, txns);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

const STAGES = ['W_post', 'K_recv', 'K_k0', 'K_k1', 'K_post', 'W_recv', 'W_sock0', 'W_sock1'];
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
const line = (label, values) => {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const f = (v) => v.toFixed(0).padStart(6);
  return `  ${label.padEnd(18)} p50 ${f(quantile(s, 0.5))} µs  p90 ${f(quantile(s, 0.9))} µs` +
    `  mean ${f(mean)} µs  n ${s.length}\n`;
};

function report(from, to, txns) {
  const all = readFileSync(events, 'utf8').trim().split('\n').map((l) => {
    const [t, thread, name] = l.split(' ');
    return { t: BigInt(t), thread, name };
  });
  all.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const ev = all.filter((e) => e.t >= from && e.t <= to);
  const counts = new Map();
  for (const e of ev) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  process.stdout.write('events per transaction: ' + [...counts]
    .filter(([n]) => !n.endsWith('1'))
    .map(([n, c]) => `${n} ${(c / txns).toFixed(2)}`).join(', ') + '\n');
  const stages = STAGES.map(() => []);
  const totals = [];
  for (let i = 0; i < ev.length; i++) {
    if (ev[i].name !== 'W_ship') continue;
    let j = i;
    let prev = ev[i].t;
    const d = [];
    for (const stage of STAGES) {
      while (j < ev.length && ev[j].name !== stage) j++;
      if (j >= ev.length) break;
      d.push(Number(ev[j].t - prev) / 1000);
      prev = ev[j].t;
    }
    if (d.length < STAGES.length) break;
    d.forEach((v, k) => stages[k].push(v));
    totals.push(d.reduce((a, b) => a + b, 0));
  }
  if (totals.length === 0) process.stdout.write('no commit was shipped in the measured run\n');
  else {
    process.stdout.write('from the commit shipped (W_ship), to the next:\n');
    STAGES.forEach((stage, k) => process.stdout.write(line(`→ ${stage}`, stages[k])));
    process.stdout.write(line('W_ship → W_sock1', totals));
  }
  const held = [];
  for (const [start, label] of [['B_pe0', 'LMDB persist'], ['B_co0', 'coalescing turn']]) {
    const end = start.replace('0', '1');
    const spans = [];
    for (let i = 0; i < ev.length; i++) {
      if (ev[i].name !== start) continue;
      let k = i + 1;
      while (k < ev.length && !(ev[k].name === end && ev[k].thread === ev[i].thread)) k++;
      if (k < ev.length) spans.push(Number(ev[k].t - ev[i].t) / 1000);
    }
    if (spans.length === 0) continue;
    const sum = spans.reduce((a, b) => a + b, 0) / 1000;
    held.push(line(label, spans).replace('\n', `  ${sum.toFixed(0)} ms in all\n`));
  }
  if (held.length > 0) {
    process.stdout.write(`the storage worker held by background work:\n${held.join('')}`);
  }
}

await run();
