// Objects by 32-bit id (live contexts by context id, calls by token): a small open-addressing
// hash table. AssemblyScript's Map would do, but it costs about a kilobyte in every filter; this
// needs a fraction of that. Values are plain `Object`s so this layer knows nothing of contexts.

const EMPTY: u32 = 0; // marks a free slot; an entry for id 0 (a host may use it as a call token) lives apart

export class IdTable {
  private ids: StaticArray<u32> = new StaticArray<u32>(16);
  private values: StaticArray<Object | null> = new StaticArray<Object | null>(16);
  private count: i32 = 0;
  private zero: Object | null = null;

  get size(): i32 { return this.count + (this.zero === null ? 0 : 1); }

  /** The slot of `id`, or of the empty slot where it would go. */
  private slot(id: u32): i32 {
    const mask = this.ids.length - 1;
    let i = <i32>(id * 0x9e3779b1) & mask; // Fibonacci hashing spreads sequential ids
    while (true) {
      const at = unchecked(this.ids[i]);
      if (at == id || at == EMPTY) return i;
      i = (i + 1) & mask;
    }
  }

  get(id: u32): Object | null {
    if (id == EMPTY) return this.zero;
    return unchecked(this.values[this.slot(id)]);
  }

  set(id: u32, value: Object): void {
    if (id == EMPTY) {
      this.zero = value;
      return;
    }
    if ((this.count + 1) * 2 > this.ids.length) this.grow();
    const i = this.slot(id);
    if (unchecked(this.ids[i]) == EMPTY) this.count++;
    unchecked((this.ids[i] = id));
    unchecked((this.values[i] = value));
  }

  /** Removes `id`; false when it was not there. */
  delete(id: u32): bool {
    if (id == EMPTY) {
      const had = this.zero !== null;
      this.zero = null;
      return had;
    }
    const mask = this.ids.length - 1;
    let i = this.slot(id);
    if (unchecked(this.ids[i]) == EMPTY) return false;
    this.count--;
    // Backward-shift deletion: move later members of the probe run up, so lookups never
    // stop early at a hole.
    let next = (i + 1) & mask;
    while (unchecked(this.ids[next]) != EMPTY) {
      const home = <i32>(unchecked(this.ids[next]) * 0x9e3779b1) & mask;
      if (((next - home) & mask) >= ((next - i) & mask)) {
        unchecked((this.ids[i] = this.ids[next]));
        unchecked((this.values[i] = this.values[next]));
        i = next;
      }
      next = (next + 1) & mask;
    }
    unchecked((this.ids[i] = EMPTY));
    unchecked((this.values[i] = null));
    return true;
  }

  /** Removes every entry whose value is `value`. */
  deleteValue(value: Object): void {
    if (this.zero === value) this.zero = null;
    for (let i = 0; i < this.ids.length; ) {
      // A deletion shifts later entries into slot i: look at it again before moving on.
      if (unchecked(this.values[i]) === value) this.delete(unchecked(this.ids[i]));
      else i++;
    }
  }

  private grow(): void {
    const oldIds = this.ids;
    const oldValues = this.values;
    const capacity = oldIds.length << 1;
    this.ids = new StaticArray<u32>(capacity);
    this.values = new StaticArray<Object | null>(capacity);
    this.count = 0;
    for (let i = 0; i < oldIds.length; i++) {
      const id = unchecked(oldIds[i]);
      if (id != EMPTY) this.set(id, changetype<Object>(unchecked(oldValues[i])));
    }
  }
}
