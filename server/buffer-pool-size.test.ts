/** --buffer-pool-size: MySQL-style sizes, bounds, and the default (InnoDB's 128M). */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config.js';
import { parseCommandLine } from './cli.js';

describe('--buffer-pool-size', () => {
  it('takes bytes or K/M/G, from the option or the environment', () => {
    expect(loadConfig({}, {}).bufferPoolBytes).toBe(128 * 1024 * 1024);
    expect(loadConfig({ bufferPoolSize: '32M' }, {}).bufferPoolBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ bufferPoolSize: '4194304' }, {}).bufferPoolBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig({}, { BOREALIS_BUFFER_POOL_SIZE: '1g' }).bufferPoolBytes).toBe(1024 ** 3);
    expect(DEFAULT_CONFIG.bufferPoolBytes).toBe(128 * 1024 * 1024);
  });

  it('refuses what is no size or out of bounds', () => {
    expect(() => loadConfig({ bufferPoolSize: '32MB' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ bufferPoolSize: '512K' }, {})).toThrow(/between/);
  });

  it('is read from the command line', () => {
    const parsed = parseCommandLine(['start', '--buffer-pool-size', '64M'], {});
    expect(parsed.kind === 'start' && parsed.config.bufferPoolBytes).toBe(64 * 1024 * 1024);
  });
});
