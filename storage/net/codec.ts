/**
 * The binary encoding of every storage message (messages.ts): pure functions, no sockets.
 *
 * A message is a u8 kind code (MESSAGE_CODE) followed by its fields in declaration order, with
 * the field codecs of bytes.ts (little-endian; LSNs u64; Buffers and strings u32-length-prefixed;
 * lists u32-count-prefixed; optional fields a u8 presence flag). Redo records travel as the
 * bytes the writer encoded (redo.ts), never re-encoded, so their crc is checked end to end.
 * No JSON, no field names on the wire: a new message kind without a code and both codec
 * functions does not compile (the tables are typed Records over every kind).
 *
 * Decoding never trusts its input: lengths are bounded by the frame, counts by sanity limits,
 * enumerations checked, and the whole payload must be consumed (WireError otherwise).
 */
import { ByteReader, ByteWriter, WireError } from '../bytes.js';
import type { Lsn, PageId } from '../lsn.js';
import { readMembership, writeMembership } from '../membership.js';
import type {
  ChainEntry,
  ChainRun,
  EpochStart,
  GroupSummary,
  PageImageCopy,
  RefusalReason,
  RepairWhat,
  SegmentStatus,
  StorageReply,
  StorageRequest,
} from '../messages.js';

export type StorageMessage = StorageRequest | StorageReply;
export type MessageKind = StorageMessage['kind'];
type Of<K extends MessageKind> = Extract<StorageMessage, { kind: K }>;

export const MESSAGE_CODE = {
  AppendRequest: 1,
  AppendReply: 2,
  ReadPageRequest: 3,
  ReadPageReply: 4,
  SclRequest: 5,
  SclReply: 6,
  ChainRequest: 7,
  ChainReply: 8,
  ReadRecordsRequest: 9,
  ReadRecordsReply: 10,
  TruncateRequest: 11,
  TruncateReply: 12,
  GossipRequest: 13,
  GossipReply: 14,
  RepairRequest: 15,
  RepairReply: 16,
  ListGroupsRequest: 17,
  ListGroupsReply: 18,
  NodeInfoRequest: 19,
  NodeInfoReply: 20,
  MembershipRequest: 21,
  MembershipReply: 22,
  StatusRequest: 23,
  StatusReply: 24,
  ScrubRequest: 25,
  ScrubReply: 26,
  Refused: 27,
  ChainRunsRequest: 28,
  ChainRunsReply: 29,
} as const satisfies Record<MessageKind, number>;

const REFUSAL_REASONS = [
  'stale-epoch',
  'epoch-behind',
  'store-failed',
  'corrupt',
  'incomplete',
  'collected',
] as const satisfies readonly RefusalReason[];
// Every reason has a code: this fails to compile if a RefusalReason is missing from the list.
const REFUSAL_COMPLETE: Record<RefusalReason, true> = {
  'stale-epoch': true,
  'epoch-behind': true,
  'store-failed': true,
  corrupt: true,
  incomplete: true,
  collected: true,
};
void REFUSAL_COMPLETE;

const REPAIR_WHAT = ['record', 'image'] as const satisfies readonly RepairWhat[];

const KIND_BY_CODE = new Map<number, MessageKind>(
  Object.entries(MESSAGE_CODE).map(([kind, code]) => [code, kind as MessageKind]),
);

/** Records and images per message at most (bytes are bounded by the frame anyway). */
const LIST_MAX = 1 << 20;

const lsnOf = (r: ByteReader): Lsn => r.u64() as Lsn;

/**
 * A chain run: u64 first, u8 flags, then u64 last unless flag 1 (last = first), u64 cpl if flag
 * 4 (flag 2: cpl = last; neither: no CPL). A run of one record, the most a chain that groups
 * write in turn has, costs about what a ChainEntry did (u64 lsn, u8 cpl).
 */
function writeRun(w: ByteWriter, run: ChainRun): void {
  const single = run.last === run.first ? 1 : 0;
  const cpl = run.cpl === 0 ? 0 : run.cpl === run.last ? 2 : 4;
  w.u64(run.first).u8(single | cpl);
  if (single === 0) w.u64(run.last);
  if (cpl === 4) w.u64(run.cpl);
}

function readRun(r: ByteReader): ChainRun {
  const first = lsnOf(r);
  const flags = r.u8();
  if (flags > 5 || (flags & 6) === 6) throw new WireError(`bad chain run flags ${flags}`);
  const last = (flags & 1) === 1 ? first : lsnOf(r);
  const cpl = (flags & 2) === 2 ? last : (flags & 4) === 4 ? lsnOf(r) : (0 as Lsn);
  if (last < first || (cpl !== 0 && (cpl < first || cpl > last))) {
    throw new WireError('chain run out of order');
  }
  return { first, last, cpl };
}

