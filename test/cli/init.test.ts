// `proxy-wasm-as init` and `init --add`, in-process: the rules, the dependency on the SDK's own
// source (registry, tarball, folder, git), and adding a filter to a project. End to end from the
// packed tarballs (npm create, install, build, test, serve): test/package/pack-install.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sdkSource } from "../../cli/sdk-source.js";
import { repo, runCli } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-init-"));

async function initIn(dir: string, ...args: string[]) {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runCli("init", ...args);
  } finally {
    process.chdir(cwd);
  }
}

describe("init", () => {
  it("creates a project from the default template (http-headers)", async () => {
    const r = await initIn(tmp, "my-filter");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const dir = join(tmp, "my-filter");
    for (const f of [
      "package.json",
      "asconfig.json",
      "assembly/index.ts",
      "test/filter.test.ts",
      "envoy.yaml",
      "wasmplugin.yaml",
      "Dockerfile",
      "README.md",
      ".gitignore",
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(existsSync(join(dir, "build"))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "my-filter", version: "0.1.0", private: true });
    // Run from this checkout, the project depends on this folder (not a release that may not exist).
    const spec: string = pkg.dependencies["proxy-wasm-as"];
    expect(spec).toMatch(/^file:\.\./);
    expect(resolve(dir, spec.slice("file:".length))).toBe(resolve(repo));
    expect(r.out).toContain(`this proxy-wasm-as came from the folder ${resolve(repo)}`);
    expect(pkg.devDependencies.assemblyscript).toBe(
      JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).dependencies.assemblyscript,
    );
    expect(pkg.scripts.build).toBe("proxy-wasm-as build");
    expect(pkg.scripts["build:debug"]).toBe("proxy-wasm-as build --target debug");
    expect(JSON.parse(readFileSync(join(dir, "asconfig.json"), "utf8")).extends).toBe("proxy-wasm-as/asconfig.json");
    expect(readFileSync(join(dir, "wasmplugin.yaml"), "utf8")).toMatch(/name: my-filter/);
    expect(readFileSync(join(dir, "README.md"), "utf8").split("\n")[0]).toBe("# my-filter");
    expect(readFileSync(join(dir, "assembly/index.ts"), "utf8")).toBe(
      readFileSync(join(repo, "examples/http-headers/assembly/index.ts"), "utf8"),
    );
    expect(r.out).toContain("cd my-filter");
  });

  it("takes --template and --sdk", async () => {
    const r = await initIn(tmp, "auth-filter", "--template", "http-auth", "--sdk", "file:../sdk.tgz");
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(tmp, "auth-filter", "package.json"), "utf8"));
    expect(pkg.dependencies["proxy-wasm-as"]).toBe("file:../sdk.tgz");
    expect(readFileSync(join(tmp, "auth-filter/assembly/index.ts"), "utf8")).toBe(
      readFileSync(join(repo, "examples/http-auth/assembly/index.ts"), "utf8"),
    );
  });

  it("refuses a non-empty folder (exit 1) and writes nothing; an empty one is fine", async () => {
    const dir = join(tmp, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const r = await initIn(tmp, "taken");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^init: .*taken is not empty/);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    mkdirSync(join(tmp, "empty"));
    expect((await initIn(tmp, "empty")).code).toBe(0);
  });

  it("exits 2 with one line on bad usage, and lists the templates in --help", async () => {
    const help = await runCli("init", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("rate-limit");
    for (const [args, message] of [
      [[], /no project NAME given/],
      [["My Filter"], /not a valid npm package name/],
      [["ok-name", "--template", "nope"], /unknown template "nope"; one of: .*http-headers/],
      [["a", "b"], /one NAME only/],
      [["x", "--project", "."], /--project goes with --add/],
      [["--add"], /no filter NAME given/],
      [["--add", "Auth"], /not a valid filter name/],
      [["--add", "auth", "--sdk", "^1.0.0"], /--sdk does not go with --add/],
    ] as [string[], RegExp][]) {
      const r = await initIn(tmp, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.split("\n")[0]).toMatch(message);
    }
  });
});

