// Objects by 32-bit id (live contexts by context id, calls by token): a small open-addressing
// table. AssemblyScript's Map would do, but it costs about a kilobyte in every filter; this
// needs a fraction of that. Values are plain `Object`s so this layer knows nothing of contexts.

const EMPTY: u32 = 0; // marks a free slot; an entry for id 0 (a host may use it as a call token) lives apart

export class IdTable {
  // The ids are plain memory (the collector has nothing to see there); the values a managed
  // array, so the collector keeps them alive. Both made without StaticArray's constructor,
  // whose length check brings its error messages into every filter.
  private ids: usize = newIds(16);
  private values: StaticArray<Object | null> = newValues(16);
  private mask: i32 = 15; // capacity - 1, kept apart: reading an array's length is a call
  private count: i32 = 0;
  private zero: Object | null = null;

  get size(): i32 { return this.count + (this.zero === null ? 0 : 1); }

  // Slots are read and written through raw addresses: at the SDK's size-first optimization
  // level, `unchecked(array[i])` stays a function call, and this runs on every callback.
  @inline private idAt(i: i32): u32 { return load<u32>(this.ids + (<usize>i << 2)); }
  private valueAt(i: i32): usize { return load<usize>(changetype<usize>(this.values) + (<usize>i << 2)); }
  private put(i: i32, id: u32, value: usize): void {
    store<u32>(this.ids + (<usize>i << 2), id);
    store<usize>(changetype<usize>(this.values) + (<usize>i << 2), value);
  }

  /**
   * The slot of `id`, or of the empty slot where it would go. Hosts number contexts and calls
   * sequentially, so the id itself spreads them over the slots.
   */
  private slot(id: u32): i32 {
    const mask = this.mask;
    let i = <i32>id & mask;
    while (true) {
      const at = this.idAt(i);
      if (at == id || at == EMPTY) return i;
      i = (i + 1) & mask;
    }
  }

  get(id: u32): Object | null {
    if (id == EMPTY) return this.zero;
    return changetype<Object | null>(this.valueAt(this.slot(id)));
  }

  set(id: u32, value: Object): void {
    if (id == EMPTY) {
      this.zero = value;
      return;
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const i = this.slot(id);
    if (this.idAt(i) == EMPTY) this.count++;
    this.put(i, id, changetype<usize>(value));
  }

  /** Removes `id`; false when it was not there. */
  delete(id: u32): bool {
    return this.take(id) !== null;
  }

  /** Removes `id` and returns what it held (null when it was not there): one lookup, not two. */
  take(id: u32): Object | null {
    if (id == EMPTY) {
      const had = this.zero;
      this.zero = null;
      return had;
    }
    const mask = this.mask;
    let i = this.slot(id);
    if (this.idAt(i) == EMPTY) return null;
    const value = changetype<Object>(this.valueAt(i));
    this.count--;
    // Backward-shift deletion: move later members of the probe run up, so lookups never
    // stop early at a hole.
    let next = (i + 1) & mask;
    while (true) {
      const nextId = this.idAt(next);
      if (nextId == EMPTY) break;
      const home = <i32>nextId & mask;
      if (((next - home) & mask) >= ((next - i) & mask)) {
        this.put(i, nextId, this.valueAt(next));
        i = next;
      }
      next = (next + 1) & mask;
    }
    this.put(i, EMPTY, 0);
    return value;
  }

  /** Removes every entry whose value is `value`. */
  deleteValue(value: Object): void {
    if (this.zero === value) this.zero = null;
    for (let i = 0; i <= this.mask; ) {
      // A deletion shifts later entries into slot i: look at it again before moving on.
      if (this.valueAt(i) == changetype<usize>(value)) this.delete(this.idAt(i));
      else i++;
    }
  }

  private grow(): void {
    const oldIds = this.ids;
    const oldValues = this.values;
    const oldCapacity = this.mask + 1;
    const capacity = oldCapacity << 1;
    this.ids = newIds(capacity);
    this.values = newValues(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldCapacity; i++) {
      const id = load<u32>(oldIds + (<usize>i << 2));
      if (id != EMPTY) this.set(id, changetype<Object>(load<usize>(changetype<usize>(oldValues) + (<usize>i << 2))));
    }
    heap.free(oldIds);
  }
}

/** `capacity` empty id slots. */
function newIds(capacity: i32): usize {
  const ids = heap.alloc(<usize>capacity << 2);
  memory.fill(ids, 0, <usize>capacity << 2);
  return ids;
}

/** `capacity` null value slots. */
function newValues(capacity: i32): StaticArray<Object | null> {
  const values = __new(<usize>capacity << 2, idof<StaticArray<Object | null>>());
  memory.fill(values, 0, <usize>capacity << 2);
  return changetype<StaticArray<Object | null>>(values);
}