function writeHistory(w: ByteWriter, history: readonly EpochStart[]): void {
  w.list(history, (e) => w.u32(e.epoch).u64(e.startLsn));
}

function readHistory(r: ByteReader): EpochStart[] {
  return r.list(() => ({ epoch: r.u32(), startLsn: lsnOf(r) }), 1 << 16);
}

function writeBuffers(w: ByteWriter, list: readonly Buffer[]): void {
  w.list(list, (b) => w.bytes(b));
}

function readBuffers(r: ByteReader): Buffer[] {
  return r.list(() => r.bytes(), LIST_MAX);
}

function writeEnum<T extends string>(w: ByteWriter, values: readonly T[], value: T): void {
  w.u8(values.indexOf(value));
}

function readEnum<T extends string>(r: ByteReader, values: readonly T[], what: string): T {
  const code = r.u8();
  const value = values[code];
  if (value === undefined) throw new WireError(`unknown ${what} ${code}`);
  return value;
}

type Encoders = { readonly [K in MessageKind]: (w: ByteWriter, m: Of<K>) => void };
type Decoders = { readonly [K in MessageKind]: (r: ByteReader) => Of<K> };

const ENCODE: Encoders = {
  AppendRequest(w, m) {
    w.u32(m.group).u32(m.epoch).u64(m.vdlHint).u64(m.readFloor);
    writeBuffers(w, m.records);
    w.bool(m.history !== undefined);
    if (m.history !== undefined) writeHistory(w, m.history);
  },
  AppendReply: (w, m) => w.u64(m.scl),
  ReadPageRequest: (w, m) => w.u32(m.group).u32(m.epoch).u32(m.pageId).u64(m.readPoint),
  ReadPageReply: (w, m) => w.bytes(m.page),
  SclRequest: (w, m) => w.u32(m.group).u32(m.epoch),
  SclReply(w, m) {
    w.u64(m.scl).u64(m.vdlHint).u32(m.appliedEpoch);
    writeHistory(w, m.history);
  },
  ChainRequest: (w, m) =>
    w.u32(m.group).u32(m.epoch).u64(m.afterLsn).u64(m.upToLsn).u32(m.entriesMax),
  ChainReply(w, m) {
    w.u64(m.baseLsn);
    w.list(m.entries, (e: ChainEntry) => w.u64(e.lsn).bool(e.cpl));
  },
  ChainRunsRequest: (w, m) =>
    w.u32(m.group).u32(m.epoch).u64(m.afterLsn).u64(m.upToLsn).u32(m.runsMax),
  ChainRunsReply(w, m) {
    w.u64(m.baseLsn);
    w.list(m.runs, (run: ChainRun) => writeRun(w, run));
    w.bool(m.more);
  },
  ReadRecordsRequest(w, m) {
    w.u32(m.group).u32(m.epoch).u64(m.afterLsn).u64(m.upToLsn).u64(m.bytesMax);
  },
  ReadRecordsReply(w, m) {
    writeBuffers(w, m.records);
    w.bool(m.more);
  },
  TruncateRequest(w, m) {
    w.u32(m.group).u32(m.epoch);
    writeHistory(w, m.history);
  },
  TruncateReply: (w, m) => w.u64(m.scl),
  GossipRequest(w, m) {
    w.u32(m.group).u64(m.afterLsn).u64(m.bytesMax).u32(m.imagesFrom);
  },
  GossipReply(w, m) {
    w.u64(m.scl).u64(m.vdlHint).u32(m.appliedEpoch);
    writeHistory(w, m.history);
    w.u64(m.gcLsn).u64(m.gcTail);
    writeBuffers(w, m.records);
    w.list(m.images, (i: PageImageCopy) => w.u32(i.pageId).u64(i.lsn).bytes(i.bytes));
    w.u32(m.imagesNext + 1).bool(m.more);
  },
  RepairRequest(w, m) {
    w.u32(m.group).u32(m.pageId).u64(m.lsn);
    writeEnum(w, REPAIR_WHAT, m.what);
  },
  RepairReply(w, m) {
    w.bool(m.bytes !== null);
    if (m.bytes !== null) w.bytes(m.bytes);
  },
  ListGroupsRequest: () => undefined,
  ListGroupsReply(w, m) {
    w.list(m.groups, (g: GroupSummary) => {
      w.u32(g.group).u64(g.scl).u32(g.sealedEpoch).u32(g.appliedEpoch);
    });
  },
  NodeInfoRequest: () => undefined,
  NodeInfoReply(w, m) {
    w.string(m.nodeId).string(m.zone).bool(m.membership !== null);
    if (m.membership !== null) writeMembership(w, m.membership);
    w.u32(m.sealedEpoch);
  },
  MembershipRequest(w, m) {
    w.u32(m.epoch);
    writeMembership(w, m.membership);
  },
  MembershipReply: (w, m) => w.u32(m.version),
  StatusRequest: () => undefined,
  StatusReply(w, m) {
    w.string(m.nodeId).string(m.zone);
    w.list(m.segments, (s: SegmentStatus) => {
      w.u32(s.group).u64(s.scl).u64(s.gcLsn).u32(s.appliedEpoch).u32(s.sealedEpoch);
      w.u64(s.pendingRecords).u64(s.records).u64(s.recordBytes).u64(s.bytes).u64(s.lastScrubMs);
      w.u32(s.corruptFound).u32(s.repairs).bool(s.failed);
    });
  },
  ScrubRequest: () => undefined,
  ScrubReply: (w, m) => w.u64(m.checked).u64(m.corrupt).u64(m.repaired),
  Refused(w, m) {
    writeEnum(w, REFUSAL_REASONS, m.reason);
    w.u32(m.sealedEpoch);
  },
};

