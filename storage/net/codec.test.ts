import { describe, expect, it } from 'vitest';
import { WireError } from '../bytes.js';
import { type Lsn, type PageId, lsn } from '../lsn.js';
import type { Membership } from '../membership.js';
import { PAGE_SIZE } from '../page.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import {
  MESSAGE_CODE,
  type MessageKind,
  type StorageMessage,
  decodeMessage,
  encodeMessage,
  isRequest,
} from './codec.js';
import {
  FRAME_TYPE,
  FrameReader,
  decodeFailure,
  encodeFailure,
  encodeFrame,
  frameIsAuthentic,
  helloKey,
  sessionKeys,
} from './frame.js';
import { StorageError } from '../errors.js';

const L = (n: number): Lsn => lsn(n);
const writer = new TestWriter({ epoch: 3, vdl: L(0), groupTails: new Map() });
const records = writer.mtr([[pageOf(1, 2), leafInit()], [pageOf(1, 2), cellInsert(0, 'héllo')]]);
const history = [
  { epoch: 1, startLsn: L(0) },
  { epoch: 3, startLsn: L(2 ** 40) },
];
const membership: Membership = {
  version: 7,
  nodes: Array.from({ length: 6 }, (_, i) => ({
    address: `10.0.0.${i}:7000`,
    nodeId: `id-${i}`,
    zone: `z${i % 3}`,
  })),
  joining: [4],
};
const page = Buffer.alloc(PAGE_SIZE, 9);

