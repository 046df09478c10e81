// Shared key-value store and shared queues, as cpp-host keeps them: process-wide (one Host),
// namespaced by VM id, so VMs loaded with the same vmId (Envoy's per-worker clones) share.
import { Status } from "../wasm/abi.js";
import { type BytesLike, text, toBytes } from "../wasm/bytes.js";

export interface SharedValue {
  value: Uint8Array;
  text: string;
  cas: number;
}

export class SharedData {
  private readonly spaces = new Map<string, Map<string, { value: Uint8Array; cas: number }>>();
  private cas = 1;

  private nextCas(): number {
    const c = this.cas++;
    if (this.cas > 0xffffffff) this.cas = 1; // 0 means "no CAS" on the wire
    return c;
  }

  get(key: string, vmId = ""): SharedValue | undefined {
    const e = this.spaces.get(vmId)?.get(key);
    return e && { value: e.value.slice(), text: text(e.value), cas: e.cas };
  }

  /** cas 0 writes unconditionally; otherwise it must match the stored CAS (a missing key accepts any). */
  set(key: string, value: BytesLike, opts: { vmId?: string; cas?: number } = {}): number {
    const vmId = opts.vmId ?? "";
    let space = this.spaces.get(vmId);
    if (!space) {
      space = new Map();
      this.spaces.set(vmId, space);
    }
    const cur = space.get(key);
    if (cur && opts.cas && opts.cas !== cur.cas) return Status.CAS_MISMATCH;
    space.set(key, { value: toBytes(value).slice(), cas: this.nextCas() });
    return Status.OK;
  }

  keys(vmId = ""): string[] {
    return [...(this.spaces.get(vmId)?.keys() ?? [])];
  }
}

export interface QueueOwner {
  /** Delivers proxy_on_queue_ready to the plugin context that registered the queue. */
  ready(token: number): void;
}

interface Queue {
  token: number;
  vmId: string;
  name: string;
  items: Uint8Array[];
  owner: QueueOwner;
}

export interface QueueView {
  token: number;
  items: Uint8Array[];
  texts: string[];
}

export class SharedQueues {
  private readonly byKey = new Map<string, Queue>();
  private readonly byToken = new Map<number, Queue>();
  private next = 1;

  constructor(private readonly schedule: (task: () => void) => void) {}

  /**
   * proxy_register_shared_queue. Registering a name again keeps the token and the items but hands
   * the queue to the newest registrant, which receives proxy_on_queue_ready from then on
   * (cpp-host's SharedQueue::registerQueue overwrites the queue's context id).
   */
  register(vmId: string, name: string, owner: QueueOwner): number {
    const key = `${vmId}\0${name}`;
    const q = this.byKey.get(key);
    if (q) {
      q.owner = owner;
      return q.token;
    }
    const token = this.next++;
    const nq: Queue = { token, vmId, name, items: [], owner };
    this.byKey.set(key, nq);
    this.byToken.set(token, nq);
    return token;
  }

  resolve(vmId: string, name: string): number | undefined {
    return this.byKey.get(`${vmId}\0${name}`)?.token;
  }

  enqueueToken(token: number, data: Uint8Array): number {
    const q = this.byToken.get(token);
    if (!q) return Status.NOT_FOUND;
    q.items.push(data.slice());
    // Envoy posts the notification to the owner's thread: it runs after the current callback.
    this.schedule(() => q.owner.ready(token));
    return Status.OK;
  }

  dequeueToken(token: number): { status: number; data?: Uint8Array } {
    const q = this.byToken.get(token);
    if (!q) return { status: Status.NOT_FOUND };
    const data = q.items.shift();
    return data ? { status: Status.OK, data } : { status: Status.EMPTY };
  }

  /** Test API: enqueue onto a registered queue by name; returns a proxy_status_t. */
  enqueue(name: string, data: BytesLike, vmId = ""): number {
    const token = this.resolve(vmId, name);
    return token === undefined ? Status.NOT_FOUND : this.enqueueToken(token, toBytes(data));
  }

  /** Test API: take the oldest item, or undefined when the queue is missing or empty. */
  dequeue(name: string, vmId = ""): Uint8Array | undefined {
    const token = this.resolve(vmId, name);
    return token === undefined ? undefined : this.dequeueToken(token).data;
  }

  /** Test API: the queue's token and pending items, without consuming them. */
  inspect(name: string, vmId = ""): QueueView | undefined {
    const q = this.byKey.get(`${vmId}\0${name}`);
    return q && { token: q.token, items: q.items.map((i) => i.slice()), texts: q.items.map(text) };
  }
}
