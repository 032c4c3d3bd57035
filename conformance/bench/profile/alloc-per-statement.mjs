// Bytes allocated per statement by the engine alone (no sockets): sysbench's point select and
// oltp_read_only's four range statements (100 ids each), prepared, over 10,000 sysbench-like rows
// on the real B-tree engine with memory storage. Allocation is counted, not timed, so it compares
// builds on a machine whose speed drifts (V8 reports the bytes allocated since the previous
// young-generation collection with each one; their sum over a statement's runs, divided by the
// runs, is its allocation).
//
//   node --trace-gc-nvp conformance/bench/profile/alloc-per-statement.mjs \
//     | node conformance/bench/profile/alloc-per-statement.mjs --sum
//
// Environment: N (runs per statement, 6000), ONLY=<name> (one statement: point, simple, sum,
// order, distinct) to also print where it allocates (V8's sampling heap profiler, every 512
// bytes, collected objects included; on stderr: each site as the allocating frame < its caller <
// theirs). The sampled total comes out at about a third of V8's count for the same runs: use it
// for where, the count for how much. Needs a built dist (npm run build).
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--sum') {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  let phase = null;
  let bytes = 0;
  let runs = 0;
  for (const line of text.split('\n')) {
    const mark = line.match(/^PHASE (\S+) (\d+)/);
    if (mark !== null) {
      if (phase !== null) {
        process.stdout.write(`${phase}: ${(bytes / runs / 1024).toFixed(1)} KiB per statement\n`);
      }
      phase = mark[1] === 'END' ? null : mark[1];
      runs = Number(mark[2]);
      bytes = 0;
      continue;
    }
    const allocated = line.match(/ allocated=(\d+)/);
    if (allocated !== null && phase !== null) bytes += Number(allocated[1]);
  }
  process.exit(0);
}

const dist = fileURLToPath(new URL('../../../dist/', import.meta.url));
const { createEngine } = await import(`${dist}engine/index.js`);
const { MemoryStorage, MemoryStorageClient } = await import(`${dist}engine/btree/testing.js`);
const { ok, openSession, rowsOf } = await import(`${dist}engine/testing/sessions.js`);
const { pino } = await import('pino');

const engine = await createEngine({
  storage: new MemoryStorageClient(new MemoryStorage()),
  log: pino({ level: 'silent' }),
});
const session = openSession(engine);
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const group = () => Array.from({ length: 11 }, () => Math.floor(random() * 10)).join('');
const cValue = () => Array.from({ length: 10 }, group).join('-').slice(0, 119);
await ok(session, 'CREATE DATABASE sbtest');
await ok(session, 'USE sbtest');
await ok(session, 'CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), ' +
  'pad CHAR(60))');
for (let i = 1; i <= 10000; i += 500) {
  const values = [];
  for (let j = i; j < i + 500; j++) values.push(`(${j}, ${(j * 31) % 997}, '${cValue()}', 'p')`);
  await ok(session, `INSERT INTO sbtest1 VALUES ${values.join(',')}`);
}
const statements = {
  point: 'SELECT c FROM sbtest1 WHERE id=?',
  simple: 'SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?',
  sum: 'SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?',
  order: 'SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c',
  distinct: 'SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c',
};
const runs = Number(process.env.N ?? 6000);
const only = process.env.ONLY;
const inspector = await import('node:inspector');
const profiler = new inspector.Session();
profiler.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    profiler.post(method, params, (error, value) => (error ? reject(error) : resolve(value))));

/** The heap profile's sampled bytes per run, by the allocating frame and its two callers. */
function report(profile) {
  const bySite = new Map();
  const walk = (node, path) => {
    const f = node.callFrame;
    const file = f.url.split('/').slice(-2).join('/');
    const here = [...path, `${f.functionName || '(anon)'} ${file}:${f.lineNumber + 1}`];
    if (node.selfSize > 0) {
      const site = here.slice(-3).reverse().join(' < ');
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(`sampled ${(total / runs / 1024).toFixed(1)} KiB per statement\n`);
  for (const [site, size] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    process.stderr.write(`${(size / runs).toFixed(0).padStart(7)} B  ${site}\n`);
  }
}

for (const [name, text] of Object.entries(statements)) {
  if (only !== undefined && only !== name) continue;
  const prepared = await session.prepare(text);
  const run = async (i) => {
    const at = 1 + ((i * 37) % 9800);
    const params = prepared.paramCount === 1 ? [BigInt(at)] : [BigInt(at), BigInt(at + 99)];
    await rowsOf(await prepared.execute(params));
  };
  for (let i = 0; i < 2000; i++) await run(i); // warm-up: the JIT, the caches
  process.stdout.write(`PHASE ${name} ${runs}\n`);
  if (only !== undefined) {
    await post('HeapProfiler.startSampling', { samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  for (let i = 0; i < runs; i++) await run(i);
  if (only !== undefined) report((await post('HeapProfiler.stopSampling')).profile);
}
process.stdout.write('PHASE END 1\n');
process.exit(0);
