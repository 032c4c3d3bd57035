/**
 * Golden bytes for ERR_Packet (the manual's example) and the error mysql2 makes of it.
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../../engine/index.js';
import { mysql2Packet } from '../../testing/mysql2-packets.js';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeErr, encodeErr } from './err.js';

describe('ERR packet', () => {
  it("matches the manual's example: 1096 (HY000) No tables used", () => {
    const payload = encodeErr({ errno: 1096, sqlState: 'HY000', message: 'No tables used' });
    expect(hex(framePacket(payload, 1))).toBe(
      '17000001ff48042348593030304e6f207461626c65732075736564',
    );
  });

  it('is read by mysql2 as the same error code, errno and SQLSTATE', () => {
    const error = new SqlError('ER_ACCESS_DENIED_ERROR', ['bob', 'localhost', 'YES']);
    const payload = encodeErr(error);
    const parsed = mysql2Packet(payload).asError('utf8');
    expect(parsed.code).toBe('ER_ACCESS_DENIED_ERROR');
    expect(parsed.errno).toBe(1045);
    expect(parsed.sqlState).toBe('28000');
    expect(parsed.message).toBe("Access denied for user 'bob'@'localhost' (using password: YES)");
    expect(decodeErr(payload)).toEqual({
      errno: 1045,
      sqlState: '28000',
      message: "Access denied for user 'bob'@'localhost' (using password: YES)",
    });
  });

  it('keeps UTF-8 messages and refuses a malformed SQLSTATE', () => {
    const message = "Table 'é.t' doesn't exist";
    const payload = encodeErr({ errno: 1146, sqlState: '42S02', message });
    expect(decodeErr(payload).message).toBe("Table 'é.t' doesn't exist");
    expect(() => encodeErr({ errno: 1146, sqlState: '42S0', message: '' })).toThrow();
  });
});
