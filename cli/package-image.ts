// `proxy-wasm-as package FILTER.wasm -o IMAGE.tar [--tag NAME:TAG]`: an OCI image layout
// tarball in the Wasm image spec's "compat" variant, which Istio's WasmPlugin pulls: one
// gzipped tar layer holding plugin.wasm (application/vnd.oci.image.layer.v1.tar+gzip), a
// standard image config, and the manifest annotation module.wasm.image/variant=compat.
// The tarball also carries Docker's manifest.json, so `docker load` and `crane push` take it
// as they take `docker save` output; skopeo reads it as oci-archive:IMAGE.tar.
import { createHash } from "node:crypto";
import { rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { gzipSync } from "node:zlib";
import { checkModule } from "./conformance.js";
import type { Io } from "./io.js";
import { one, parseOptions, UsageError } from "./options.js";
import { readWasmFile } from "./read-file.js";
import { tar } from "./tar.js";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

export const COMPAT_ANNOTATION = { "module.wasm.image/variant": "compat" } as const;

export const PACKAGE_USAGE = `Usage: proxy-wasm-as package FILTER.wasm -o IMAGE.tar [--tag NAME:TAG]

Writes an OCI image layout tarball of the filter, without Docker, in the Wasm image "compat"
format Istio's WasmPlugin pulls: one layer (a gzipped tar holding plugin.wasm), a standard
image config, the annotation module.wasm.image/variant=compat. Push it with any OCI tool:

  skopeo copy oci-archive:IMAGE.tar docker://REGISTRY/NAME:TAG
  crane push IMAGE.tar REGISTRY/NAME:TAG
  docker load -i IMAGE.tar        (then docker push NAME:TAG)

then point a WasmPlugin at url: oci://REGISTRY/NAME:TAG. The same input always gives the
same bytes (fixed timestamps), so the digest only changes with the filter.

Options:
  -o, --output FILE   the tarball to write (required)
  --tag NAME:TAG      the image's name (e.g. ghcr.io/me/my-filter:0.1.0); ":latest" when
                      no tag is given; recorded for docker load and skopeo/crane
  --help              print this help

Exit status: 0 written, 1 could not write the file, 2 bad usage or input (missing or
non-wasm file, bad --tag, an -o that is not a regular file or is the input).
`;

export interface Blob {
  digest: string;
  size: number;
  data: Uint8Array;
}

function blob(data: Uint8Array | string): Blob {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length, data: bytes };
}

/** NAME[:TAG] → { name, tag }; the name follows the distribution spec's repository grammar. */
export function parseTag(text: string): { name: string; tag: string } {
  const slash = text.lastIndexOf("/");
  const colon = text.lastIndexOf(":");
  const [name, tag] = colon > slash ? [text.slice(0, colon), text.slice(colon + 1)] : [text, "latest"];
  const component = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
  const parts = name.split("/");
  // The first part may be a registry host with a port (localhost:5000, ghcr.io).
  const hostOk = (p: string) => /^[a-zA-Z0-9.-]+(?::\d+)?$/.test(p);
  const valid = parts.every((p, i) => component.test(p) || (i === 0 && parts.length > 1 && hostOk(p)));
  if (!name || !valid)
    throw new UsageError(`--tag: "${clip(text)}" is not an image name (lower-case, e.g. ghcr.io/me/my-filter:0.1.0)`);
  // The distribution spec's tag grammar: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
  if (tag.length > 128)
    throw new UsageError(
      `--tag: the tag is ${tag.length} characters long; a tag has at most 128 (OCI distribution spec)`,
    );
  if (!/^[\w][\w.-]{0,127}$/.test(tag))
    throw new UsageError(
      `--tag: "${tag}" is not a valid tag (letters, digits, _ . -, not starting with . or -; at most 128)`,
    );
  // distribution/reference's NameTotalLengthMax: registries refuse longer repository names.
  if (name.length > 255)
    throw new UsageError(`--tag: the image name is ${name.length} characters long; a name has at most 255`);
  return { name, tag };
}

