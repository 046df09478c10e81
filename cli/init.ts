// `proxy-wasm-as init NAME [--template EXAMPLE]`: a new filter project made from one of the
// examples shipped in this package (examples/NAME): filter source, tests, asconfig.json that
// extends the SDK's, envoy.yaml, the WasmPlugin manifest, the Dockerfile and a README, with a
// package.json that depends on the same proxy-wasm-as as the one running (registry version,
// tarball, folder or git URL: see sdk-source.ts). `init --add NAME` adds a filter to an existing
// project instead (add-filter.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { addFilter, PROJECT_BUILD } from "./add-filter.js";
import type { Io } from "./io.js";
import { one, parseOptions, UsageError } from "./options.js";
import { sdkSource } from "./sdk-source.js";

export const DEFAULT_TEMPLATE = "http-headers";

/** What is never copied from an example: build output, installs, lock files, test reports. */
const SKIP = new Set(["build", "node_modules", "package-lock.json", ".vitest-results.json", ".npmignore"]);
/** Files where the example's name is replaced by the project's. */
const RENAME_IN = new Set(["README.md", "envoy.yaml", "wasmplugin.yaml", "Dockerfile"]);

/** The root of the running proxy-wasm-as package (works from cli/ in the repo and dist/cli/ when installed). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "proxy-wasm-as") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the proxy-wasm-as package root");
    dir = up;
  }
}

export function templates(root = packageRoot()): string[] {
  const dir = join(root, "examples");
  if (!existsSync(dir)) return [];
  return readdirSyncSafe(dir)
    .filter((name) => ["package.json", "asconfig.json", "assembly"].every((f) => existsSync(join(dir, name, f))))
    .sort();
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Joins names with ", " into lines of at most `width` characters. */
function wrap(names: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const [i, n] of names.entries()) {
    const piece = n + (i < names.length - 1 ? "," : "");
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  return lines;
}

function usage(root: string): string {
  const list = templates(root);
  return `Usage: proxy-wasm-as init NAME [--template EXAMPLE]
       proxy-wasm-as init --add NAME [--template EXAMPLE] [--project DIR]

Creates the folder NAME with a ready filter project copied from one of the SDK's examples:
assembly/index.ts (the filter), test/filter.test.ts (its tests in the host emulator),
asconfig.json (extends the SDK's), envoy.yaml, wasmplugin.yaml (Istio), Dockerfile, README.md
and a package.json depending on proxy-wasm-as. Then:

  cd NAME && npm install && npm run build && npm test

Refuses to write into a folder that is not empty. Also: npm create proxy-wasm-as NAME.

With --add, adds the filter NAME to the project in DIR (default: this folder) instead: its
source in assembly/NAME/, its tests in test/NAME.test.ts, and a build:NAME script that writes
build/NAME.wasm, which "npm run build" then runs too. Several filters share the project's
asconfig.json and dependencies.

Options:
  --template EXAMPLE  the example to start from (default ${DEFAULT_TEMPLATE}); one of:
                      ${list.length ? wrap(list, 58).join("\n                      ") : "(none shipped)"}
  --sdk SPEC          the proxy-wasm-as dependency written to package.json (default: the
                      source this proxy-wasm-as came from: ^VERSION from the registry, else
                      the tarball, folder or git URL it was installed from)
  --add               add a filter to an existing project (see above)
  --project DIR       with --add: the project's folder (default .)
  --help              print this help

Exit status: 0 created, 1 could not create (folder not empty, cannot write), 2 bad usage
(bad NAME, unknown template). With --add, 1 also when DIR is not a project or NAME is taken.
`;
}

async function copyTemplate(
  from: string,
  to: string,
  rename: (text: string) => string,
  created: string[],
  top: string,
): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of (await readdir(from, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue;
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) await copyTemplate(src, dst, rename, created, top);
    else if (entry.isFile()) {
      if (RENAME_IN.has(entry.name) && from === top) await writeFile(dst, rename(await readFile(src, "utf8")));
      else await copyFile(src, dst);
      created.push(relative(top, src));
    }
  }
}

