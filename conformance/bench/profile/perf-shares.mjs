// Shares of on-CPU samples per symbol, from `perf script -F tid,ip,sym` output of a
// `perf record -g` taken of a server started with `node --perf-basic-prof` (JIT frames named).
// Runtime calls (v8::internal::Runtime_*) show V8 slow paths taken per statement; JS frame names
// can be stale where the JIT reused code space, so read callers with care.
//
//   perf record -F 999 -g -p PID -o perf.data -- sleep 4
//   perf script -i perf.data -F tid,ip,sym > perf.txt
//   node conformance/bench/profile/perf-shares.mjs perf.txt [REGEX] [--tid TID] [--top N]
//
// Prints, for each symbol matching REGEX (all by default), its inclusive share (samples with it
// anywhere on the stack) and self share (samples with it on top), largest first.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
if (file === undefined) {
  process.stderr.write('usage: perf-shares.mjs perf.txt [REGEX] [--tid TID] [--top N]\n');
  process.exit(2);
}
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const positional = args.slice(1).filter((a, i, all) => !a.startsWith('--') &&
  !(i > 0 && all[i - 1].startsWith('--')));
const pattern = positional[0] === undefined ? null : new RegExp(positional[0]);
const onlyTid = option('--tid');
const top = Number(option('--top') ?? 60);

const inclusive = new Map();
const self = new Map();
let samples = 0;
let stack = [];
let tid = null;
const clean = (sym) => sym.replace(/^JS:[*~^]?/, 'JS:').replace(/\+0x[0-9a-f]+$/, '');

function endSample() {
  if (stack.length > 0 && (onlyTid === undefined || tid === onlyTid)) {
    samples++;
    for (const sym of new Set(stack)) inclusive.set(sym, (inclusive.get(sym) ?? 0) + 1);
    self.set(stack[0], (self.get(stack[0]) ?? 0) + 1);
  }
  stack = [];
}

for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.trim() === '') {
    endSample();
  } else if (/^\s*\d+\s*$/.test(line)) {
    // A sample's header: its thread id (perf right-aligns it, so it may start with spaces).
    endSample();
    tid = line.trim().split(/\s+/)[0];
  } else {
    const [, sym = '?'] = line.trim().match(/^\S+\s+(.*)$/) ?? [];
    stack.push(clean(sym));
  }
}
endSample();

const rows = [...inclusive]
  .filter(([sym]) => pattern === null || pattern.test(sym))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top);
const pct = (n) => `${((100 * n) / samples).toFixed(2)}%`.padStart(7);
for (const [sym, n] of rows) {
  process.stdout.write(`${pct(n)} incl ${pct(self.get(sym) ?? 0)} self  ${sym.slice(0, 120)}\n`);
}
process.stdout.write(`${samples} samples\n`);
