// Shared queues: one plugin context registers a queue by name and is told through
// `onQueueReady` when items arrive; any VM resolves it by name and enqueues.
import {
  proxy_dequeue_shared_queue, proxy_enqueue_shared_queue, proxy_register_shared_queue, proxy_resolve_shared_queue,
} from "./abi/imports";
import { checkHostStatus } from "./runtime/host-error";
import {
  clearResult, RESULT_PTR, RESULT_SIZE, scratchFirstLength, scratchLength, scratchPut, scratchPutTwo, scratchReserve, scratchSecond,
  takeResultBuffer,
} from "./runtime/memory";
import { Status } from "./types";

/** A queue id with the host's status; `id` is meaningful only when status is Ok. */
export class QueueResult {
  constructor(public readonly status: Status, public readonly id: u32) {}
}

/** Registers (or re-registers) the queue `name`; the calling plugin context receives onQueueReady. */
export function registerSharedQueue(name: string): QueueResult {
  scratchReserve(<usize>name.length);
  const namePtr = scratchPut(name);
  store<u32>(RESULT_PTR, 0);
  const status = <Status>checkHostStatus("register shared queue", proxy_register_shared_queue(namePtr, scratchLength, RESULT_PTR));
  return new QueueResult(status, load<u32>(RESULT_PTR));
}

/** Finds the queue `name` registered by VM `vmId` ("" for this VM); NotFound when none. */
export function resolveSharedQueue(vmId: string, name: string): QueueResult {
  const vmIdPtr = scratchPutTwo(vmId, name);
  store<u32>(RESULT_PTR, 0);
  const status = <Status>checkHostStatus("resolve shared queue",
    proxy_resolve_shared_queue(vmIdPtr, scratchFirstLength, scratchSecond, scratchLength, RESULT_PTR));
  return new QueueResult(status, load<u32>(RESULT_PTR));
}

export function enqueueSharedQueue(queueId: u32, value: ArrayBuffer): Status {
  return <Status>checkHostStatus("enqueue shared queue",
    proxy_enqueue_shared_queue(queueId, changetype<usize>(value), <usize>value.byteLength));
}

/** A dequeued item: status Ok with its value, Empty when the queue is empty, NotFound when unknown. */
export class QueueItem {
  constructor(public readonly status: Status, public readonly value: ArrayBuffer | null) {}
}

export function dequeueSharedQueue(queueId: u32): QueueItem {
  clearResult();
  const status = <Status>checkHostStatus("dequeue shared queue", proxy_dequeue_shared_queue(queueId, RESULT_PTR, RESULT_SIZE));
  return new QueueItem(status, status == Status.Ok ? takeResultBuffer() : null);
}