export async function init(args: string[], io: Io): Promise<number> {
  const root = packageRoot();
  let target: string, name: string, template: string, sdk: string, version: string, sdkFrom: string;
  try {
    const p = parseOptions(args, {
      template: { value: true, short: "t" },
      sdk: { value: true },
      add: {},
      project: { value: true },
      help: { short: "h" },
    });
    if (p.flags.has("help")) {
      io.out(usage(root));
      return 0;
    }
    const adding = p.flags.has("add");
    if (!adding && one(p, "project") !== undefined) throw new UsageError("--project goes with --add");
    if (adding && one(p, "sdk") !== undefined)
      throw new UsageError("--sdk does not go with --add (the project already depends on proxy-wasm-as)");
    const what = adding ? "filter NAME" : "project NAME";
    if (p.positionals.length !== 1)
      throw new UsageError(
        p.positionals.length
          ? `one NAME only, got ${p.positionals.join(" ")}`
          : `no ${what} given (init ${adding ? "--add " : ""}NAME)`,
      );
    target = resolve(p.positionals[0]);
    name = adding ? p.positionals[0] : basename(target);
    if (!/^[a-z0-9][a-z0-9._-]{0,213}$/.test(name)) {
      throw new UsageError(
        adding
          ? `"${name}" is not a valid filter name (lower-case letters, digits, - . _; e.g. auth)`
          : `"${name}" is not a valid npm package name (lower-case letters, digits, - . _; e.g. my-filter)`,
      );
    }
    template = one(p, "template") ?? DEFAULT_TEMPLATE;
    const list = templates(root);
    if (list.length === 0) {
      io.err(`init: this proxy-wasm-as package ships no examples (${join(root, "examples")} is missing)\n`);
      return 1;
    }
    if (!list.includes(template)) throw new UsageError(`unknown template "${template}"; one of: ${list.join(", ")}`);
    if (adding)
      return await addFilter(
        { example: join(root, "examples", template), template, name, project: resolve(one(p, "project") ?? ".") },
        io,
      );
    version = JSON.parse(await readFile(join(root, "package.json"), "utf8")).version;
    const source = sdkSource(root, version, target);
    sdk = one(p, "sdk") ?? source.spec;
    sdkFrom = one(p, "sdk") === undefined ? source.from : "";
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`init: ${e.message}\nRun "proxy-wasm-as init --help" for the options.\n`);
    return 2;
  }
  try {
    const s = await stat(target);
    if (!s.isDirectory()) {
      io.err(`init: ${target} exists and is not a folder\n`);
      return 1;
    }
    if ((await readdir(target)).length > 0) {
      io.err(`init: ${target} is not empty; choose a new folder (nothing was written)\n`);
      return 1;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const from = join(root, "examples", template);
  const created: string[] = [];
  const rename = (text: string) => text.split(template).join(name);
  try {
    await copyTemplate(from, target, rename, created, from);
    const example = JSON.parse(await readFile(join(from, "package.json"), "utf8"));
    delete example.description;
    const manifest = { name, version: "0.1.0", private: true, ...example };
    manifest.name = name;
    manifest.dependencies = { ...example.dependencies, "proxy-wasm-as": sdk };
    // Every filter of the project at once (build.ts), and the fast build for the edit-test loop.
    manifest.scripts = { ...example.scripts, build: PROJECT_BUILD, "build:debug": `${PROJECT_BUILD} --target debug` };
    await writeFile(join(target, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(target, ".gitignore"), "node_modules/\nbuild/\n");
    if (!created.includes(".gitignore")) created.push(".gitignore");
  } catch (e) {
    io.err(`init: cannot write ${target}: ${(e as Error).message}\n`);
    return 1;
  }
  const shown = relative(process.cwd(), target) || ".";
  io.out(
    [
      `Created ${shown}/ from the ${template} example (proxy-wasm-as ${sdk}):`,
      ...created.sort().map((f) => `  ${f}`),
      "",
      ...(sdkFrom
        ? [`package.json depends on proxy-wasm-as ${sdk}: this proxy-wasm-as came from ${sdkFrom}.`, ""]
        : []),
      "Next:",
      `  cd ${shown}`,
      "  npm install",
      "  npm run build      # build/filter.wasm, checked against the Proxy-Wasm ABI",
      "                     # (npm run build:debug: the fast unoptimized build, for the edit-test loop)",
      "  npm test           # the filter's tests in the host emulator",
      "  npx proxy-wasm-as serve build/filter.wasm --upstream http://127.0.0.1:8080",
      "",
    ].join("\n"),
  );
  return 0;
}
