// A read-only npm registry on 127.0.0.1 that serves the packages this checkout already has: the
// tarballs the test packed, and every package installed in the repository's node_modules (packed
// on first request). An install from it needs no network and no npm cache: it proves that the
// packed SDK and its declared dependencies resolve and install from nothing, as on a new machine.
//
// Written by hand (about 100 lines) because a full registry (Verdaccio) would add a large
// dependency tree to serve what is already on disk, and npm's own cache cannot be seeded with the
// package documents ("packuments") a range needs, only with tarballs.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { tar, type TarEntry } from "../../cli/tar.js";

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
}

export interface LocalRegistry {
  url: string;
  /** Names of the packages an install asked for, in order (to show what came from here). */
  requested: string[];
  close(): Promise<void>;
}

/** Every installed package folder under `nodeModules`, nested ones too; symlinks are skipped. */
function installedPackages(nodeModules: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith("@")) {
        visit(path);
        continue;
      }
      found.push(path);
      try {
        if (lstatSync(join(path, "node_modules")).isDirectory()) visit(join(path, "node_modules"));
      } catch {
        // no nested node_modules
      }
    }
  };
  visit(nodeModules);
  return found;
}

/** The folder as npm would pack it: its files (not its node_modules) under package/. */
function packFolder(folder: string): Buffer {
  const entries: TarEntry[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (dir === folder && entry.name === "node_modules") continue;
        walk(path);
      } else if (entry.isFile()) {
        entries.push({
          name: `package/${relative(folder, path)}`,
          data: readFileSync(path),
          mode: lstatSync(path).mode & 0o777,
        });
      }
    }
  };
  walk(folder);
  return gzipSync(tar(entries), { level: 1 });
}

/** The packument npm asks for: every version we have of one name. */
function packument(name: string, versions: Published[], base: string): unknown {
  const byVersion: Record<string, unknown> = {};
  for (const { manifest, tarball } of versions) {
    byVersion[manifest.version] = {
      ...manifest,
      dist: {
        tarball: `${base}/-/tarballs/${encodeURIComponent(name)}/${manifest.version}.tgz`,
        integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
        shasum: createHash("sha1").update(tarball).digest("hex"),
      },
    };
  }
  const latest = versions
    .map((v) => v.manifest.version)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .pop();
  return { name, "dist-tags": { latest }, versions: byVersion };
}

/**
 * Serves `tarballs` (packed by the test, read as given) and the packages installed in
 * `nodeModules`, except those named in `tarballs`, which the packed files replace.
 */
export async function startLocalRegistry(
  nodeModules: string,
  tarballs: { manifest: Published["manifest"]; file: string }[],
): Promise<LocalRegistry> {
  const folders = new Map<string, string[]>();
  for (const folder of installedPackages(nodeModules)) {
    let manifest: { name?: string };
    try {
      manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    } catch {
      continue; // a folder that is not a package (a package's own data folder named like one)
    }
    if (typeof manifest.name !== "string") continue;
    folders.set(manifest.name, [...(folders.get(manifest.name) ?? []), folder]);
  }
  const packed = new Map(tarballs.map((t) => [t.manifest.name, t]));
  const published = new Map<string, Published[]>();
  const have = (name: string) => packed.has(name) || folders.has(name);

  /** Packs a name's versions on first request; optional dependencies this machine lacks are left out. */
  const publish = (name: string): Published[] => {
    let versions = published.get(name);
    if (versions) return versions;
    const given = packed.get(name);
    versions = given
      ? [{ manifest: given.manifest, tarball: readFileSync(given.file) }]
      : (folders.get(name) ?? []).map((folder) => ({
          manifest: JSON.parse(readFileSync(join(folder, "package.json"), "utf8")),
          tarball: packFolder(folder),
        }));
    for (const { manifest } of versions) {
      const optional = manifest.optionalDependencies as Record<string, string> | undefined;
      if (optional)
        manifest.optionalDependencies = Object.fromEntries(Object.entries(optional).filter(([dep]) => have(dep)));
    }
    published.set(name, versions);
    return versions;
  };

  const requested: string[] = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    const tarball = /^\/-\/tarballs\/(.+)\/([^/]+)\.tgz$/.exec(path);
    const name = tarball ? tarball[1] : path.slice(1);
    if (!have(name)) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    const versions = publish(name);
    if (tarball) {
      const one = versions.find((v) => v.manifest.version === tarball[2]);
      if (!one) return void res.writeHead(404).end();
      res
        .writeHead(200, { "content-type": "application/octet-stream", "content-length": one.tarball.length })
        .end(one.tarball);
      return;
    }
    requested.push(name);
    const body = JSON.stringify(packument(name, versions, base));
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requested,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