const DECODE: Decoders = {
  AppendRequest(r) {
    const group = r.u32();
    const epoch = r.u32();
    const vdlHint = lsnOf(r);
    const readFloor = lsnOf(r);
    const records = readBuffers(r);
    const history = r.bool() ? readHistory(r) : undefined;
    const base = { kind: 'AppendRequest' as const, group, epoch, vdlHint, readFloor, records };
    return history === undefined ? base : { ...base, history };
  },
  AppendReply: (r) => ({ kind: 'AppendReply', scl: lsnOf(r) }),
  ReadPageRequest: (r) => ({
    kind: 'ReadPageRequest',
    group: r.u32(),
    epoch: r.u32(),
    pageId: r.u32() as PageId,
    readPoint: lsnOf(r),
  }),
  ReadPageReply: (r) => ({ kind: 'ReadPageReply', page: r.bytes() }),
  SclRequest: (r) => ({ kind: 'SclRequest', group: r.u32(), epoch: r.u32() }),
  SclReply: (r) => ({
    kind: 'SclReply',
    scl: lsnOf(r),
    vdlHint: lsnOf(r),
    appliedEpoch: r.u32(),
    history: readHistory(r),
  }),
  ChainRequest: (r) => ({
    kind: 'ChainRequest',
    group: r.u32(),
    epoch: r.u32(),
    afterLsn: lsnOf(r),
    upToLsn: lsnOf(r),
    entriesMax: r.u32(),
  }),
  ChainReply: (r) => ({
    kind: 'ChainReply',
    baseLsn: lsnOf(r),
    entries: r.list(() => ({ lsn: lsnOf(r), cpl: r.bool() }), LIST_MAX),
  }),
  ChainRunsRequest: (r) => ({
    kind: 'ChainRunsRequest',
    group: r.u32(),
    epoch: r.u32(),
    afterLsn: lsnOf(r),
    upToLsn: lsnOf(r),
    runsMax: r.u32(),
  }),
  ChainRunsReply: (r) => ({
    kind: 'ChainRunsReply',
    baseLsn: lsnOf(r),
    runs: r.list(() => readRun(r), LIST_MAX),
    more: r.bool(),
  }),
  ReadRecordsRequest: (r) => ({
    kind: 'ReadRecordsRequest',
    group: r.u32(),
    epoch: r.u32(),
    afterLsn: lsnOf(r),
    upToLsn: lsnOf(r),
    bytesMax: r.u64(),
  }),
  ReadRecordsReply: (r) => ({ kind: 'ReadRecordsReply', records: readBuffers(r), more: r.bool() }),
  TruncateRequest: (r) => ({
    kind: 'TruncateRequest',
    group: r.u32(),
    epoch: r.u32(),
    history: readHistory(r),
  }),
  TruncateReply: (r) => ({ kind: 'TruncateReply', scl: lsnOf(r) }),
  GossipRequest: (r) => ({
    kind: 'GossipRequest',
    group: r.u32(),
    afterLsn: lsnOf(r),
    bytesMax: r.u64(),
    imagesFrom: r.u32(),
  }),
  GossipReply: (r) => ({
    kind: 'GossipReply',
    scl: lsnOf(r),
    vdlHint: lsnOf(r),
    appliedEpoch: r.u32(),
    history: readHistory(r),
    gcLsn: lsnOf(r),
    gcTail: lsnOf(r),
    records: readBuffers(r),
    images: r.list(
      () => ({ pageId: r.u32() as PageId, lsn: lsnOf(r), bytes: r.bytes() }),
      LIST_MAX,
    ),
    imagesNext: r.u32() - 1,
    more: r.bool(),
  }),
  RepairRequest: (r) => ({
    kind: 'RepairRequest',
    group: r.u32(),
    pageId: r.u32() as PageId,
    lsn: lsnOf(r),
    what: readEnum(r, REPAIR_WHAT, 'repair kind'),
  }),
  RepairReply: (r) => ({ kind: 'RepairReply', bytes: r.bool() ? r.bytes() : null }),
  ListGroupsRequest: () => ({ kind: 'ListGroupsRequest' }),
  ListGroupsReply: (r) => ({
    kind: 'ListGroupsReply',
    groups: r.list(
      () => ({ group: r.u32(), scl: lsnOf(r), sealedEpoch: r.u32(), appliedEpoch: r.u32() }),
      LIST_MAX,
    ),
  }),
  NodeInfoRequest: () => ({ kind: 'NodeInfoRequest' }),
  NodeInfoReply: (r) => ({
    kind: 'NodeInfoReply',
    nodeId: r.string(),
    zone: r.string(),
    membership: r.bool() ? readMembership(r) : null,
    sealedEpoch: r.u32(),
  }),
  MembershipRequest: (r) => ({
    kind: 'MembershipRequest',
    epoch: r.u32(),
    membership: readMembership(r),
  }),
  MembershipReply: (r) => ({ kind: 'MembershipReply', version: r.u32() }),
  StatusRequest: () => ({ kind: 'StatusRequest' }),
  StatusReply: (r) => ({
    kind: 'StatusReply',
    nodeId: r.string(),
    zone: r.string(),
    segments: r.list(() => readStatus(r), LIST_MAX),
  }),
  ScrubRequest: () => ({ kind: 'ScrubRequest' }),
  ScrubReply: (r) => ({
    kind: 'ScrubReply',
    checked: r.u64(),
    corrupt: r.u64(),
    repaired: r.u64(),
  }),
  Refused: (r) => ({
    kind: 'Refused',
    reason: readEnum(r, REFUSAL_REASONS, 'refusal reason'),
    sealedEpoch: r.u32(),
  }),
};

