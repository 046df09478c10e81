// Decimal text to the nearest double, exactly as JSON.parse reads it (round half to even).
// AssemblyScript's parseFloat is off by one unit in the last place for some inputs and by
// orders of magnitude for a few, and brings ~2 KB of code. Most configuration numbers take the
// fast path (few digits, small exponent: one exact multiplication or division); the rest are
// computed exactly with small big-integer arithmetic.

/** 10^0 ... 10^22: every one exact as a double. (`@lazy`: only in filters that read JSON.) */
@lazy const POWERS_OF_TEN: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** More significant digits than any double needs (767) are folded into one sticky digit. */
const MAX_DIGITS: i32 = 800;

/**
 * The value of a syntactically valid JSON number in [start, end): `-? int frac? exp?`.
 */
export function parseJsonNumber(start: usize, end: usize): f64 {
  let at = start;
  const negative = load<u8>(at) == 0x2d;
  if (negative) at++;
  // Collect the significant digits (no leading zeros) and the decimal exponent.
  const digits = new Array<u8>();
  let exponent: i32 = 0;
  let dropped = false;
  let seenPoint = false;
  while (at < end) {
    const c = load<u8>(at);
    if (c == 0x2e) { seenPoint = true; at++; continue; }
    if (c < 0x30 || c > 0x39) break;
    at++;
    if (seenPoint) exponent--;
    if (digits.length == 0 && c == 0x30) continue;
    if (digits.length < MAX_DIGITS) digits.push(<u8>(c - 0x30));
    else {
      if (!seenPoint) exponent++;
      if (c != 0x30) dropped = true;
    }
  }
  if (dropped) { digits.push(1); exponent--; }
  if (at < end) exponent += readExponent(at + 1, end); // past 'e' or 'E'
  const magnitude = digits.length == 0 ? 0.0 : decimalToDouble(digits, exponent);
  return negative ? -magnitude : magnitude;
}

function readExponent(at: usize, end: usize): i32 {
  let negative = false;
  const sign = load<u8>(at);
  if (sign == 0x2d || sign == 0x2b) { negative = sign == 0x2d; at++; }
  let value: i32 = 0;
  while (at < end) {
    // Beyond ±99,999,999 every double is already 0 or Infinity: stop growing.
    if (value < 100_000_000) value = value * 10 + <i32>(load<u8>(at) - 0x30);
    at++;
  }
  return negative ? -value : value;
}

/** digits × 10^exponent, correctly rounded; digits has no leading zero. */
function decimalToDouble(digits: u8[], exponent: i32): f64 {
  const count = digits.length;
  // Out of range either way, whatever the digits: avoid huge big integers.
  if (exponent + count > 310) return Infinity;
  if (exponent + count < -326) return 0;
  if (count <= 15 && exponent >= -22 && exponent <= 22) {
    // Fast path: the digits and the power of ten are both exact doubles, so one operation
    // rounds once, correctly.
    let mantissa: f64 = 0;
    for (let i = 0; i < count; i++) mantissa = mantissa * 10 + <f64>unchecked(digits[i]);
    return exponent >= 0
      ? mantissa * unchecked(POWERS_OF_TEN[exponent])
      : mantissa / unchecked(POWERS_OF_TEN[-exponent]);
  }
  // Exact path: value = numerator / denominator, both integers.
  const numerator = new BigNat();
  for (let i = 0; i < count; i++) numerator.mulAdd(10, <u32>unchecked(digits[i]));
  const denominator = new BigNat();
  denominator.mulAdd(1, 1);
  if (exponent > 0) numerator.mulPow10(exponent);
  else denominator.mulPow10(-exponent);
  return ratioToDouble(numerator, denominator);
}