/** One example of every message kind; the Record type makes a missing kind a compile error. */
const EXAMPLES: { readonly [K in MessageKind]: readonly Extract<StorageMessage, { kind: K }>[] } = {
  AppendRequest: [
    { kind: 'AppendRequest', group: 1, epoch: 3, vdlHint: L(9), readFloor: L(4), records },
    {
      kind: 'AppendRequest',
      group: 0,
      epoch: 2,
      vdlHint: L(0),
      readFloor: L(0),
      records: [],
      history,
    },
  ],
  AppendReply: [{ kind: 'AppendReply', scl: L(Number.MAX_SAFE_INTEGER) }],
  ReadPageRequest: [
    { kind: 'ReadPageRequest', group: 2, epoch: 5, pageId: 0xffff_ffff as PageId, readPoint: L(7) },
  ],
  ReadPageReply: [{ kind: 'ReadPageReply', page }],
  SclRequest: [{ kind: 'SclRequest', group: 4, epoch: 8 }],
  SclReply: [{ kind: 'SclReply', scl: L(5), vdlHint: L(3), appliedEpoch: 2, history }],
  ChainRequest: [{ kind: 'ChainRequest', group: 1, epoch: 2, afterLsn: L(3), upToLsn: L(10),
    entriesMax: 4096 }],
  ChainReply: [
    {
      kind: 'ChainReply',
      baseLsn: L(3),
      entries: [
        { lsn: L(4), cpl: false },
        { lsn: L(6), cpl: true },
      ],
    },
  ],
  ChainRunsRequest: [{ kind: 'ChainRunsRequest', group: 1, epoch: 2, afterLsn: L(3),
    upToLsn: L(2 ** 40), runsMax: 4096 }],
  ChainRunsReply: [
    { kind: 'ChainRunsReply', baseLsn: L(0), runs: [], more: false },
    {
      kind: 'ChainRunsReply',
      baseLsn: L(3),
      runs: [
        { first: L(4), last: L(4), cpl: L(0) },
        { first: L(5), last: L(5), cpl: L(5) },
        { first: L(7), last: L(9), cpl: L(9) },
        { first: L(11), last: L(12), cpl: L(0) },
        { first: L(16), last: L(2 ** 40), cpl: L(2 ** 40 - 1) },
      ],
      more: true,
    },
  ],
  ReadRecordsRequest: [
    {
      kind: 'ReadRecordsRequest',
      group: 1,
      epoch: 2,
      afterLsn: L(0),
      upToLsn: L(9),
      bytesMax: 1 << 20,
    },
  ],
  ReadRecordsReply: [{ kind: 'ReadRecordsReply', records, more: true }],
  TruncateRequest: [{ kind: 'TruncateRequest', group: 3, epoch: 4, history }],
  TruncateReply: [{ kind: 'TruncateReply', scl: L(11) }],
  GossipRequest: [
    { kind: 'GossipRequest', group: 1, afterLsn: L(12), bytesMax: 4096, imagesFrom: 65_536 },
  ],
  GossipReply: [
    {
      kind: 'GossipReply',
      scl: L(20),
      vdlHint: L(18),
      appliedEpoch: 3,
      history,
      gcLsn: L(10),
      gcTail: L(9),
      records,
      images: [],
      imagesNext: -1,
      more: false,
    },
    {
      kind: 'GossipReply',
      scl: L(20),
      vdlHint: L(18),
      appliedEpoch: 3,
      history: [],
      gcLsn: L(10),
      gcTail: L(9),
      records: [],
      images: [{ pageId: pageOf(1, 2), lsn: L(9), bytes: page }],
      imagesNext: 65_538,
      more: false,
    },
  ],
  RepairRequest: [
    { kind: 'RepairRequest', group: 1, pageId: pageOf(1, 2), lsn: L(2), what: 'record' },
    { kind: 'RepairRequest', group: 1, pageId: pageOf(1, 2), lsn: L(2), what: 'image' },
  ],
  RepairReply: [
    { kind: 'RepairReply', bytes: null },
    { kind: 'RepairReply', bytes: records[0] ?? Buffer.alloc(0) },
  ],
  ListGroupsRequest: [{ kind: 'ListGroupsRequest' }],
  ListGroupsReply: [
    {
      kind: 'ListGroupsReply',
      groups: [{ group: 0, scl: L(5), sealedEpoch: 2, appliedEpoch: 2 }],
    },
  ],
  NodeInfoRequest: [{ kind: 'NodeInfoRequest' }],
  NodeInfoReply: [
    { kind: 'NodeInfoReply', nodeId: 'abc', zone: '', membership: null, sealedEpoch: 0 },
    { kind: 'NodeInfoReply', nodeId: 'abc', zone: 'eu-1a', membership, sealedEpoch: 4 },
  ],
  MembershipRequest: [{ kind: 'MembershipRequest', epoch: 4, membership }],
  MembershipReply: [{ kind: 'MembershipReply', version: 7 }],
  StatusRequest: [{ kind: 'StatusRequest' }],
  StatusReply: [
    {
      kind: 'StatusReply',
      nodeId: 'n1',
      zone: 'z',
      segments: [
        {
          group: 0,
          scl: L(10),
          gcLsn: L(2),
          appliedEpoch: 1,
          sealedEpoch: 1,
          pendingRecords: 3,
          records: 40,
          recordBytes: 100_000,
          bytes: 123_456,
          lastScrubMs: 1_700_000_000_000,
          corruptFound: 1,
          repairs: 1,
          failed: false,
        },
      ],
    },
  ],
  ScrubRequest: [{ kind: 'ScrubRequest' }],
  ScrubReply: [{ kind: 'ScrubReply', checked: 100, corrupt: 1, repaired: 1 }],
  Refused: [
    { kind: 'Refused', reason: 'stale-epoch', sealedEpoch: 9 },
    { kind: 'Refused', reason: 'collected', sealedEpoch: 0 },
  ],
};