describe("the SDK dependency follows the source of the running proxy-wasm-as", () => {
  const base = join(tmp, "sources");
  /** A proxy-wasm-as installed at `user`/`at`, with npm's lock entry `entry` in `lockFile`. */
  function installed(
    user: string,
    at: string,
    entry: object | null,
    lockFile = "node_modules/.package-lock.json",
  ): string {
    const root = join(base, user, at);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "proxy-wasm-as", version: "0.1.0" }));
    if (entry) {
      mkdirSync(join(base, user, lockFile, ".."), { recursive: true });
      writeFileSync(
        join(base, user, lockFile),
        JSON.stringify({ lockfileVersion: 3, packages: { [at]: { version: "0.1.0", ...entry } } }),
      );
    }
    return root;
  }
  const project = (user: string) => join(base, user, "new-filter");

  it("registry: ^VERSION", () => {
    const root = installed("reg", "node_modules/proxy-wasm-as", {
      resolved: "https://registry.npmjs.org/proxy-wasm-as/-/proxy-wasm-as-0.1.0.tgz",
    });
    expect(sdkSource(root, "0.1.0", project("reg"))).toMatchObject({ kind: "registry", spec: "^0.1.0" });
  });

  it("tarball: the same file, relative to the new project", () => {
    mkdirSync(join(base, "pack"), { recursive: true });
    writeFileSync(join(base, "pack", "proxy-wasm-as-0.1.0.tgz"), "");
    const root = installed("tar", "node_modules/proxy-wasm-as", { resolved: "file:../pack/proxy-wasm-as-0.1.0.tgz" });
    const source = sdkSource(root, "0.1.0", project("tar"));
    expect(source).toMatchObject({ kind: "tarball", spec: "file:../../pack/proxy-wasm-as-0.1.0.tgz" });
    expect(resolve(project("tar"), source.spec.slice(5))).toBe(join(base, "pack", "proxy-wasm-as-0.1.0.tgz"));
  });

  it("tarball that is gone: falls back to the registry version", () => {
    const root = installed("tar-gone", "node_modules/proxy-wasm-as", {
      resolved: "file:../nowhere/proxy-wasm-as-0.1.0.tgz",
    });
    expect(sdkSource(root, "0.1.0", project("tar-gone"))).toMatchObject({ kind: "registry", spec: "^0.1.0" });
  });

  it("git: the URL and commit npm installed", () => {
    const url = "git+ssh://git@github.com/proxy-wasm-as/proxy-wasm-as.git#0123456789abcdef0123456789abcdef01234567";
    const root = installed("git", "node_modules/proxy-wasm-as", { resolved: url });
    expect(sdkSource(root, "0.1.0", project("git"))).toMatchObject({ kind: "git", spec: url });
  });

  it("a tarball URL that is not a registry's: that URL", () => {
    const url = "https://example.com/builds/sdk-nightly.tgz";
    const root = installed("url", "node_modules/proxy-wasm-as", { resolved: url });
    expect(sdkSource(root, "0.1.0", project("url"))).toMatchObject({ kind: "url", spec: url });
  });

  it("nested under create-proxy-wasm-as, and npx's cache (package-lock.json only)", () => {
    const nested = installed("nested", "node_modules/create-proxy-wasm-as/node_modules/proxy-wasm-as", {
      resolved: "file:../pack/proxy-wasm-as-0.1.0.tgz",
    });
    expect(sdkSource(nested, "0.1.0", project("nested"))).toMatchObject({ kind: "tarball" });
    const npx = installed(
      "npx",
      "node_modules/proxy-wasm-as",
      { resolved: "https://registry.npmjs.org/proxy-wasm-as/-/proxy-wasm-as-0.1.0.tgz" },
      "package-lock.json",
    );
    expect(sdkSource(npx, "0.1.0", project("npx"))).toMatchObject({ kind: "registry", spec: "^0.1.0" });
  });

  it("no npm lock entry (yarn, pnpm): ^VERSION", () => {
    const root = installed("pnpm", "node_modules/.pnpm/proxy-wasm-as@0.1.0/node_modules/proxy-wasm-as", null);
    expect(sdkSource(root, "0.1.0", project("pnpm"))).toMatchObject({ kind: "registry", spec: "^0.1.0" });
  });

  it("folder (a checkout, or a folder dependency npm linked): that folder", () => {
    const checkout = join(base, "checkout");
    mkdirSync(checkout, { recursive: true });
    expect(sdkSource(checkout, "0.1.0", project("folder"))).toMatchObject({
      kind: "folder",
      spec: "file:../../checkout",
    });
  });
});

