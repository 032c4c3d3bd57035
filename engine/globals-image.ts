/**
 * An engine's global variables as another engine takes them in: with write forwarding
 * (server/reader/routing-session.ts), a SET GLOBAL on the writer reaches the read engine, whose
 * new sessions then start from the same values as their twins on the writer.
 *
 * An image holds every global system variable and the transaction layer's globals (autocommit,
 * isolation, …, which live apart: txn/manager.ts). It crosses threads by structured clone, so a
 * DECIMAL value travels as its text.
 *
 * Invariant (GI1): after applyImage, every global of the image reads as it did where the image
 * was made, except the names the receiver keeps for its role (a read engine's read_only).
 */
import { Decimal } from './sql/decimal.js';
import type { Value } from './sql/values.js';
import type { TransactionGlobals } from './txn/manager.js';
import type { GlobalVariables } from './variables/session-variables.js';

export type ImageValue = null | bigint | number | string | { readonly decimal: string };

export interface GlobalsImage {
  readonly variables: readonly (readonly [string, ImageValue])[];
  readonly transaction: TransactionGlobals;
}

export function imageOf(globals: GlobalVariables, transaction: TransactionGlobals): GlobalsImage {
  const variables: (readonly [string, ImageValue])[] = [];
  for (const [name, value] of globals.entries()) {
    variables.push([name, value instanceof Decimal ? { decimal: value.toString() } : value]);
  }
  return { variables, transaction: { ...transaction } };
}

/** GI1: the image's values, but for the names in `keep`. */
export function applyImage(
  image: GlobalsImage,
  globals: GlobalVariables,
  transaction: TransactionGlobals,
  keep: ReadonlySet<string>,
): void {
  for (const [name, value] of image.variables) {
    if (keep.has(name)) continue;
    const decoded: Value | undefined =
      typeof value === 'object' && value !== null ? Decimal.parse(value.decimal) : value;
    if (decoded !== undefined && globals.get(name) !== decoded) globals.set(name, decoded);
  }
  Object.assign(transaction, image.transaction);
}

/** True when the transaction layer's globals are as `image` has them. */
export function sameTransactionGlobals(image: GlobalsImage, now: TransactionGlobals): boolean {
  const then = image.transaction;
  return (Object.keys(then) as (keyof TransactionGlobals)[]).every((k) => then[k] === now[k]);
}