/** numerator / denominator to the nearest double (both non-zero). */
function ratioToDouble(numerator: BigNat, denominator: BigNat): f64 {
  // Scale by 2^shift so that the quotient has exactly 64 bits: 2^63 ≤ q < 2^64.
  let shift: i32 = 63 - numerator.bitLength() + denominator.bitLength();
  let n = numerator.shifted(max(shift, 0));
  let d = denominator.shifted(max(-shift, 0));
  if (n.compare(d.shifted(63)) < 0) {
    shift++;
    if (shift > 0) n = numerator.shifted(shift);
    else d = denominator.shifted(-shift);
  }
  // Long division, one quotient bit at a time.
  let q: u64 = 0;
  const step = d.shifted(63);
  for (let bit = 63; bit >= 0; bit--) {
    if (n.compare(step) >= 0) {
      n.subtract(step);
      q |= (<u64>1) << <u64>bit;
    }
    step.shiftRightOne();
  }
  const sticky = !n.isZero();
  // value = q × 2^-shift; its leading bit has binary exponent 63 - shift.
  const leading = 63 - shift;
  // A normal double keeps 53 bits; a subnormal fewer, as the exponent sinks below -1022.
  const drop = 11 + max(0, -1022 - leading);
  if (drop > 64) return 0;
  let kept: u64;
  let rest: u64;
  let half: u64;
  if (drop == 64) {
    kept = 0;
    rest = q;
    half = (<u64>1) << 63;
  } else {
    kept = q >> <u64>drop;
    rest = q & (((<u64>1) << <u64>drop) - 1);
    half = (<u64>1) << <u64>(drop - 1);
  }
  if (rest > half || (rest == half && (sticky || (kept & 1) != 0))) kept++;
  if (leading < -1022) {
    // Subnormal: no exponent field; a carry into bit 52 makes it the smallest normal, as it should.
    return reinterpret<f64>(kept);
  }
  // Normal: kept is in [2^52, 2^53]; adding it to the exponent field carries a rounding overflow.
  const bits = ((<u64>(leading + 1022)) << 52) + kept;
  if ((bits >> 52) >= 2047) return Infinity;
  return reinterpret<f64>(bits);
}

/** A non-negative big integer: little-endian 32-bit limbs. */
class BigNat {
  limbs: u32[] = [];

  mulAdd(factor: u32, addend: u32): void {
    let carry: u64 = addend;
    for (let i = 0; i < this.limbs.length; i++) {
      const product = <u64>unchecked(this.limbs[i]) * factor + carry;
      unchecked((this.limbs[i] = <u32>product));
      carry = product >> 32;
    }
    if (carry != 0) this.limbs.push(<u32>carry);
  }

  mulPow10(exponent: i32): void {
    for (; exponent >= 9; exponent -= 9) this.mulAdd(1_000_000_000, 0);
    if (exponent > 0) this.mulAdd(<u32>unchecked(POWERS_OF_TEN[exponent]), 0);
  }

  bitLength(): i32 {
    const top = this.limbs.length - 1;
    if (top < 0) return 0;
    return top * 32 + 32 - <i32>clz(unchecked(this.limbs[top]));
  }

  isZero(): bool {
    for (let i = 0; i < this.limbs.length; i++) if (unchecked(this.limbs[i]) != 0) return false;
    return true;
  }

  /** A copy multiplied by 2^bits. */
  shifted(bits: i32): BigNat {
    const result = new BigNat();
    const whole = bits >>> 5;
    const part = <u32>(bits & 31);
    for (let i = 0; i < whole; i++) result.limbs.push(0);
    let carry: u32 = 0;
    for (let i = 0; i < this.limbs.length; i++) {
      const limb = unchecked(this.limbs[i]);
      result.limbs.push(part == 0 ? limb : (limb << part) | carry);
      carry = part == 0 ? 0 : limb >>> (32 - part);
    }
    if (carry != 0) result.limbs.push(carry);
    return result;
  }

  shiftRightOne(): void {
    const limbs = this.limbs;
    for (let i = 0; i < limbs.length; i++) {
      const next: u32 = i + 1 < limbs.length ? unchecked(limbs[i + 1]) : 0;
      unchecked((limbs[i] = (unchecked(limbs[i]) >>> 1) | (next << 31)));
    }
  }

  /** -1, 0 or 1 as this is below, equal to or above `other`. */
  compare(other: BigNat): i32 {
    const length = max(this.limbs.length, other.limbs.length);
    for (let i = length - 1; i >= 0; i--) {
      const a: u32 = i < this.limbs.length ? unchecked(this.limbs[i]) : 0;
      const b: u32 = i < other.limbs.length ? unchecked(other.limbs[i]) : 0;
      if (a != b) return a < b ? -1 : 1;
    }
    return 0;
  }

  /** this -= other (other ≤ this). */
  subtract(other: BigNat): void {
    let borrow: i64 = 0;
    for (let i = 0; i < this.limbs.length; i++) {
      const b: i64 = i < other.limbs.length ? <i64>unchecked(other.limbs[i]) : 0;
      let difference = <i64>unchecked(this.limbs[i]) - b - borrow;
      borrow = difference < 0 ? 1 : 0;
      if (difference < 0) difference += 0x1_0000_0000;
      unchecked((this.limbs[i] = <u32>difference));
    }
  }
}
