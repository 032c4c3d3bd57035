// Self (or inclusive) time per function of a `node --cpu-prof` profile, within a time window and
// without idle samples: a server's profile covers its start-up and the benchmark's prepare too.
//
//   node conformance/bench/profile/cpuprofile-window.mjs FILE.cpuprofile [--from S] [--to S]
//        [--top N] [--inclusive REGEX]
//
// --from/--to: seconds since the profile started. --inclusive REGEX: inclusive time of the
// functions whose "name file:line" matches, instead of self time of all.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const file = args[0];
if (file === undefined) {
  process.stderr.write('usage: cpuprofile-window.mjs FILE [--from S] [--to S] [--top N] ' +
    '[--inclusive REGEX]\n');
  process.exit(2);
}
const from = Number(option('--from', 0)) * 1e6;
const to = Number(option('--to', 1e9)) * 1e6;
const top = Number(option('--top', 40));
const inclusiveOf = option('--inclusive', undefined);
const pattern = inclusiveOf === undefined ? null : new RegExp(inclusiveOf);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nameOf = (n) => {
  const f = n.callFrame;
  const where = f.url.split('/').slice(-2).join('/');
  return `${f.functionName || '(anon)'} ${where}:${f.lineNumber + 1}`;
};

const times = new Map();
let busy = 0;
let idle = 0;
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at < from || at > to) continue;
  const node = byId.get(profile.samples[i]);
  const name = nameOf(node);
  if (name.startsWith('(idle)')) {
    idle += dt;
    continue;
  }
  busy += dt;
  if (pattern === null) {
    times.set(name, (times.get(name) ?? 0) + dt);
    continue;
  }
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const k = nameOf(byId.get(id));
    if (seen.has(k) || !pattern.test(k)) continue;
    seen.add(k);
    times.set(k, (times.get(k) ?? 0) + dt);
  }
}
const rows = [...times].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, t] of rows) {
  const share = `${((100 * t) / busy).toFixed(1)}%`.padStart(6);
  process.stdout.write(`${share} ${(t / 1000).toFixed(0).padStart(7)} ms  ${name}\n`);
}
process.stdout.write(`busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\n`);
