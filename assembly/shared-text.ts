// Text in shared data: a string stored as UTF-8, read back as a string.
import { getSharedData, setSharedData } from "./shared-data";
import { Status } from "./types";

export class SharedTextValue {
  constructor(
    /** Ok, or NotFound when the key has no value. */
    public readonly status: Status,
    /** The value decoded as UTF-8; "" unless status is Ok. */
    public readonly text: string,
    /** Pass to `setSharedText` to write only if nobody wrote in between. */
    public readonly cas: u32,
  ) {}
}

/** Reads `key` as UTF-8 text (decoded as leniently as header values: bad bytes never trap). */
export function getSharedText(key: string): SharedTextValue {
  const current = getSharedData(key);
  if (current.status != Status.Ok) return new SharedTextValue(current.status, "", 0);
  return new SharedTextValue(Status.Ok, String.UTF8.decode(<ArrayBuffer>current.value), current.cas);
}

/** Writes `text` to `key` as UTF-8; `cas` as in `setSharedData`. */
export function setSharedText(key: string, text: string, cas: u32 = 0): Status {
  return setSharedData(key, String.UTF8.encode(text), cas);
}
