/**
 * Exhaustiveness check for discriminated unions: `default: unreachable(x)` makes a new variant a
 * compile error wherever it matters, and a runtime assertion failure if one slips through.
 */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
