// The package as a user gets it, offline. Packs proxy-wasm-as and create-proxy-wasm-as once,
// installs both tarballs into an empty project, then checks from there: what the tarball holds,
// every README link inside node_modules, a filter built by hand, and the path the docs show
// (npm create, init --add, install, build, test, serve). Every install resolves the packages'
// declared dependencies from a registry on 127.0.0.1 that serves this checkout's own
// node_modules, into an npm cache the test starts empty: nothing comes from the network or
// from what an earlier install left in ~/.npm.
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify, stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRegistry, startLocalRegistry } from "./local-registry.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "pwas-package-"));
const packDir = join(work, "pack");
const user = join(work, "user");
const installed = join(user, "node_modules", "proxy-wasm-as");
let sdkTarball = "";
let listing: string[] = [];
let registry: LocalRegistry;

/** npm's settings for every command of the test: an empty cache of its own, the local registry. */
function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    npm_config_cache: join(work, "npm-cache"),
    npm_config_registry: registry?.url ?? "http://127.0.0.1:9/",
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
  };
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: env(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** npm install against the local registry (asynchronous: the registry answers from this process). */
async function npmInstall(cwd: string, ...specs: string[]): Promise<void> {
  await promisify(execFile)("npm", ["install", ...specs], { cwd, env: env(), encoding: "utf8" });
}

const plain = (text: string) => stripVTControlCharacters(text);

beforeAll(async () => {
  mkdirSync(packDir);
  // dist/ is what `npm test` built just before (prepack would run the same tsc again, rewriting
  // dist/ while other test files load it).
  run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", packDir], repo);
  run("npm", ["pack", "--silent", "--pack-destination", packDir], join(repo, "packages", "create-proxy-wasm-as"));
  const files = readdirSync(packDir);
  sdkTarball = join(
    packDir,
    files.find((f) => f.startsWith("proxy-wasm-as-"))!,
  );
  const createTarball = join(
    packDir,
    files.find((f) => f.startsWith("create-proxy-wasm-as-"))!,
  );
  listing = run("tar", ["tzf", sdkTarball], work)
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  registry = await startLocalRegistry(join(repo, "node_modules"), [
    { manifest: manifestOf(repo), file: sdkTarball },
    { manifest: manifestOf(join(repo, "packages", "create-proxy-wasm-as")), file: createTarball },
  ]);
  mkdirSync(user);
  writeFileSync(join(user, "package.json"), JSON.stringify({ name: "user", private: true, type: "module" }, null, 2));
  await npmInstall(user, sdkTarball, createTarball);
}, 240_000);

afterAll(() => registry?.close());

describe("the install", () => {
  it("resolved the SDK's declared dependencies through the registry, into a cache that started empty", () => {
    const sdk = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    expect(registry.requested).toEqual(expect.arrayContaining(Object.keys(sdk.dependencies)));
    for (const dep of Object.keys(sdk.dependencies))
      expect(existsSync(join(user, "node_modules", dep, "package.json")), dep).toBe(true);
  });
});

describe("the packed file list", () => {
  it("ships the SDK, the emulator, the CLI, the examples, and every document the README links to", () => {
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "asconfig.json",
      "abi/v0.2.1.json",
      "bin/proxy-wasm-as.js",
      "assembly/index.ts",
      "assembly/proxy.ts",
      "dist/host/index.js",
      "dist/host/index.d.ts",
      "dist/cli/main.js",
      "examples/http-headers/assembly/index.ts",
      "examples/http-headers/test/filter.test.ts",
      "examples/http-headers/package.json",
    ]) {
      expect(listing, file).toContain(file);
    }
    const docs = readdirSync(join(repo, "docs")).filter((f) => f.endsWith(".md"));
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) expect(listing, `docs/${doc}`).toContain(`docs/${doc}`);
  });

  it("ships no tests, benchmarks, scripts, build outputs, installs or lock files", () => {
    const unwanted = listing.filter(
      (f) =>
        /^(test|bench|scripts|packages|node_modules|\.ci)\//.test(f) ||
        /(^|\/)(build|node_modules)\//.test(f) ||
        /\.(wasm|wat|tgz)$/.test(f) ||
        /(^|\/)(package-lock\.json|\.vitest-results\.json|tsconfig[^/]*\.json|vitest\.config\.ts)$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it("names its repository, homepage and issue tracker", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "proxy-wasm-as", license: "Apache-2.0" });
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\/.+\/issues$/);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");

/** The relative links of a Markdown file, outside code blocks. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("the README inside node_modules", () => {
  it("links only to files the package holds, and to headings those files have (followed through the docs)", () => {
    const broken: string[] = [];
    const seen = new Set<string>();
    let anchors = 0;
    const queue = [join(installed, "README.md")];
    while (queue.length) {
      const doc = queue.shift()!;
      if (seen.has(doc)) continue;
      seen.add(doc);
      for (const link of links(readFileSync(doc, "utf8"))) {
        const [path, anchor] = link.split("#");
        const target = path ? resolve(dirname(doc), decodeURIComponent(path)) : doc;
        const where = `${relative(installed, doc)} → ${link}`;
        if (!target.startsWith(installed) || !existsSync(target)) {
          broken.push(`${where} (missing)`);
          continue;
        }
        if (statSync(target).isDirectory() || !target.endsWith(".md")) continue;
        queue.push(target);
        if (anchor) {
          anchors++;
          const headings =
            readFileSync(target, "utf8")
              .replace(/^```[\s\S]*?^```/gm, "")
              .match(/^#{1,6} .*$/gm) ?? [];
          if (!headings.some((h) => slug(h.replace(/^#+ /, "")) === anchor)) broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
    // The walk reached the documents, not just the README, and checked links to their headings.
    expect(anchors).toBeGreaterThan(3);
    expect([...seen].map((d) => relative(installed, d))).toEqual(
      expect.arrayContaining(["docs/getting-started.md", "docs/api.md", "docs/concepts.md"]),
    );
  });

  it("tells users to install the AssemblyScript version the SDK and the examples pin", () => {
    const compiler = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).dependencies.assemblyscript;
    expect(readFileSync(join(installed, "README.md"), "utf8")).toContain(`npm install -D assemblyscript@${compiler}`);
    for (const example of readdirSync(join(installed, "examples"))) {
      const manifest = JSON.parse(readFileSync(join(installed, "examples", example, "package.json"), "utf8"));
      expect(manifest.devDependencies?.assemblyscript, example).toBe(compiler);
    }
  });
});

const FILTER = `export * from "proxy-wasm-as/assembly/proxy";
import { Action, HttpContext, PluginContext, registerPlugin, responseHeaders } from "proxy-wasm-as/assembly";

class AddHeader extends HttpContext {
  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    responseHeaders.add("x-from-user-project", "yes");
    return Action.Continue;
  }
}
class Plugin extends PluginContext {
  newHttpContext(contextId: u32): HttpContext { return new AddHeader(contextId); }
}
registerPlugin((contextId: u32): PluginContext => new Plugin(contextId));
`;

const RUNNER = `import { readFileSync } from "node:fs";
import { Host } from "proxy-wasm-as/host";

const vm = await new Host().loadVm(readFileSync("build/filter.wasm"));
const stream = vm.startPlugin({ configuration: "" }).newHttpStream();
stream.requestHeaders([[":method", "GET"], [":path", "/"], [":authority", "example"]], { endOfStream: true });
stream.responseHeaders([[":status", "200"]], { endOfStream: true });
stream.complete();
console.log(JSON.stringify(stream.responseHeadersMap));
`;

describe("a filter written by hand in the installing project", () => {
  it("builds with a config that only extends the SDK's, passes the ABI check and runs in the emulator", () => {
    mkdirSync(join(user, "assembly"));
    writeFileSync(join(user, "assembly", "index.ts"), FILTER);
    writeFileSync(
      join(user, "asconfig.json"),
      JSON.stringify({
        extends: "proxy-wasm-as/asconfig.json",
        targets: { release: { outFile: "build/filter.wasm" } },
      }),
    );
    run("npx", ["asc", "assembly/index.ts", "--config", "asconfig.json", "--target", "release"], user);
    const wasm = readFileSync(join(user, "build", "filter.wasm"));
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => `${i.module}.${i.name}`);
    expect(
      imports.filter((name) => !name.startsWith("env.proxy_") && !name.startsWith("wasi_snapshot_preview1.")),
    ).toEqual([]);
    expect(run("npx", ["proxy-wasm-as", "check", "build/filter.wasm"], user)).toContain(
      "conforms to Proxy-Wasm ABI v0.2.1",
    );
    writeFileSync(join(user, "run.mjs"), RUNNER);
    expect(JSON.parse(run("node", ["run.mjs"], user))).toContainEqual(["x-from-user-project", "yes"]);
  }, 120_000);
});

/** Runs `serve` from the project's own install until its banner names the port; returns it and a stop. */
async function serve(project: string, args: string[]): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [join(project, "node_modules", "proxy-wasm-as", "bin", "proxy-wasm-as.js"), "serve", ...args],
    {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  let out = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no address:\n${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk;
      const m = /listening\s+(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => fail(new Error(`serve exited (${code}):\n${out}`)));
  });
  return { url, stop: () => child.kill() };
}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((ok, fail) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on("error", fail);
  });
}