describe('storage protocol codec', () => {
  it('round-trips every message kind exactly', () => {
    for (const list of Object.values(EXAMPLES)) {
      for (const message of list) {
        const bytes = encodeMessage(message);
        expect(bytes[0]).toBe(MESSAGE_CODE[message.kind]);
        expect(decodeMessage(bytes)).toEqual(message);
      }
    }
  });

  it('encodes to the documented bytes (golden)', () => {
    expect(encodeMessage({ kind: 'AppendReply', scl: L(0x0102) }).toString('hex')).toBe(
      '020201000000000000',
    );
    expect(
      encodeMessage({ kind: 'Refused', reason: 'epoch-behind', sealedEpoch: 3 }).toString('hex'),
    ).toBe('1b0103000000');
    expect(
      encodeMessage({ kind: 'SclRequest', group: 1, epoch: 0x0a0b }).toString('hex'),
    ).toBe('05010000000b0a0000');
  });

  it('tells requests from replies', () => {
    expect(isRequest({ kind: 'ScrubRequest' })).toBe(true);
    expect(isRequest({ kind: 'ScrubReply', checked: 0, corrupt: 0, repaired: 0 })).toBe(false);
  });

  it('refuses truncated, padded and unknown input', () => {
    const bytes = encodeMessage(EXAMPLES.SclReply[0] ?? { kind: 'ScrubRequest' });
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 1))).toThrow(WireError);
    expect(() => decodeMessage(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(WireError);
    expect(() => decodeMessage(Buffer.from([200]))).toThrow(/unknown message code/);
    expect(() => decodeMessage(Buffer.from('1b0903000000', 'hex'))).toThrow(/refusal reason/);
    // A chain run: code, baseLsn, count, first, then its flags byte (at 21).
    const run = { first: L(7), last: L(9), cpl: L(8) };
    const runs = encodeMessage({ kind: 'ChainRunsReply', baseLsn: L(3), runs: [run], more: false });
    expect(decodeMessage(runs)).toMatchObject({ runs: [run] });
    const flags = (value: number): Buffer => Buffer.concat([runs.subarray(0, 21),
      Buffer.from([value]), runs.subarray(22)]);
    expect(() => decodeMessage(flags(6))).toThrow(/chain run flags/);
    expect(() => decodeMessage(flags(8))).toThrow(/chain run flags/);
    const late = { ...run, cpl: L(10) };
    const bad = encodeMessage({ kind: 'ChainRunsReply', baseLsn: L(3), runs: [late], more: false });
    expect(() => decodeMessage(bad)).toThrow(/chain run out of order/);
  });
});

describe('storage protocol frames', () => {
  const secret = 'correct horse battery staple';

  it('frames and authenticates, and any flipped bit fails the MAC', () => {
    const keys = sessionKeys(secret, Buffer.alloc(32, 1), Buffer.alloc(32, 2));
    const payload = encodeMessage({ kind: 'ListGroupsRequest' });
    const bytes = encodeFrame(
      { type: FRAME_TYPE.request, sequence: 5, requestId: 77, payload },
      keys.clientToServer,
    );
    const reader = new FrameReader();
    reader.push(bytes.subarray(0, 10));
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(10));
    const frame = reader.next();
    expect(frame).toMatchObject({ type: FRAME_TYPE.request, sequence: 5, requestId: 77 });
    if (frame === undefined) throw new Error('no frame');
    expect(frameIsAuthentic(frame, keys.clientToServer)).toBe(true);
    expect(frameIsAuthentic(frame, keys.serverToClient)).toBe(false);
    const other = sessionKeys(secret, Buffer.alloc(32, 1), Buffer.alloc(32, 3));
    expect(frameIsAuthentic(frame, other.clientToServer)).toBe(false); // another connection
    for (const at of [0, 13, 20, 24, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      const r = new FrameReader();
      r.push(tampered);
      let ok = false;
      try {
        const f = r.next();
        ok = f !== undefined && frameIsAuthentic(f, keys.clientToServer);
      } catch {
        ok = false;
      }
      expect(ok, `byte ${at}`).toBe(false);
    }
    expect(helloKey(secret).equals(helloKey('another secret'))).toBe(false);
  });

  it('refuses a frame larger than the limit before buffering it', () => {
    const header = Buffer.alloc(24);
    Buffer.from('BRLS', 'latin1').copy(header, 0);
    header[4] = 1;
    header[5] = FRAME_TYPE.request;
    header.writeUInt32LE(0xffff_0000, 8);
    const reader = new FrameReader();
    reader.push(header);
    expect(() => reader.next()).toThrow(/payload of/);
  });

  it('carries a StorageError kind and message in a failure frame', () => {
    const error = decodeFailure(encodeFailure(new StorageError('unavailable', 'node stopping')));
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ kind: 'unavailable', message: 'node stopping' });
  });
});
