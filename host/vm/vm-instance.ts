// One loaded module (a Wasm VM) below its contexts: linking, _initialize, the context table,
// and the single entry point through which every callback runs (current/effective context,
// trap capture). The public Vm (vm.ts) adds plugin contexts on top.
import type { AbiContext, AbiVm } from "./abi-context.js";
import { expectedSignature, signatureOf } from "../wasm/abi-table.js";
import { type BytesLike, toBytes } from "../wasm/bytes.js";
import { WasmTrapError } from "../wasm/errors.js";
import { buildImports } from "./imports.js";
import { instrumentLoops, LOOP_IMPORT, LoopBudget } from "../wasm/loop-limit.js";
import { WasmMemory } from "../wasm/memory.js";
import { readModule } from "../wasm/module-size.js";
import type { ProxyState } from "../state/proxy-state.js";
import { describeSourceStack, rememberModule } from "../wasm/source-map.js";
import { compilableModule } from "../wasm/wasm-binary.js";
import { readWasm } from "../wasm/wasm-reader.js";

export interface LoadOptions {
  /** Envoy's vm_id: VMs with the same id share shared data and queues. Default "". */
  vmId?: string;
  /** Read by the module with VM_CONFIGURATION (proxy_on_vm_start's size). */
  vmConfiguration?: BytesLike;
}

export type ModuleSource = Uint8Array | ArrayBuffer | string;

/** What the Host bounds a module by: its size, its memory, and (when set) each callback's loop iterations. */
export interface VmLimits {
  maxModuleBytes: number;
  maxPages: number;
  loopLimit?: number;
}

/** Checks the module's imports against the host's: every problem is listed in one error. */
function checkImports(bytes: Uint8Array, loopLimit: boolean): void {
  const problems: string[] = [];
  for (const imp of readWasm(bytes).imports) {
    // A module instrumented for the loop limit beforehand (serve): the host provides it.
    if (loopLimit && imp.module === "env" && imp.name === LOOP_IMPORT) continue;
    const sig = expectedSignature(imp.module, imp.name);
    const what = `${imp.module}.${imp.name}`;
    if (!sig || imp.kind !== "func") {
      problems.push(`${what} (${imp.kind}) is not provided by the host`);
      continue;
    }
    const want = signatureOf(sig);
    const got = imp.type;
    if (got && (got.params.join() !== want.params.join() || got.results.join() !== want.results.join())) {
      problems.push(
        `${what} has signature (${got.params.join(", ")}) -> (${got.results.join(", ")}), the host's is (${want.params.join(", ")}) -> (${want.results.join(", ")})`,
      );
    }
  }
  if (problems.length) throw new Error(`Failed to load Wasm module: missing imports:\n  ${problems.join("\n  ")}`);
}

export class VmInstance implements AbiVm {
  readonly vmId: string;
  readonly vmConfiguration: Uint8Array;
  readonly contexts = new Map<number, AbiContext>();
  memory!: WasmMemory;
  private moduleExports!: WebAssembly.Exports;
  private rawMemory!: WebAssembly.Memory;
  private nextContextId = 1;
  /** The context whose callback is running, and the one proxy_set_effective_context chose. */
  current: AbiContext | null = null;
  effective: AbiContext | null = null;
  /** True while _initialize/_start/main run: only proxy_log and WASI are allowed then. */
  initializing = false;
  /** Set when the host bounds callbacks (HostOptions.loopLimit). */
  loopBudget: LoopBudget | null = null;
  /** Set once a callback trapped; Envoy stops calling a failed VM. */
  failure: Error | null = null;
  /** Last CRITICAL / ERROR line logged in the running callback (the abort message on a trap). */
  callCritical: string | undefined;
  callError: string | undefined;

  protected constructor(
    /** The proxy-wide state (the Host) this VM shares with the others loaded into it. */
    readonly host: ProxyState,
    opts: LoadOptions,
  ) {
    this.vmId = opts.vmId ?? "";
    this.vmConfiguration = toBytes(opts.vmConfiguration).slice();
  }

  /** Compiles and links the module (bytes or a file path), then runs _initialize (then main) or _start. */
  protected async link(source: ModuleSource, limits: VmLimits): Promise<void> {
    const original = await readModule(source, limits.maxModuleBytes);
    checkImports(original, limits.loopLimit !== undefined);
    let bytes = compilableModule(original, limits.maxPages);
    if (limits.loopLimit !== undefined) bytes = await instrumentLoops(bytes);
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    rememberModule(this, source, original, bytes); // for traps to name the TypeScript line (source-map.ts)
    if (limits.loopLimit !== undefined) this.loopBudget = new LoopBudget(limits.loopLimit);
    const instance = await WebAssembly.instantiate(module, buildImports(this));
    this.attach(instance);
    this.initialize();
  }

