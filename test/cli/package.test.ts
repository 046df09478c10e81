// `proxy-wasm-as package`: opens the tarball it writes and checks the OCI image layout, the
// media types, the compat annotation, every digest and size, and that the single layer holds
// plugin.wasm identical to the input. skopeo, when installed, must read it too.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { tar, untar } from "../../cli/tar.js";
import { example, runCli } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-package-"));
const WASM = example("http-headers");
const sha256 = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function packageTo(name: string, ...extra: string[]) {
  const path = join(tmp, name);
  const r = await runCli("package", WASM, "-o", path, ...extra);
  return { ...r, path, files: r.code === 0 ? untar(readFileSync(path)) : [] };
}

describe("package", () => {
  it("writes an OCI image layout whose blobs match their descriptors", async () => {
    const { code, out: stdout, files } = await packageTo("image.tar", "--tag", "ghcr.io/example/http-headers:0.1.0");
    expect(code).toBe(0);
    const byName = new Map(files.map((f) => [f.name, f]));
    const json = (name: string) => JSON.parse(new TextDecoder().decode(byName.get(name)!.data));
    expect(json("oci-layout")).toEqual({ imageLayoutVersion: "1.0.0" });

    // every blob is named by its own digest
    const blobs = files.filter((f) => f.type === "file" && f.name.startsWith("blobs/sha256/"));
    expect(blobs).toHaveLength(3);
    for (const b of blobs) expect(sha256(b.data)).toBe(`sha256:${b.name.slice("blobs/sha256/".length)}`);
    const blob = (d: { digest: string; size: number }) => {
      const f = byName.get(`blobs/sha256/${d.digest.slice(7)}`);
      expect(f, d.digest).toBeDefined();
      expect(f!.data.length).toBe(d.size);
      return f!.data;
    };

    const index = json("index.json");
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(index.manifests[0].annotations).toEqual({
      "org.opencontainers.image.ref.name": "0.1.0",
      "io.containerd.image.name": "ghcr.io/example/http-headers:0.1.0",
    });

    const manifest = JSON.parse(new TextDecoder().decode(blob(index.manifests[0])));
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
    expect(manifest.annotations).toEqual({ "module.wasm.image/variant": "compat" });

    const layerTar = gunzipSync(blob(manifest.layers[0]));
    const layer = untar(layerTar);
    expect(layer.map((f) => f.name)).toEqual(["plugin.wasm"]);
    expect(Buffer.from(layer[0].data).equals(readFileSync(WASM))).toBe(true);

    const config = JSON.parse(new TextDecoder().decode(blob(manifest.config)));
    expect(config.rootfs).toEqual({ type: "layers", diff_ids: [sha256(layerTar)] });
    expect(config.os).toBe("linux");

    // Docker's manifest.json, for docker load and crane push
    expect(json("manifest.json")).toEqual([
      {
        Config: `blobs/sha256/${manifest.config.digest.slice(7)}`,
        RepoTags: ["ghcr.io/example/http-headers:0.1.0"],
        Layers: [`blobs/sha256/${manifest.layers[0].digest.slice(7)}`],
      },
    ]);
    expect(stdout).toContain(index.manifests[0].digest);
  });

  it("gives the same bytes for the same filter, and an untagged image without --tag", async () => {
    const a = await packageTo("a.tar", "--tag", "my-filter:1");
    const b = await packageTo("b.tar", "--tag", "my-filter:1");
    expect(readFileSync(a.path).equals(readFileSync(b.path))).toBe(true);
    const c = await packageTo("c.tar");
    const index = JSON.parse(new TextDecoder().decode(c.files.find((f) => f.name === "index.json")!.data));
    expect(index.manifests[0].annotations).toEqual({ "org.opencontainers.image.ref.name": "latest" });
  });

  it("writes a tar that the system's tar lists", async () => {
    const { path: out } = await packageTo("system.tar", "--tag", "localhost:5000/f:dev");
    const r = spawnSync("tar", ["tf", out], { encoding: "utf8" });
    if (r.error) return; // no tar binary
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(
      expect.arrayContaining(["index.json", "manifest.json", "oci-layout", "blobs/", "blobs/sha256/"]),
    );
  });

  it("is read by skopeo as oci-archive and docker-archive (when skopeo is installed)", async () => {
    if (spawnSync("skopeo", ["--version"]).error) return;
    const { path: out } = await packageTo("skopeo.tar", "--tag", "ghcr.io/example/f:0.2.0");
    const inspect = spawnSync("skopeo", ["inspect", `oci-archive:${out}:0.2.0`], { encoding: "utf8" });
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout).Layers).toHaveLength(1);
    const copy = spawnSync("skopeo", ["copy", `docker-archive:${out}`, `dir:${join(tmp, "skopeo-dir")}`], {
      encoding: "utf8",
    });
    expect(copy.status, copy.stderr).toBe(0);
  });

  it("has help, and one clear line with exit 2 on bad input", async () => {
    expect((await runCli("package", "--help")).out).toContain("Usage: proxy-wasm-as package FILTER.wasm -o IMAGE.tar");
    const notWasm = join(tmp, "x.wasm");
    writeFileSync(notWasm, "text");
    const cases: [string[], RegExp][] = [
      [[WASM], /-o IMAGE\.tar is required/],
      [["-o", join(tmp, "x.tar")], /no filter given/],
      [[join(tmp, "missing.wasm"), "-o", join(tmp, "x.tar")], /missing\.wasm: cannot read the file: no such file/],
      [[notWasm, "-o", join(tmp, "x.tar")], /not a WebAssembly module/],
      [[WASM, "-o", join(tmp, "x.tar"), "--tag", "Bad Name"], /--tag: "Bad Name" is not an image name/],
      [[WASM, "-o", join(tmp, "x.tar"), "--tag", "ok:bad/tag"], /not an image name|not a valid tag/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli("package", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.split("\n")[0]).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 1 when the output cannot be written", async () => {
    const r = await runCli("package", WASM, "-o", join(tmp, "no", "such", "dir", "x.tar"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^package: cannot write .*x\.tar: no such directory\n$/);
  });
});

describe("tar", () => {
  it("round-trips long paths, empty files and sizes across block boundaries", () => {
    const long = `${"d".repeat(120)}/${"f".repeat(90)}`;
    const entries = [
      { name: "dir" },
      { name: "empty", data: new Uint8Array(0) },
      { name: "512", data: new Uint8Array(512).fill(7) },
      { name: long, data: new Uint8Array(513).fill(1) },
    ];
    const out = untar(tar(entries));
    expect(out.map((e) => [e.name, e.type, e.data.length])).toEqual([
      ["dir/", "directory", 0],
      ["empty", "file", 0],
      ["512", "file", 512],
      [long, "file", 513],
    ]);
    expect(out[3].data.every((b) => b === 1)).toBe(true);
  });
});
