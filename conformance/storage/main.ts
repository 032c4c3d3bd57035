/**
 * `npm run conformance:storage`: the storage suite alone (no MariaDB needed), with a summary and
 * an exit status. `npm run conformance` runs the same suite among the others.
 */
import { Reporter, formatSummary } from '../report.js';
import { runStorageSuite } from './suite.js';

const reporter = new Reporter();
const started = Date.now();
await runStorageSuite({ reporter });
const summary = reporter.summary({ reference: '(none)', target: 'borealis storage tier' });
reporter.note(`\n${formatSummary(summary)}`);
reporter.note(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exitCode = summary.failed === 0 && summary.passed > 0 ? 0 : 1;
