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
    const command = parseCommandLine(['start', '--replica-of', 'w:3306'], {});
    expect(command).toMatchObject({ kind: 'fail', exitCode: 1 });
    expect(command.kind === 'fail' && command.message).toMatch(/not built yet/);
  });

  it('parses remote storage and storage nodes, and demands the cluster secret', () => {
    const six = 'a:1,b:2,c:3,d:4,e:5,f:6';
    expect(
      parseCommandLine(['start', '--storage', six, '--cluster-secret', 'sesame-42'], {}),
    ).toMatchObject({
      kind: 'start',
      config: { storage: [{ host: 'a', port: 1 }, {}, {}, {}, {}, { host: 'f', port: 6 }] },
    });
    expect(parseCommandLine(['start', '--storage', six], {})).toMatchObject({
      kind: 'fail',
      exitCode: 2,
      message: expect.stringMatching(/cluster-secret/),
    });
    expect(
      parseCommandLine(['start', '--storage', 'a:1,b:2'], { BOREALIS_CLUSTER_SECRET: 'sesame-42' }),
    ).toMatchObject({ kind: 'fail', exitCode: 2, message: expect.stringMatching(/6 storage/) });
    const node = ['storage-node', '--port', '4000', '--data-dir', 'd', '--zone', 'z1'];
    expect(
      parseCommandLine([...node, '--cluster-secret', 'sesame-42', '--retention', '90s'], {}),
    ).toMatchObject({
      kind: 'storage-node',
      config: { port: 4000, dataDir: 'd', zone: 'z1', retentionMs: 90_000, scrubIntervalMs: 3.6e6 },
    });
    const noSecret = parseCommandLine(['storage-node', '--port', '4000', '--data-dir', 'd'], {});
    expect(noSecret).toMatchObject({ kind: 'fail', exitCode: 2 });
    expect(
      parseCommandLine([...node, '--retention', 'soon'], { BOREALIS_CLUSTER_SECRET: 'sesame-42' }),
    ).toMatchObject({ kind: 'fail', exitCode: 2 });
  });

  it('rejects unknown commands, unknown options and bad values with usage', () => {
    const bad = [[], ['stop'], ['start', '--prot', '1'], ['start', '--port', 'x'], ['start', 'x']];
    for (const argv of bad) {
      expect(parseCommandLine(argv, {})).toMatchObject({ kind: 'fail', exitCode: 2 });
    }
  });
});
