// Work the proxy runs after the VM call that caused it (stream resumes, queue notifications,
// proxy_done, local replies), as Envoy posts it to run once the filter callback has returned.

export class DeferredWork {
  private busy = 0;
  private tasks: (() => void)[] = [];

  /**
   * Runs fn as one host operation; work scheduled meanwhile runs after it, in order. When fn
   * throws (a trap), the work it scheduled is dropped: Envoy never runs it on a failed VM.
   */
  drive<T>(fn: () => T): T {
    this.busy++;
    let r: T;
    try {
      r = fn();
    } catch (e) {
      if (this.busy === 1) this.tasks = [];
      this.busy--;
      throw e;
    }
    if (this.busy === 1) {
      try {
        while (this.tasks.length) this.tasks.shift()!();
      } catch (e) {
        this.tasks = [];
        this.busy--;
        throw e;
      }
    }
    this.busy--;
    return r;
  }

  /** Runs task after the current host operation, or now (as one) when none is running. */
  schedule(task: () => void): void {
    if (this.busy === 0) this.drive(task);
    else this.tasks.push(task);
  }
}
