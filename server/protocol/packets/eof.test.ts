/**
 * Golden bytes for EOF_Packet (the manual's example) and mysql2's reading of it.
 */
import { describe, expect, it } from 'vitest';
import { mysql2Packet } from '../../testing/mysql2-packets.js';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeEof, encodeEof } from './eof.js';

describe('EOF packet', () => {
  it("matches the manual's example: 0 warnings, AUTOCOMMIT", () => {
    expect(hex(framePacket(encodeEof({ warnings: 0, statusFlags: 2 }), 5))).toBe(
      '05000005fe00000200',
    );
  });

  it('is an EOF to mysql2, with its counts', () => {
    const payload = encodeEof({ warnings: 3, statusFlags: 0x0003 });
    const p = mysql2Packet(payload);
    expect(p.isEOF()).toBe(true);
    expect(p.eofWarningCount()).toBe(3);
    expect(p.eofStatusFlags()).toBe(3);
    expect(decodeEof(payload)).toEqual({ warnings: 3, statusFlags: 3 });
  });
});
