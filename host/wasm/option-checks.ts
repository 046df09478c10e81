// Checks for what a test hands the emulator (Host options, advanceTime): a wrong value fails at
// once with a TypeError (wrong type) or RangeError (out of range) that names it, instead of
// surfacing later as something unrelated (a compiler's "extra bits in varint" for a memory cap
// of 1e15, a limit of NaN that never fires, a clock that runs backwards).

/** A whole number within min..max (both included). */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number within min..max (both included). */
export function checkFinite(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a finite number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A bigint within min..max (both included). */
export function checkBigInt(name: string, value: unknown, min: bigint, max: bigint): bigint {
  if (typeof value !== "bigint") throw new TypeError(`${name} must be a bigint, got ${describe(value)}`);
  if (value < min || value > max) throw new RangeError(`${name} must be from ${min} to ${max}, got ${value}`);
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

export function checkStrings(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new TypeError(`${name} must be an array of strings, got ${describe(value)}`);
  }
  return value;
}

export function checkStringRecord(name: string, value: unknown): Record<string, string> {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === "string")
  ) {
    throw new TypeError(`${name} must be an object of string values, got ${describe(value)}`);
  }
  return value as Record<string, string>;
}

/** Names an option nobody reads (a typo such as `loopLimt` would otherwise pass silently). */
export function checkKnownKeys(what: string, opts: object, known: readonly string[]): void {
  for (const k of Object.keys(opts)) {
    if (!known.includes(k))
      throw new TypeError(`${what}: unknown option ${JSON.stringify(k)} (known: ${known.join(", ")})`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null)
    return String(value);
  return Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value;
}
