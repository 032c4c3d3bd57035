/**
 * The batch format between the writer's thread and the storage worker thread (worker-network.ts,
 * storage-worker.ts): everything one side has to say in one event-loop turn, in one ArrayBuffer
 * that is transferred, not copied. Pure functions, no threads.
 *
 * A batch is
 *   u32 L, then L record lists (each u32 n, then n length-prefixed byte strings);
 *   u32 E, then E entries, each a u8 type and a u32 id, then:
 *     REQUEST        string address, bytes message (net/codec.ts), u32 list + 1 (0: none)
 *     REPLY          bytes message
 *     FAILURE        bytes failure (net/frame.ts: the StorageError's kind and message)
 *     CONTROL        u8 op, u32 node index
 *     CONTROL_DONE   bool ok, string error
 * (little-endian, bytes.ts). An AppendRequest's records travel in a record list, and the message
 * itself with no records: the writer sends one batch of records to the six segments of a
 * protection group, so the six requests share one list and its bytes cross the thread once.
 *
 * Invariants:
 *   (WB1) decode(encode(entries)) gives the entries back, in order, with equal messages.
 *   (WB2) an encoded batch is an ArrayBuffer of exactly its length, owned by nobody else, so it
 *         can be transferred; so the decoded records and messages are views of it, not copies
 *         (the receiver owns it from then on, and nothing writes it).
 *   (WB3) each record list is checked (length and crc of every record) once, as it is decoded:
 *         a list found whole is frozen and marked (redo.ts R1), so the six segments it goes to
 *         do not check it again; a list with a bad record is passed on unmarked, and each
 *         segment finds the bad record itself and refuses the append ('corrupt'), as before.
 */
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter, WireError } from '../bytes.js';
import type { StorageError } from '../errors.js';
import type { StorageReply, StorageRequest } from '../messages.js';
import { type StorageMessage, decodeMessage, isRequest, writeMessage } from '../net/codec.js';
import { decodeFailure, encodeFailure } from '../net/frame.js';
import { checkRecordList } from '../redo.js';

/** What a control entry asks of the worker. */
export type ControlOp = 'start-node' | 'stop-node' | 'close';
const CONTROL_OPS = ['start-node', 'stop-node', 'close'] as const satisfies readonly ControlOp[];

export type BatchEntry =
  | {
      readonly kind: 'request';
      readonly id: number;
      readonly address: string;
      readonly request: StorageRequest;
    }
  | { readonly kind: 'reply'; readonly id: number; readonly reply: StorageReply }
  | { readonly kind: 'failure'; readonly id: number; readonly error: StorageError }
  | { readonly kind: 'control'; readonly id: number; readonly op: ControlOp; readonly node: number }
  | { readonly kind: 'control-done'; readonly id: number; readonly error: string | null };

const TYPE = { request: 1, reply: 2, failure: 3, control: 4, 'control-done': 5 } as const;
const LIST_MAX = 1 << 24;

/** A message as a length-prefixed byte string, written in place. */
function message(w: ByteWriter, m: StorageMessage): ByteWriter {
  const at = w.reserveU32();
  const start = w.length;
  writeMessage(w, m);
  w.patchU32(at, w.length - start);
  return w;
}

/** WB2: the entries in one transferable ArrayBuffer. */
export function encodeBatch(entries: readonly BatchEntry[]): ArrayBuffer {
  const lists = new Map<readonly Buffer[], number>();
  const body = new ByteWriter(1024);
  body.u32(entries.length);
  for (const e of entries) {
    body.u8(TYPE[e.kind]).u32(e.id);
    switch (e.kind) {
      case 'request': {
        body.string(e.address);
        const r = e.request;
        if (r.kind === 'AppendRequest' && r.records.length > 0) {
          let index = lists.get(r.records);
          if (index === undefined) {
            index = lists.size;
            lists.set(r.records, index);
          }
          message(body, { ...r, records: [] }).u32(index + 1);
        } else {
          message(body, r).u32(0);
        }
        break;
      }
      case 'reply':
        message(body, e.reply);
        break;
      case 'failure':
        body.bytes(encodeFailure(e.error));
        break;
      case 'control':
        body.u8(CONTROL_OPS.indexOf(e.op)).u32(e.node);
        break;
      case 'control-done':
        body.bool(e.error === null).string(e.error ?? '');
        break;
    }
  }
  const head = new ByteWriter(16);
  head.u32(lists.size);
  for (const list of lists.keys()) head.list(list, (b) => head.bytes(b));
  const headBytes = head.view();
  const bodyBytes = body.view();
  const out = new ArrayBuffer(headBytes.length + bodyBytes.length);
  const view = Buffer.from(out);
  headBytes.copy(view, 0);
  bodyBytes.copy(view, headBytes.length);
  return out;
}

/** WB1: the entries of a batch; throws WireError on a malformed one. */
export function decodeBatch(batch: ArrayBuffer): BatchEntry[] {
  const buf = Buffer.from(batch);
  const r = new ByteReader(buf);
  const lists = r.list(() => {
    const list = r.list(() => r.view(), LIST_MAX);
    checkRecordList(list); // WB3: once here, not once per segment
    return list;
  }, LIST_MAX);
  const entries = r.list((): BatchEntry => {
    const type = r.u8();
    const id = r.u32();
    switch (type) {
      case TYPE.request: {
        const address = r.string();
        const message = decodeMessage(r.view());
        if (!isRequest(message)) throw new WireError(`a ${message.kind} sent as a request`);
        const list = r.u32();
        if (list === 0) return { kind: 'request', id, address, request: message };
        const records = lists[list - 1];
        if (records === undefined || message.kind !== 'AppendRequest') {
          throw new WireError(`record list ${list} for a ${message.kind}`);
        }
        return { kind: 'request', id, address, request: { ...message, records } };
      }
      case TYPE.reply: {
        const reply = decodeMessage(r.view());
        if (isRequest(reply)) throw new WireError(`a ${reply.kind} sent as a reply`);
        return { kind: 'reply', id, reply };
      }
      case TYPE.failure:
        return { kind: 'failure', id, error: decodeFailure(r.bytes()) };
      case TYPE.control: {
        const op = CONTROL_OPS[r.u8()];
        if (op === undefined) throw new WireError('unknown control op');
        return { kind: 'control', id, op, node: r.u32() };
      }
      case TYPE['control-done']: {
        const ok = r.bool();
        const error = r.string();
        return { kind: 'control-done', id, error: ok ? null : error };
      }
      default:
        throw new WireError(`unknown batch entry type ${type}`);
    }
  }, LIST_MAX);
  r.expectEnd();
  assert(entries.length <= LIST_MAX, 'WB1');
  return entries;
}
