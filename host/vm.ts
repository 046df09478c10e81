// One loaded module (a Wasm VM): linking, _initialize, the context table, and the single
// entry point through which every callback runs (current/effective context, trap capture).
import { readFile } from "node:fs/promises";
import { expectedSignature, signatureOf } from "./abi-table.js";
import { type BytesLike, toBytes } from "./bytes.js";
import type { Context } from "./context.js";
import { WasmTrapError } from "./errors.js";
import type { Host } from "./host.js";
import { buildImports } from "./imports.js";
import { instrumentLoops, LoopBudget } from "./loop-limit.js";
import { WasmMemory } from "./memory.js";
import { Plugin, type PluginOptions } from "./plugin.js";
import { describeSourceStack, rememberModule } from "./source-map.js";
import { capMemory } from "./wasm-binary.js";
import { readWasm } from "./wasm-reader.js";

export interface LoadOptions {
  /** Envoy's vm_id: VMs with the same id share shared data and queues. Default "". */
  vmId?: string;
  /** Read by the module with VM_CONFIGURATION (proxy_on_vm_start's size). */
  vmConfiguration?: BytesLike;
}

export type ModuleSource = Uint8Array | ArrayBuffer | string;

/** Checks the module's imports against the host's: every problem is listed in one error. */
function checkImports(bytes: Uint8Array): void {
  const problems: string[] = [];
  for (const imp of readWasm(bytes).imports) {
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

export class Vm {
  readonly vmId: string;
  readonly vmConfiguration: Uint8Array;
  readonly contexts = new Map<number, Context>();
  readonly plugins: Plugin[] = [];
  memory!: WasmMemory;
  private moduleExports!: WebAssembly.Exports;
  private rawMemory!: WebAssembly.Memory;
  private nextContextId = 1;
  /** The context whose callback is running, and the one proxy_set_effective_context chose. */
  current: Context | null = null;
  effective: Context | null = null;
  /** True while _initialize/_start/main run: only proxy_log and WASI are allowed then. */
  initializing = false;
  /** Set when the host bounds callbacks (HostOptions.loopLimit). */
  loopBudget: LoopBudget | null = null;
  /** Set once a callback trapped; Envoy stops calling a failed VM. */
  failure: Error | null = null;
  /** Last CRITICAL / ERROR line logged in the running callback (the abort message on a trap). */
  callCritical: string | undefined;
  callError: string | undefined;

  private constructor(
    readonly host: Host,
    opts: LoadOptions,
  ) {
    this.vmId = opts.vmId ?? "";
    this.vmConfiguration = toBytes(opts.vmConfiguration).slice();
  }

  static async load(host: Host, source: ModuleSource, opts: LoadOptions, maxPages: number): Promise<Vm> {
    let bytes =
      typeof source === "string" ? new Uint8Array(await readFile(source)) : source instanceof Uint8Array ? source : new Uint8Array(source);
    checkImports(bytes);
    bytes = capMemory(bytes, maxPages);
    if (host.loopLimit !== undefined) bytes = await instrumentLoops(bytes);
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const vm = new Vm(host, opts);
    rememberModule(vm, source, bytes); // for traps to name the TypeScript line (source-map.ts)
    if (host.loopLimit !== undefined) vm.loopBudget = new LoopBudget(host.loopLimit);
    const instance = await WebAssembly.instantiate(module, buildImports(vm));
    vm.attach(instance);
    vm.initialize();
    return vm;
  }

  private attach(instance: WebAssembly.Instance): void {
    const ex = instance.exports;
    if (typeof ex.proxy_abi_version_0_2_1 !== "function") {
      throw new Error("Failed to load Wasm module: it does not export proxy_abi_version_0_2_1 (ABI v0.2.1 marker)");
    }
    if (!(ex.memory instanceof WebAssembly.Memory)) throw new Error("Failed to load Wasm module: no exported memory named \"memory\"");
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
          throw new WasmTrapError({ callback: name, contextId: 0, args, cause: e, abortMessage: this.callCritical ?? this.callError, vmId: this.vmId, sourceStack: describeSourceStack(this, e) });
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
  ctx(): Context {
    const eff = this.effective;
    if (eff && this.contexts.has(eff.id)) return eff;
    if (!this.current) throw new Error("host function called outside any callback");
    return this.current;
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
  call(name: string, ctx: Context, ...args: number[]): number | undefined {
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
      const err = new WasmTrapError({ callback: name, contextId: ctx.id, args, cause: e, abortMessage: this.callCritical ?? this.callError, vmId: this.vmId, sourceStack: describeSourceStack(this, e) });
      this.failure = err;
      throw err;
    } finally {
      [this.current, this.effective, this.callCritical, this.callError] = saved;
    }
  }

  /**
   * Creates a plugin (root) context as Envoy does: proxy_on_context_create(id, 0),
   * proxy_on_vm_start, then proxy_on_configure; a false from either still gets on_done/on_delete.
   */
  startPlugin(opts: PluginOptions = {}): Plugin {
    this.assertUsable();
    const p = new Plugin(this, opts);
    this.plugins.push(p);
    p.start();
    return p;
  }
}
