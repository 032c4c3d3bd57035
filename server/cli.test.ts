/**
 * The borealis command line, parsed without starting anything.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './cli.js';

describe('borealis command line', () => {
  it('starts with defaults and options', () => {
    const command = parseCommandLine(
      ['start', '--port', '3310', '--host', '0.0.0.0', '--data-dir', 'x', '--root-password', 'pw'],
      {},
    );
    expect(command).toMatchObject({
      kind: 'start',
      config: { port: 3310, host: '0.0.0.0', dataDir: 'x', rootPassword: 'pw' },
    });
    expect(parseCommandLine(['start'], {})).toMatchObject({
      kind: 'start',
      config: { port: 3306 },
    });
  });

  it('prints help', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['start', '--help'], {})).toEqual({ kind: 'help' });
  });

  it('says that unbuilt options are not built yet instead of ignoring them', () => {
    for (const argv of [
      ['start', '--storage', 'a:1,b:2'],
      ['start', '--replica-of', 'w:3306'],
      ['storage-node', '--port', '4000', '--data-dir', 'd'],
    ]) {
      const command = parseCommandLine(argv, {});
      expect(command).toMatchObject({ kind: 'fail', exitCode: 1 });
      expect(command.kind === 'fail' && command.message).toMatch(/not built yet/);
    }
    expect(parseCommandLine(['start'], { BOREALIS_STORAGE: 'a:1' })).toMatchObject({
      kind: 'fail',
      exitCode: 1,
    });
  });

  it('rejects unknown commands, unknown options and bad values with usage', () => {
    const bad = [[], ['stop'], ['start', '--prot', '1'], ['start', '--port', 'x'], ['start', 'x']];
    for (const argv of bad) {
      expect(parseCommandLine(argv, {})).toMatchObject({ kind: 'fail', exitCode: 2 });
    }
  });
});
