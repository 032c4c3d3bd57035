/**
 * Config defaults, precedence (options over env over defaults) and refusals.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig, parseHostPort } from './config.js';

describe('loadConfig', () => {
  it('has explicit defaults', () => {
    expect(loadConfig({}, {})).toEqual({
      port: 3306,
      host: '127.0.0.1',
      dataDir: './data',
      rootPassword: '',
      storage: [],
      replicaOf: null,
      readerPort: null,
      maxConnections: 151,
      maxAllowedPacket: 64 * 1024 * 1024,
      commitTimeoutMs: 10_000,
      tlsCert: null,
      tlsKey: null,
      clusterSecret: '',
      connectTimeoutMs: 10_000,
      logLevel: 'info',
      bufferPoolBytes: 128 * 1024 * 1024,
      storageThread: 'worker',
      ioThread: false,
      readThread: true,
      moveConnections: true,
      awakeUs: 1000,
    });
    expect(loadConfig({}, {})).toEqual(DEFAULT_CONFIG);
    expect(loadConfig({ storageThread: 'main' }, {}).storageThread).toBe('main');
    expect(() => loadConfig({ storageThread: 'both' }, {})).toThrow(ConfigError);
    expect(loadConfig({ ioThread: 'on' }, {}).ioThread).toBe(true);
    expect(loadConfig({}, { BOREALIS_IO_THREAD: 'on' }).ioThread).toBe(true);
    expect(loadConfig({ ioThread: 'off' }, { BOREALIS_IO_THREAD: 'on' }).ioThread).toBe(false);
    expect(() => loadConfig({ ioThread: 'yes' }, {})).toThrow(ConfigError);
    expect(loadConfig({ readThread: 'off' }, {}).readThread).toBe(false);
    expect(loadConfig({}, { BOREALIS_READ_THREAD: 'off' }).readThread).toBe(false);
    // The socket I/O thread and the read thread are not built together: --io-thread on alone
    // turns the read thread off; asking for both still reaches startServer's refusal.
    expect(loadConfig({ ioThread: 'on' }, {}).readThread).toBe(false);
    expect(loadConfig({ ioThread: 'on', readThread: 'on' }, {}).readThread).toBe(true);
    expect(() => loadConfig({ readThread: 'yes' }, {})).toThrow(ConfigError);
    expect(loadConfig({ awakeUs: '0' }, {}).awakeUs).toBe(0);
    expect(loadConfig({}, { BOREALIS_AWAKE_US: '500' }).awakeUs).toBe(500);
    expect(() => loadConfig({ awakeUs: '-1' }, {})).toThrow(ConfigError);
    expect(loadConfig({ readerPort: '3307' }, {}).readerPort).toBe(3307);
    expect(loadConfig({}, { BOREALIS_READER_PORT: '0' }).readerPort).toBe(0);
    expect(() => loadConfig({ readerPort: 'x' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ awakeUs: '10001' }, {})).toThrow(ConfigError);
  });

  it('takes options over the environment', () => {
    const env = { BOREALIS_PORT: '3307', BOREALIS_ROOT_PASSWORD: 'env', LOG_LEVEL: 'debug' };
    const config = loadConfig({ port: '3308', dataDir: 'd' }, env);
    expect(config).toMatchObject({
      port: 3308,
      dataDir: 'd',
      rootPassword: 'env',
      logLevel: 'debug',
    });
    expect(loadConfig({}, env).port).toBe(3307);
  });

  it('parses storage lists and replica addresses', () => {
    const storage = 'a:1,b:2,c:3,d:4,e:5,f:6';
    const config = loadConfig({ storage, clusterSecret: 'sesame-42', replicaOf: 'w:3306' }, {});
    expect(config.storage.slice(0, 2)).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
    expect(config.storage.length).toBe(6);
    expect(() => loadConfig({ storage }, {})).toThrow(/cluster-secret/);
    expect(() => loadConfig({ storage: 'a:1,b:2', clusterSecret: 'sesame-42' }, {})).toThrow(
      /6 storage nodes/,
    );
    expect(config.replicaOf).toEqual({ host: 'w', port: 3306 });
    expect(parseHostPort('::1:3306')).toEqual({ host: '::1', port: 3306 });
  });

  it('takes the TLS certificate and key together, or neither', () => {
    expect(loadConfig({ tlsCert: 'c.pem', tlsKey: 'k.pem' }, {})).toMatchObject({
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    });
    const env = { BOREALIS_TLS_CERT: 'e.pem', BOREALIS_TLS_KEY: 'ek.pem' };
    expect(loadConfig({}, env)).toMatchObject({ tlsCert: 'e.pem', tlsKey: 'ek.pem' });
    expect(() => loadConfig({ tlsCert: 'c.pem' }, {})).toThrow(/both or neither/);
    expect(() => loadConfig({ tlsKey: 'k.pem' }, {})).toThrow(ConfigError);
  });

  it('refuses bad values with a message', () => {
    expect(() => loadConfig({ port: 'x' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ port: '70000' }, {})).toThrow(/between 0 and 65535/);
    expect(() => loadConfig({ maxConnections: '0' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ maxAllowedPacket: '10' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ storage: 'nohost' }, {})).toThrow(/host:port/);
    expect(() => loadConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ host: '' }, {})).toThrow(ConfigError);
  });
});
