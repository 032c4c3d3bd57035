/**
 * `unreachable(x: never)`: the last line of every exhaustive `switch (x.kind)` in engine/, so
 * that a new variant of a union is a compile error wherever it is not handled.
 */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
