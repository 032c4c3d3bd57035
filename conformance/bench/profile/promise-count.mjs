// Promises a server creates, per thread, in a time window: a preload for `node --import` that
// counts async_hooks PROMISE inits in every thread it runs in (the main thread and each worker),
// from FROM to TO seconds after that thread started, and writes one line per thread to OUT.
// Divide by the statements or transactions sysbench ran in the window (run it inside the
// window, with its own warm-up before). With STACKS=1 it also samples where promises are
// made (one in 97, five frames of the creating stack) and writes the top sites per thread.
//
//   FROM=6 TO=12 OUT=promises.txt STACKS=1 \
//     node --import ./conformance/bench/profile/promise-count.mjs dist/server/cli.js start \
//     --port 3410 --data-dir "$(mktemp -d)"
//
// The window must end before the server stops (its timers do not keep it alive).
//
// The hook slows the server down; use the counts, not its throughput.
import { createHook } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

const from = Number(process.env.FROM ?? 12) * 1000;
const to = Number(process.env.TO ?? 20) * 1000;
const out = process.env.OUT ?? 'promises.txt';
const stacks = process.env.STACKS === '1';
const SAMPLE = 97;

let on = false;
let count = 0;
let seen = 0;
const sites = new Map();
createHook({
  init(_id, type) {
    if (!on || type !== 'PROMISE') return;
    count++;
    if (!stacks || ++seen % SAMPLE !== 0) return;
    const frames = (new Error().stack ?? '')
      .split('\n')
      .slice(5, 10)
      .map((l) => l.trim().replace(/^at /, '').replace(/file:\/\/\S*?\/dist\//, ''));
    const site = frames.join(' < ');
    sites.set(site, (sites.get(site) ?? 0) + SAMPLE);
  },
}).enable();

setTimeout(() => {
  on = true;
}, from).unref();
setTimeout(() => {
  on = false;
  let text = `thread ${threadId}: ${count} promises in ${(to - from) / 1000} s\n`;
  const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 30);
  for (const [site, n] of top) text += `  ${n}\t${site}\n`;
  appendFileSync(out, text);
}, to).unref();
