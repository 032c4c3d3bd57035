/**
 * Values that come at once or later (issue 8): `Soon<T>` is a T or a promise of one. A statement
 * whose locks are granted and whose pages are cached runs to its end without making a promise;
 * one that has to wait (a lock, a page read, a pause) goes on from there as a promise. The
 * helpers chain such steps and make a promise only once a step has given one.
 *
 * Error discipline: a step that fails at once throws, one that fails later rejects; a caller of
 * a Soon function handles both (an async caller that awaits it does so by itself). The
 * outermost callers that must never throw (session.ts perform) turn a throw into a rejection.
 */

/** A value now, or a promise of it. */
export type Soon<T> = T | Promise<T>;

/**
 * `next` of the value: at once when the value is there, else when it comes. (Not named `then`:
 * a module that exports `then` is a thenable, and `await import()` of it would call it.)
 */
export function andThen<T, U>(value: Soon<T>, next: (value: T) => Soon<U>): Soon<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * step(i) for i from `from` to n - 1, in order, each after the previous one has finished: at
 * once while every step finishes at once; from the first step that gives a promise on, a
 * promise of the rest.
 */
export function forEachSoon(
  n: number,
  step: (i: number) => Soon<void>,
  from = 0,
): Soon<void> {
  for (let i = from; i < n; i++) {
    const pending = step(i);
    if (pending instanceof Promise) return pending.then(() => forEachSoon(n, step, i + 1));
  }
  return undefined;
}