describe("init --add", () => {
  it("adds a filter beside the first: its source, its tests, its build script; asconfig loses entries", async () => {
    expect((await initIn(tmp, "two-filters")).code).toBe(0);
    const dir = join(tmp, "two-filters");
    const before = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const r = await initIn(tmp, "--add", "auth", "--template", "http-auth", "--project", "two-filters");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Added the filter auth to two-filters/ from the http-auth example");
    expect(readFileSync(join(dir, "assembly/auth/index.ts"), "utf8")).toBe(
      readFileSync(join(repo, "examples/http-auth/assembly/index.ts"), "utf8"),
    );
    const test = readFileSync(join(dir, "test/auth.test.ts"), "utf8");
    expect(test).toContain('"../build/auth.wasm"');
    expect(test).not.toContain("build/filter.wasm");
    // the first filter is untouched
    expect(readFileSync(join(dir, "assembly/index.ts"), "utf8")).toBe(
      readFileSync(join(repo, "examples/http-headers/assembly/index.ts"), "utf8"),
    );
    expect(readFileSync(join(dir, "test/filter.test.ts"), "utf8")).toContain("build/filter.wasm");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.scripts["build:auth"]).toBe(
      "asc assembly/auth/index.ts --config asconfig.json --target release --outFile build/auth.wasm && proxy-wasm-as check build/auth.wasm",
    );
    expect(pkg.scripts.build).toBe("proxy-wasm-as build"); // it finds assembly/auth/ itself
    expect(before.scripts.build).toBe("proxy-wasm-as build");
    expect(pkg.dependencies).toEqual(before.dependencies);
    const asconfig = JSON.parse(readFileSync(join(dir, "asconfig.json"), "utf8"));
    expect(asconfig.entries).toBeUndefined();
    expect(asconfig.extends).toBe("proxy-wasm-as/asconfig.json");
  });

  it("jwt-auth brings its helper files along into assembly/NAME/", async () => {
    mkdirSync(join(tmp, "bare"));
    writeFileSync(
      join(tmp, "bare/package.json"),
      JSON.stringify({ name: "bare", private: true, dependencies: { "proxy-wasm-as": "^0.1.0" } }),
    );
    writeFileSync(join(tmp, "bare/asconfig.json"), JSON.stringify({ extends: "proxy-wasm-as/asconfig.json" }));
    const r = await initIn(join(tmp, "bare"), "--add", "jwt", "--template", "jwt-auth");
    expect(r.code).toBe(0);
    expect(readdirSync(join(tmp, "bare/assembly/jwt")).sort()).toEqual(
      readdirSync(join(repo, "examples/jwt-auth/assembly")).sort(),
    );
    const pkg = JSON.parse(readFileSync(join(tmp, "bare/package.json"), "utf8"));
    expect(pkg.scripts.build).toBe("npm run build:jwt");
    // what the example's build and tests need, which this project lacked
    expect(pkg.devDependencies).toMatchObject({ assemblyscript: expect.any(String), vitest: expect.any(String) });
    expect(r.out).toContain("npm install");
  });

  it("refuses a name taken and a folder that is not a project (exit 1), writing nothing", async () => {
    const dir = join(tmp, "two-filters");
    const snapshot = () => [
      readFileSync(join(dir, "package.json"), "utf8"),
      readFileSync(join(dir, "asconfig.json"), "utf8"),
      readdirSync(join(dir, "assembly")).join(),
    ];
    const before = snapshot();
    const taken = await initIn(tmp, "--add", "auth", "--project", "two-filters");
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/already has assembly\/auth\/, test\/auth\.test\.ts, the script build:auth/);
    const first = await initIn(tmp, "--add", "filter", "--project", "two-filters");
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/build\/filter\.wasm \(the first filter's build\)/);
    expect(snapshot()).toEqual(before);
    mkdirSync(join(tmp, "not-a-project"));
    const none = await initIn(tmp, "--add", "auth", "--project", "not-a-project");
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/not-a-project is not a filter project/);
    expect(readdirSync(join(tmp, "not-a-project"))).toEqual([]);
  });
});
