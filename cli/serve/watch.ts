// `serve --watch`: rebuilds the filter when its sources change, with asc and the project's own
// asconfig.json (the one above the served .wasm whose target writes it), and hands the new
// module to the runtime, which serves new streams with it while the listener stays open. A
// failed build is printed and changes nothing: the last good filter keeps serving.
import { EventEmitter } from "node:events";
import { existsSync, type FSWatcher, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Io } from "../io.js";
import { UsageError } from "../options.js";
import { readWasmFile } from "../read-file.js";
import { describeError, type FilterRuntime, stamp } from "./filter.js";

export interface WatchProject {
  dir: string;
  config: string;
  target: string;
  entries: string[];
  /** Given when the build names its output itself (`asc ... --outFile build/NAME.wasm`). */
  outFile?: string;
}

interface AsConfig {
  entries?: string[];
  targets?: Record<string, { outFile?: string }>;
}

interface AscCommand {
  entries: string[];
  config?: string;
  target?: string;
  outFile?: string;
}

/** The asc commands of the project's package.json scripts (`asc ENTRY --config C --target T --outFile O`). */
function ascCommands(dir: string): AscCommand[] {
  let scripts: Record<string, string> = {};
  try {
    scripts =
      (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ??
      {};
  } catch {
    return [];
  }
  const out: AscCommand[] = [];
  for (const script of Object.values(scripts)) {
    for (const part of String(script).split(/&&|;/)) {
      const words = part.trim().split(/\s+/);
      const at = words[0] === "npx" ? 1 : 0;
      if (words[at] !== "asc") continue;
      const cmd: AscCommand = { entries: [] };
      for (let i = at + 1; i < words.length; i++) {
        const w = words[i];
        if (w === "--config") cmd.config = words[++i];
        else if (w === "--target") cmd.target = words[++i];
        else if (w === "--outFile" || w === "-o") cmd.outFile = words[++i];
        else if (w.startsWith("-")) continue;
        else if (w.endsWith(".ts")) cmd.entries.push(w);
      }
      out.push(cmd);
    }
  }
  return out;
}

/**
 * The build that writes `file`: the nearest asconfig.json above it, and either the package.json
 * script whose asc command writes it (several filters in one project) or the asconfig target
 * whose outFile it is.
 */
export function findProject(file: string): WatchProject {
  const wasm = resolve(file);
  for (let dir = dirname(wasm), i = 0; i < 6; dir = dirname(dir), i++) {
    const config = join(dir, "asconfig.json");
    if (!existsSync(config)) {
      if (dirname(dir) === dir) break;
      continue;
    }
    let parsed: AsConfig;
    try {
      parsed = JSON.parse(readFileSync(config, "utf8")) as AsConfig;
    } catch (e) {
      throw new UsageError(`--watch: ${config} is not valid JSON: ${(e as Error).message}`);
    }
    const targets = Object.entries(parsed.targets ?? {});
    const targetWriting = targets.find(([, t]) => t.outFile && resolve(dir, t.outFile) === wasm)?.[0];
    const commands = ascCommands(dir);
    const own = commands.find((c) => c.outFile && resolve(dir, c.outFile) === wasm);
    if (own?.entries.length) {
      return {
        dir,
        config: resolve(dir, own.config ?? "asconfig.json"),
        target: own.target ?? "release",
        entries: own.entries,
        outFile: own.outFile,
      };
    }
    // The layout "proxy-wasm-as build" builds: assembly/NAME/index.ts → build/NAME.wasm.
    const byLayout = /^build\/([^/]+)\.wasm$/.exec(relative(dir, wasm).replace(/\\/g, "/"))?.[1];
    if (!targetWriting && byLayout && existsSync(join(dir, "assembly", byLayout, "index.ts"))) {
      const outFile = `build/${byLayout}.wasm`;
      return { dir, config, target: "release", entries: [`assembly/${byLayout}/index.ts`], outFile };
    }
    if (!targetWriting)
      throw new UsageError(
        `--watch: neither a target of ${config} nor an asc command of package.json writes ${relative(dir, wasm)}`,
      );
    const viaTarget = commands.find((c) => !c.outFile && (c.target ?? "release") === targetWriting && c.entries.length);
    const entries =
      viaTarget?.entries ??
      (parsed.entries?.length
        ? parsed.entries
        : existsSync(join(dir, "assembly", "index.ts"))
          ? ["assembly/index.ts"]
          : []);
    if (entries.length === 0)
      throw new UsageError(`--watch: ${config} lists no entries and there is no assembly/index.ts`);
    return { dir, config, target: targetWriting, entries };
  }
  throw new UsageError(
    `--watch: no asconfig.json in the folders above ${file}: --watch rebuilds with the project's asconfig.json`,
  );
}

/** Emits "building", "built" (bytes) and "failed" (message), for the log and for tests. */
export class Watcher extends EventEmitter {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private building = false;
  private again = false;
  private closed = false;

  constructor(
    readonly project: WatchProject,
    private readonly file: string,
    private readonly rt: FilterRuntime,
    private readonly io: Io,
  ) {
    super();
  }

  /**
   * Watches the entries' top folders (assembly/: shared code counts too) and asconfig.json.
   * Each folder gets its own watcher: a folder's watch survives an editor replacing a file
   * (write to a temporary, rename over), which a watch on the file itself would not.
   */
  start(): void {
    const top = (entry: string) => {
      const first = relative(this.project.dir, resolve(this.project.dir, entry)).split(/[\\/]/)[0];
      return first.endsWith(".ts") ? this.project.dir : join(this.project.dir, first);
    };
    for (const dir of new Set(this.project.entries.map(top))) this.watchTree(dir);
    this.watchers.push(
      watch(
        dirname(this.project.config),
        (_, name) => name === basename(this.project.config) && this.changed(this.project.config),
      ),
    );
  }

  private readonly watched = new Set<string>();

  private watchTree(dir: string): void {
    if (this.watched.has(dir) || this.closed) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    this.watched.add(dir);
    this.watchers.push(
      watch(dir, (_, name) => {
        if (!name) return;
        const path = join(dir, name);
        if (!name.includes(".") && existsSync(path) && statSync(path).isDirectory()) this.watchTree(path);
        this.changed(path);
      }),
    );
    for (const name of names) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const path = join(dir, name);
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) this.watchTree(path);
    }
  }

  private changed(path: string): void {
    if (this.closed || !/\.(ts|json)$/.test(path)) return;
    // Editors write a file in several steps: build once they are done.
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.rebuild(relative(this.project.dir, path)), 100);
  }

  async rebuild(why: string): Promise<void> {
    if (this.building) {
      this.again = true;
      return;
    }
    this.building = true;
    this.emit("building");
    this.io.out(`${stamp()} [serve] ${why} changed: rebuilding ${relative(this.project.dir, this.file)}\n`);
    const started = Date.now();
    try {
      const errors = await this.compile();
      if (this.closed) return;
      if (errors) {
        this.io.err(`${stamp()} [serve] the build failed; the last good filter keeps serving:\n${errors}\n`);
        this.emit("failed", errors);
        return;
      }
      const wasm = await readWasmFile(this.file);
      await this.rt.swap(wasm);
      this.io.out(
        `${stamp()} [serve] rebuilt (${wasm.length} bytes, ${Date.now() - started} ms): new streams use it, the listener stayed open\n`,
      );
      this.emit("built", wasm);
    } catch (e) {
      const message = describeError(e);
      this.io.err(`${stamp()} [serve] the new build could not start; the last good filter keeps serving: ${message}\n`);
      this.emit("failed", message);
    } finally {
      this.building = false;
      if (this.again && !this.closed) {
        this.again = false;
        void this.rebuild("a source");
      }
    }
  }

  /** Runs asc as `npx asc ENTRIES --config asconfig.json --target T` would, in this process; "" when it built. */
  private async compile(): Promise<string> {
    const asc = (await import("assemblyscript/asc")).default;
    const p = this.project;
    const args = [
      ...p.entries,
      "--baseDir",
      p.dir,
      "--config",
      relative(p.dir, p.config),
      "--target",
      p.target,
      ...(p.outFile ? ["--outFile", p.outFile] : []),
    ];
    const { error, stderr } = await asc.main(args, {
      stdout: { write: () => true } as never,
    });
    if (!error) return "";
    const text = stderr
      .toString()
      .split("\n")
      .filter((l) => !l.includes("Last converge"))
      .join("\n")
      .trim();
    return text || error.message;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
  }
}
