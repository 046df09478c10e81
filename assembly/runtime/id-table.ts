// Live contexts by id: a small open-addressing hash table. AssemblyScript's Map would do, but
// it costs about a kilobyte in every filter; this needs a fraction of that, and ids are dense.
import { Context } from "../context/context";

const EMPTY: u32 = 0; // the ABI never uses context id 0

export class ContextTable {
  private ids: StaticArray<u32> = new StaticArray<u32>(16);
  private values: StaticArray<Context | null> = new StaticArray<Context | null>(16);
  private count: i32 = 0;

  get size(): i32 { return this.count; }

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

  get(id: u32): Context | null {
    return unchecked(this.values[this.slot(id)]);
  }

  set(id: u32, value: Context): void {
    if ((this.count + 1) * 2 > this.ids.length) this.grow();
    const i = this.slot(id);
    if (unchecked(this.ids[i]) == EMPTY) this.count++;
    unchecked((this.ids[i] = id));
    unchecked((this.values[i] = value));
  }

  /** Removes `id`; false when it was not there. */
  delete(id: u32): bool {
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
  deleteValue(value: Context): void {
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
    this.values = new StaticArray<Context | null>(capacity);
    this.count = 0;
    for (let i = 0; i < oldIds.length; i++) {
      const id = unchecked(oldIds[i]);
      if (id != EMPTY) this.set(id, changetype<Context>(unchecked(oldValues[i])));
    }
  }
}