function readStatus(r: ByteReader): SegmentStatus {
  return {
    group: r.u32(),
    scl: lsnOf(r),
    gcLsn: lsnOf(r),
    appliedEpoch: r.u32(),
    sealedEpoch: r.u32(),
    pendingRecords: r.u64(),
    records: r.u64(),
    recordBytes: r.u64(),
    bytes: r.u64(),
    lastScrubMs: r.u64(),
    corruptFound: r.u32(),
    repairs: r.u32(),
    failed: r.bool(),
  };
}

/** Writes one message (kind code, then fields) into `w`. */
export function writeMessage(w: ByteWriter, message: StorageMessage): void {
  w.u8(MESSAGE_CODE[message.kind]);
  (ENCODE[message.kind] as (w: ByteWriter, m: StorageMessage) => void)(w, message);
}

export function encodeMessage(message: StorageMessage): Buffer {
  const w = new ByteWriter();
  writeMessage(w, message);
  return w.finish();
}

/** Decodes one message occupying exactly buf[start, end); throws WireError if it is not one. */
export function decodeMessage(buf: Buffer, start = 0, end = buf.length): StorageMessage {
  const r = new ByteReader(buf, start, end);
  const code = r.u8();
  const kind = KIND_BY_CODE.get(code);
  if (kind === undefined) throw new WireError(`unknown message code ${code}`);
  const message = DECODE[kind](r);
  r.expectEnd();
  return message;
}

const REQUEST_KINDS: Record<StorageRequest['kind'], true> = {
  AppendRequest: true,
  ReadPageRequest: true,
  SclRequest: true,
  ChainRequest: true,
  ChainRunsRequest: true,
  ReadRecordsRequest: true,
  TruncateRequest: true,
  GossipRequest: true,
  RepairRequest: true,
  ListGroupsRequest: true,
  NodeInfoRequest: true,
  MembershipRequest: true,
  StatusRequest: true,
  ScrubRequest: true,
};

export function isRequest(message: StorageMessage): message is StorageRequest {
  return Object.hasOwn(REQUEST_KINDS, message.kind);
}