/** A user's text in a one-line message: long text is cut, so the line stays readable. */
function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 60)}... (${text.length} characters)`;
}

/**
 * Refuses an output that is not a regular file (a FIFO, a device, a directory would be
 * replaced by the rename, or block) or that is the input itself.
 */
async function checkOutput(output: string, input: string): Promise<void> {
  const [out, inp] = await Promise.all([stat(output).catch(() => null), stat(input)]);
  if (!out) return;
  if (!out.isFile()) {
    const what = out.isDirectory()
      ? "a directory"
      : out.isFIFO()
        ? "a FIFO"
        : out.isCharacterDevice() || out.isBlockDevice()
          ? "a device"
          : out.isSocket()
            ? "a socket"
            : "not a regular file";
    throw new UsageError(`-o ${output} is ${what}: give the path of a regular file to write`);
  }
  if (out.dev === inp.dev && out.ino === inp.ino)
    throw new UsageError(`-o ${output} is the input filter itself: write the image to another file`);
}

export interface Image {
  tarball: Uint8Array;
  manifest: Blob;
  config: Blob;
  layer: Blob;
  diffId: string;
}

/** Builds the image and its layout tarball in memory. */
export function buildImage(wasm: Uint8Array, ref: { name: string; tag: string } | null): Image {
  const layerTar = tar([{ name: "plugin.wasm", data: wasm, mode: 0o644 }]);
  const diffId = blob(layerTar).digest;
  const layer = blob(new Uint8Array(gzipSync(layerTar, { level: 9 })));
  const config = blob(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: {},
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created_by: "proxy-wasm-as package", comment: "plugin.wasm (Wasm image compat variant)" }],
    }),
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: MEDIA_TYPES.layer, digest: layer.digest, size: layer.size }],
      annotations: COMPAT_ANNOTATION,
    }),
  );
  const tag = ref?.tag ?? "latest";
  const annotations: Record<string, string> = { "org.opencontainers.image.ref.name": tag };
  if (ref) annotations["io.containerd.image.name"] = `${ref.name}:${ref.tag}`;
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [{ mediaType: MEDIA_TYPES.manifest, digest: manifest.digest, size: manifest.size, annotations }],
  });
  const path = (b: Blob) => `blobs/sha256/${b.digest.slice(7)}`;
  const dockerManifest = JSON.stringify([
    { Config: path(config), RepoTags: ref ? [`${ref.name}:${ref.tag}`] : [], Layers: [path(layer)] },
  ]);
  const text = (s: string) => new TextEncoder().encode(s);
  const tarball = tar([
    { name: "blobs" },
    { name: "blobs/sha256" },
    ...[config, layer, manifest].map((b) => ({ name: path(b), data: b.data })),
    { name: "index.json", data: text(index) },
    { name: "manifest.json", data: text(dockerManifest) },
    { name: "oci-layout", data: text(JSON.stringify({ imageLayoutVersion: "1.0.0" })) },
  ]);
  return { tarball, manifest, config, layer, diffId };
}

const SPEC = { output: { value: true, short: "o" }, tag: { value: true, short: "t" }, help: { short: "h" } };

export async function packageImage(args: string[], io: Io): Promise<number> {
  let file: string, output: string, ref: { name: string; tag: string } | null, wasm: Uint8Array;
  try {
    const p = parseOptions(args, SPEC);
    if (p.flags.has("help")) {
      io.out(PACKAGE_USAGE);
      return 0;
    }
    if (p.positionals.length !== 1)
      throw new UsageError(
        p.positionals.length
          ? `one filter only, got ${p.positionals.join(" ")}`
          : "no filter given (package FILTER.wasm -o IMAGE.tar)",
      );
    file = p.positionals[0];
    output = one(p, "output") ?? "";
    if (!output) throw new UsageError("-o IMAGE.tar is required");
    const tagText = one(p, "tag");
    ref = tagText === undefined ? null : parseTag(tagText);
    wasm = await readWasmFile(file);
    await checkOutput(output, file);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`package: ${e.message}\nRun "proxy-wasm-as package --help" for the options.\n`);
    return 2;
  }
  let conformant = false;
  try {
    conformant = checkModule(wasm).conformant;
  } catch {
    // unreadable beyond the header: say so below
  }
  if (!conformant)
    io.err(
      `package: warning: ${file} does not conform to Proxy-Wasm ABI v0.2.1; a proxy may reject it (run "proxy-wasm-as check ${file}")\n`,
    );
  const image = buildImage(wasm, ref);
  // Written beside the target, then renamed: a reader never sees half an image.
  const tmp = `${output}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, image.tarball, { flag: "wx" });
    await rename(tmp, output);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EEXIST") await unlink(tmp).catch(() => {}); // never leave a temporary behind
    const why =
      code === "ENOENT"
        ? "no such directory"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory"
            : (e as Error).message;
    io.err(`package: cannot write ${output}: ${why}\n`);
    return 1;
  }
  const name = ref ? `${ref.name}:${ref.tag}` : "(untagged; --tag NAME:TAG names it)";
  const push = ref ? `${ref.name}:${ref.tag}` : "REGISTRY/NAME:TAG";
  io.out(
    [
      `wrote ${output} (${image.tarball.length} bytes): OCI image layout, Wasm image compat variant (Istio WasmPlugin)`,
      `  image     ${name}`,
      `  manifest  ${image.manifest.digest}`,
      `  layer     ${image.layer.digest} (plugin.wasm, ${wasm.length} bytes from ${basename(file)})`,
      `push with:  skopeo copy oci-archive:${output} docker://${push}`,
      `       or:  crane push ${output} ${push}`,
      "",
    ].join("\n"),
  );
  return 0;
}