  private attach(instance: WebAssembly.Instance): void {
    const ex = instance.exports;
    if (typeof ex.proxy_abi_version_0_2_1 !== "function") {
      throw new Error("Failed to load Wasm module: it does not export proxy_abi_version_0_2_1 (ABI v0.2.1 marker)");
    }
    if (!(ex.memory instanceof WebAssembly.Memory))
      throw new Error('Failed to load Wasm module: no exported memory named "memory"');
    // cpp-host looks up malloc first and falls back to proxy_on_memory_allocate.
    const alloc = (ex.malloc ?? ex.proxy_on_memory_allocate) as ((n: number) => number) | undefined;
    if (typeof alloc !== "function") {
      throw new Error("Failed to load Wasm module: it exports neither malloc nor proxy_on_memory_allocate");
    }
    this.moduleExports = ex;
    this.rawMemory = ex.memory;
    this.memory = new WasmMemory(ex.memory, (n) => alloc(n));
  }

  private initialize(): void {
    const ex = this.moduleExports as Record<string, (...a: number[]) => unknown>;
    const steps: [string, number[]][] =
      typeof ex._initialize === "function"
        ? [["_initialize", []], ...(typeof ex.main === "function" ? [["main", [0, 0]] as [string, number[]]] : [])]
        : typeof ex._start === "function"
          ? [["_start", []]]
          : [];
    this.initializing = true;
    this.loopBudget?.reset();
    try {
      for (const [name, args] of steps) {
        try {
          ex[name](...args);
        } catch (e) {
          throw new WasmTrapError({
            callback: name,
            contextId: 0,
            args,
            cause: e,
            abortMessage: this.callCritical ?? this.callError,
            vmId: this.vmId,
            sourceStack: describeSourceStack(this, e),
          });
        }
      }
    } finally {
      this.initializing = false;
      this.callCritical = this.callError = undefined;
    }
  }

  /** The module's raw exports (escape hatch for hand-written test modules). */
  get exports(): WebAssembly.Exports {
    return this.moduleExports;
  }

  /** Linear memory size in bytes (grows, never shrinks): watch it for leaks across many streams. */
  get memoryBytes(): number {
    return this.rawMemory.buffer.byteLength;
  }

  allocContextId(): number {
    return this.nextContextId++;
  }

  /** The context host functions act on: the effective one if set (and still alive), else the current. */
  ctx(): AbiContext {
    const eff = this.effective;
    if (eff && this.contexts.has(eff.id)) return eff;
    if (!this.current) throw new Error("host function called outside any callback");
    return this.current;
  }

  /** The id of the context host functions act on, or 0 outside any callback. */
  contextId(): number {
    return this.current ? this.ctx().id : 0;
  }

  /** A filter's log line: kept as the abort message of a trap, and logged by the proxy. */
  log(level: number, message: string): void {
    if (level === 5) this.callCritical = message;
    else if (level === 4) this.callError = message;
    this.host.log(level, message, this.vmId, this.contextId());
  }

  has(name: string): boolean {
    return typeof this.moduleExports[name] === "function";
  }

  assertUsable(): void {
    if (this.failure) {
      throw new Error(`VM "${this.vmId}" failed earlier and Envoy no longer calls it: ${this.failure.message}`);
    }
  }

  /** Runs one exported callback with ctx as the current context; undefined when not exported. */
  call(name: string, ctx: AbiContext, ...args: number[]): number | undefined {
    this.assertUsable();
    const fn = this.moduleExports[name];
    if (typeof fn !== "function") return undefined;
    const saved = [this.current, this.effective, this.callCritical, this.callError] as const;
    if (!saved[0]) this.loopBudget?.reset(); // a new callback from the host, not a nested one
    this.current = ctx;
    this.effective = null;
    this.callCritical = this.callError = undefined;
    try {
      const r = (fn as (...a: number[]) => unknown)(...args);
      return typeof r === "number" ? r >>> 0 : undefined;
    } catch (e) {
      if (e instanceof WasmTrapError) throw e;
      const err = new WasmTrapError({
        callback: name,
        contextId: ctx.id,
        args,
        cause: e,
        abortMessage: this.callCritical ?? this.callError,
        vmId: this.vmId,
        sourceStack: describeSourceStack(this, e),
      });
      this.failure = err;
      throw err;
    } finally {
      [this.current, this.effective, this.callCritical, this.callError] = saved;
    }
  }
}
