/**
 * Golden bytes for COM_STMT_PREPARE_OK and the parameter definition that follows it.
 */
import { describe, expect, it } from 'vitest';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeColumnDefinition41, encodeColumnDefinition41 } from './column-definition.js';
import { decodeStmtPrepareOk, encodeStmtPrepareOk, PARAM_DEFINITION } from './stmt-prepare-ok.js';

describe('COM_STMT_PREPARE_OK', () => {
  it("matches the manual's example: statement 1, 2 columns, 2 parameters", () => {
    const payload = encodeStmtPrepareOk({
      statementId: 1,
      columnCount: 2,
      paramCount: 2,
      warnings: 0,
    });
    expect(hex(framePacket(payload, 1))).toBe('0c000001' + '00' + '01000000' + '0200' + '0200' +
      '00' + '0000');
    expect(decodeStmtPrepareOk(payload)).toEqual({
      statementId: 1,
      columnCount: 2,
      paramCount: 2,
      warnings: 0,
    });
  });

  it('carries large ids and warnings little-endian', () => {
    const payload = encodeStmtPrepareOk({
      statementId: 0xfffffffe,
      columnCount: 300,
      paramCount: 0xffff,
      warnings: 3,
    });
    expect(hex(payload)).toBe('00' + 'feffffff' + '2c01' + 'ffff' + '00' + '0300');
    expect(() => encodeStmtPrepareOk({ statementId: 1, columnCount: 1, paramCount: 65536,
      warnings: 0 })).toThrow();
  });

  it("describes a parameter as MySQL does: '?', VAR_STRING, binary", () => {
    const payload = encodeColumnDefinition41(PARAM_DEFINITION);
    expect(hex(payload)).toBe(
      '03646566' + '00' + '00' + '00' + '013f' + '00' + '0c' + '3f00' + '00000000' + 'fd' +
        '8000' + '00' + '0000',
    );
    expect(decodeColumnDefinition41(payload)).toEqual(PARAM_DEFINITION);
  });
});
