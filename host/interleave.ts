// Two workers at once: Envoy runs one VM per worker thread, so a read-modify-write of shared
// data in one can meet another worker's write between its read and its write, and its
// compare-and-swap then fails (CAS_MISMATCH). The emulator runs callbacks one at a time, so a
// test would never see that race. interleave() makes it happen: task 0 runs; when its VM is
// about to make one of the switch calls (by default proxy_set_shared_data: it has read, it has
// not written), the next task runs to its end on its own VM first, and so on down the list;
// then task 0 goes on, and its write meets the other's.
//
//   const [first, second] = host.interleave([
//     () => streamOnWorker1.requestHeaders(GET),   // reads the counter, then waits at its write
//     () => streamOnWorker2.requestHeaders(GET),   // reads and writes first
//   ]);

export interface InterleaveOptions {
  /** The host calls a task is stopped before, to let the next task run. Default proxy_set_shared_data. */
  switchBefore?: readonly string[];
}

/** What interleave needs of the Host: the call observer and a worker's own deferred work. */
export interface Workers {
  beforeHostCall: ((call: string, vm: object) => void) | null;
  asAnotherWorker<T>(fn: () => T): T;
}

const DEFAULT_SWITCH = ["proxy_set_shared_data"] as const;

/**
 * Runs the tasks as workers racing each other (see above) and returns their results in order.
 * Each task must drive streams of its own VM: a VM stopped at a switch cannot run another
 * task's callback (an Envoy worker runs one at a time too). A task that throws does not stop
 * the others; the first error is thrown once all have run.
 */
export function interleave<T>(workers: Workers, tasks: readonly (() => T)[], opts: InterleaveOptions = {}): T[] {
  const switchBefore = opts.switchBefore ?? DEFAULT_SWITCH;
  const results: T[] = new Array(tasks.length);
  const errors: unknown[] = [];
  const waiting: object[] = []; // VMs of the tasks stopped at a switch, outermost first
  let next = 1;
  const run = (i: number) => {
    try {
      results[i] = i === 0 ? tasks[i]() : workers.asAnotherWorker(tasks[i]);
    } catch (e) {
      errors.push(e);
    }
  };
  const outer = workers.beforeHostCall;
  workers.beforeHostCall = (call, vm) => {
    outer?.(call, vm);
    if (waiting.includes(vm)) {
      throw new Error(
        `interleave: task ${next - 1} called into a VM that an earlier task is stopped in; give each task a VM of its own (loadVm again, as Envoy runs one per worker)`,
      );
    }
    if (!switchBefore.includes(call) || next >= tasks.length) return;
    waiting.push(vm);
    try {
      run(next++);
    } finally {
      waiting.pop();
    }
  };
  try {
    run(0);
    while (next < tasks.length) run(next++); // tasks no switch reached run after, in order
  } finally {
    workers.beforeHostCall = outer;
  }
  if (errors.length) throw errors[0];
  return results;
}