describe("npm create proxy-wasm-as, from the tarballs, as getting-started.md shows it", () => {
  const project = join(user, "my-filter");

  it("writes a project that depends on the very tarball the SDK came from", () => {
    const created = run("npx", ["create-proxy-wasm-as", "my-filter"], user);
    expect(created).toContain("Created my-filter/ from the http-headers example");
    expect(created).toContain(`this proxy-wasm-as came from the tarball ${sdkTarball}`);
    const spec: string = JSON.parse(readFileSync(join(project, "package.json"), "utf8")).dependencies["proxy-wasm-as"];
    expect(spec).toMatch(/^file:/);
    expect(resolve(project, spec.slice("file:".length))).toBe(sdkTarball);
    // and the refusal goes through create-proxy-wasm-as with its status
    expect(() => run("npx", ["create-proxy-wasm-as", "my-filter"], user)).toThrow(/not empty/);
  }, 60_000);

  it("adds a second filter, installs offline, builds both, and passes both filters' tests", async () => {
    const added = run(
      "node",
      [join(installed, "bin", "proxy-wasm-as.js"), "init", "--add", "auth", "--template", "http-auth"],
      project,
    );
    expect(added).toContain("Added the filter auth");
    await npmInstall(project);
    const build = run("npm", ["run", "build"], project);
    expect(build).toContain("build/filter.wasm: conforms to Proxy-Wasm ABI v0.2.1");
    expect(build).toContain("build/auth.wasm: conforms to Proxy-Wasm ABI v0.2.1");
    // each module holds its own filter only (no shared asconfig entry compiled into both)
    expect(readFileSync(join(project, "build", "auth.wasm")).length).not.toBe(
      readFileSync(join(project, "build", "filter.wasm")).length,
    );
    const tests = plain(run("npm", ["test"], project));
    expect(tests).toMatch(/Test Files\s+2 passed/);
    expect(tests).not.toMatch(/failed/);
  }, 180_000);

  it("serves the built filter in front of a real upstream", async () => {
    const upstream = http.createServer((req, res) => res.end(`upstream saw ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const { port } = upstream.address() as AddressInfo;
    const served = await serve(project, [
      "build/filter.wasm",
      "--upstream",
      `http://127.0.0.1:${port}`,
      "--listen",
      "127.0.0.1:0",
    ]);
    try {
      const reply = await get(`${served.url}/hello`);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe("upstream saw /hello");
      expect(reply.headers["x-powered-by"]).toBe("proxy-wasm-as");
    } finally {
      served.stop();
      upstream.close();
    }
  }, 60_000);
});
