/**
 * FLOAT and DOUBLE values as MySQL 8 prints them in text result rows (String::set_real, which calls
 * my_gcvt or my_fcvt over David Gay's dtoa):
 *
 *   decimals not fixed (31)   DOUBLE: the shortest digits that round-trip; FLOAT: at most 6
 *                             significant digits (FLT_DIG). Then fixed notation when
 *                             -14 ≤ decpt and (decpt ≤ 15 or the number has a fraction), else
 *                             exponent notation without '+' or leading zeros: 1e20, 1.5e-20.
 *   decimals fixed (0…30)     '%.*f': exactly that many digits after the point, e.g. DOUBLE(10,2).
 *
 * `decpt` is dtoa's decimal-point position: value = 0.d1d2d3… × 10^decpt. Rounding to fewer digits
 * is round-half-even on the exact binary value, as dtoa does; JavaScript's toFixed/toPrecision
 * round ties away from zero, so they are only used where no rounding happens.
 *
 * Invariant (R1): only finite numbers are formatted; MySQL never holds Infinity or NaN, so one
 * reaching here is an engine bug.
 */
import assert from 'node:assert/strict';

/** MAX_DECPT_FOR_F_FORMAT in MySQL (DBL_DIG). */
const DECPT_FIXED_MAX = 15;
/** FLT_DIG: significant digits MySQL prints for FLOAT. */
const FLOAT_DIGITS = 6;

interface Digits {
  /** Significant digits without trailing zeros; '0' for zero. */
  readonly digits: string;
  readonly decpt: number;
}

export function formatDouble(x: number): string {
  assert(Number.isFinite(x), 'R1: DOUBLE is finite');
  return gcvt(sign(x), shortestDigits(Math.abs(x)));
}

export function formatFloat(x: number): string {
  assert(Number.isFinite(x), 'R1: FLOAT is finite');
  const shortest = shortestDigits(Math.abs(x));
  const digits =
    shortest.digits.length <= FLOAT_DIGITS
      ? shortest
      : roundDigits(exactDigits(Math.abs(x)), FLOAT_DIGITS);
  return gcvt(sign(x), digits);
}

/** '%.*f' with round-half-even on the exact value (my_fcvt). */
export function formatFixed(x: number, decimals: number): string {
  assert(Number.isFinite(x), 'R1: a fixed-decimals real is finite');
  assert(Number.isInteger(decimals) && decimals >= 0 && decimals <= 30, 'decimals 0…30');
  const exact = exactDigits(Math.abs(x));
  const { digits, decpt } = roundDigits(exact, exact.decpt + decimals);
  let intPart: string;
  let fraction: string;
  if (digits === '0') {
    intPart = '0';
    fraction = '0'.repeat(decimals);
  } else if (decpt <= 0) {
    intPart = '0';
    fraction = ('0'.repeat(-decpt) + digits).padEnd(decimals, '0');
  } else {
    const padded = digits.padEnd(decpt, '0');
    intPart = padded.slice(0, decpt);
    fraction = padded.slice(decpt).padEnd(decimals, '0');
  }
  const body = decimals > 0 ? `${intPart}.${fraction}` : intPart;
  return sign(x) + body;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** my_gcvt's choice between fixed and exponent notation, for a wide field. */
function gcvt(signPrefix: string, { digits, decpt }: Digits): string {
  const len = digits.length;
  if (decpt >= -DECPT_FIXED_MAX + 1 && (decpt <= DECPT_FIXED_MAX || len > decpt)) {
    if (decpt <= 0) return `${signPrefix}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt < len) return `${signPrefix}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
    return signPrefix + digits + '0'.repeat(decpt - len);
  }
  const exponent = decpt - 1;
  const mantissa = len > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${signPrefix}${mantissa}e${exponent}`;
}

/** Shortest round-trip digits (dtoa mode 0); JavaScript's Number-to-string picks the same. */
function shortestDigits(abs: number): Digits {
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(abs.toExponential());
  assert(match !== null, 'toExponential format');
  const digits = stripZeros((match[1] as string) + (match[2] ?? ''));
  return { digits, decpt: digits === '0' ? 1 : Number(match[3]) + 1 };
}

/** The exact decimal expansion of a finite double ≥ 0. */
export function exactDigits(abs: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xf_ffff_ffff_ffffn;
  let exponent2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent2 = biased - 1075;
  }
  if (mantissa === 0n) return { digits: '0', decpt: 1 };
  if (exponent2 >= 0) {
    const s = (mantissa << BigInt(exponent2)).toString();
    return { digits: stripZeros(s), decpt: s.length };
  }
  // mantissa / 2^k = mantissa × 5^k / 10^k
  const k = -exponent2;
  const s = (mantissa * 5n ** BigInt(k)).toString();
  return { digits: stripZeros(s), decpt: s.length - k };
}

/** Keeps `keep` significant digits, rounding half to even; keep ≤ 0 rounds to 0 or one unit. */
function roundDigits({ digits, decpt }: Digits, keep: number): Digits {
  if (digits === '0' || keep >= digits.length) return { digits, decpt };
  if (keep < 0) return { digits: '0', decpt: 1 };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const lastKept = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
  const roundUp = first > 5 || (first === 5 && (rest.length > 1 || lastKept % 2 === 1));
  if (!roundUp) {
    return head === '' ? { digits: '0', decpt: 1 } : { digits: stripZeros(head), decpt };
  }
  // Add one unit in the last kept place.
  const up = (BigInt(head === '' ? '0' : head) + 1n).toString();
  const carried = up.length > Math.max(keep, 1) || (keep === 0 && up === '1');
  return { digits: stripZeros(up), decpt: carried ? decpt + 1 : decpt };
}

function stripZeros(s: string): string {
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  return s.slice(0, end);
}
