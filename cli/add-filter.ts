// `proxy-wasm-as init --add NAME`: one more filter in an existing project. Filters of one project
// share its asconfig.json and dependencies; each has its source in assembly/NAME/, its tests in
// test/NAME.test.ts and its own build script writing build/NAME.wasm, which `npm run build` runs.
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Io } from "./io.js";

export interface AddFilterRequest {
  /** The example folder to copy from. */
  example: string;
  template: string;
  /** The filter's name: assembly/NAME/, test/NAME.test.ts, build/NAME.wasm. */
  name: string;
  project: string;
}

/** Never copied from an example's assembly/ or test/ (as for a new project). */
/** A project's build script as init writes it: builds every filter itself (build.ts). */
export const PROJECT_BUILD = "proxy-wasm-as build";

const SKIP = new Set(["build", "node_modules", ".vitest-results.json"]);

interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

async function copyTree(from: string, to: string, written: string[], project: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of (await readdir(from, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue;
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name), written, project);
    else if (entry.isFile()) {
      await copyFile(join(from, entry.name), join(to, entry.name));
      written.push(relative(project, join(to, entry.name)));
    }
  }
}

function json(text: string, file: string): Manifest {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new Error(`${file} is not a JSON object`);
}

export async function addFilter(req: AddFilterRequest, io: Io): Promise<number> {
  const { example, template, name, project } = req;
  const manifestFile = join(project, "package.json");
  const asconfigFile = join(project, "asconfig.json");
  if (!existsSync(manifestFile) || !existsSync(asconfigFile)) {
    io.err(
      `init --add: ${project} is not a filter project (it needs package.json and asconfig.json); start one with "proxy-wasm-as init NAME"\n`,
    );
    return 1;
  }
  let manifest: Manifest, asconfig: Manifest;
  try {
    manifest = json(await readFile(manifestFile, "utf8"), "package.json");
    asconfig = json(await readFile(asconfigFile, "utf8"), "asconfig.json");
  } catch (e) {
    io.err(`init --add: ${(e as Error).message} (nothing was written)\n`);
    return 1;
  }
  const scripts = { ...(manifest.scripts ?? {}) };
  const output = `build/${name}.wasm`;
  const taken = [
    existsSync(join(project, "assembly", name)) && `assembly/${name}/`,
    existsSync(join(project, "test", `${name}.test.ts`)) && `test/${name}.test.ts`,
    scripts[`build:${name}`] !== undefined && `the script build:${name}`,
    Object.values(scripts).some((s) => s.includes(output)) && `a script writing ${output}`,
    name === "filter" && existsSync(join(project, "assembly", "index.ts")) && `${output} (the first filter's build)`,
  ].filter(Boolean);
  if (taken.length) {
    io.err(
      `init --add: the project already has ${taken.join(", ")}; choose another filter name (nothing was written)\n`,
    );
    return 1;
  }

  const written: string[] = [];
  const changed: string[] = [];
  try {
    await copyTree(join(example, "assembly"), join(project, "assembly", name), written, project);
    const tests = join(example, "test");
    if (existsSync(tests)) {
      await mkdir(join(project, "test"), { recursive: true });
      for (const file of (await readdir(tests)).sort()) {
        if (SKIP.has(file)) continue;
        // The example's tests load ../build/filter.wasm; this filter's build is build/NAME.wasm.
        const target = file === "filter.test.ts" ? `${name}.test.ts` : file;
        if (existsSync(join(project, "test", target))) continue;
        const text = (await readFile(join(tests, file), "utf8")).split("build/filter.wasm").join(output);
        await writeFile(join(project, "test", target), text);
        written.push(`test/${target}`);
      }
    }
    if (asconfig.entries !== undefined) {
      // asc compiles the config's entries into every build: each filter must name only its own.
      delete asconfig.entries;
      await writeFile(asconfigFile, `${JSON.stringify(asconfig, null, 2)}\n`);
      changed.push(`asconfig.json: "entries" removed (each build script names its entry file)`);
    }
    const entry = `assembly/${name}/index.ts`;
    scripts[`build:${name}`] =
      `asc ${entry} --config asconfig.json --target release --outFile ${output} && proxy-wasm-as check ${output}`;
    // "proxy-wasm-as build" finds assembly/NAME/ itself (and builds the filters in parallel).
    if (!scripts.build?.startsWith(PROJECT_BUILD))
      scripts.build = scripts.build ? `${scripts.build} && npm run build:${name}` : `npm run build:${name}`;
    manifest.scripts = scripts;
    changed.push(
      scripts.build.startsWith(PROJECT_BUILD)
        ? `package.json: script build:${name} (to build it alone); "npm run build" builds it with the others`
        : `package.json: script build:${name}; "npm run build" runs it`,
    );
    // What the example needs and the project lacks (its tests use vitest, its build asc).
    const exampleManifest = json(await readFile(join(example, "package.json"), "utf8"), `${template}/package.json`);
    for (const field of ["dependencies", "devDependencies"] as const) {
      for (const [dep, range] of Object.entries(exampleManifest[field] ?? {})) {
        if (
          dep === "proxy-wasm-as" ||
          manifest.dependencies?.[dep] !== undefined ||
          manifest.devDependencies?.[dep] !== undefined
        )
          continue;
        manifest[field] = { ...(manifest[field] ?? {}), [dep]: range };
        changed.push(`package.json: ${field} ${dep} ${range}`);
      }
    }
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    io.err(`init --add: cannot write ${project}: ${(e as Error).message}\n`);
    return 1;
  }
  const shown = relative(process.cwd(), project) || ".";
  io.out(
    [
      `Added the filter ${name} to ${shown}/ from the ${template} example:`,
      ...written.map((f) => `  ${f}`),
      ...changed.map((c) => `  ${c}`),
      "",
      "Next:",
      ...(shown === "." ? [] : [`  cd ${shown}`]),
      ...(changed.some((c) => c.includes("ependencies")) ? ["  npm install"] : []),
      `  npm run build      # every filter, ${output} among them`,
      "  npm test",
      "",
    ].join("\n"),
  );
  return 0;
}
