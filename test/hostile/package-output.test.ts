// Hostile input to `package` (issue 24): an -o that is a FIFO, a directory or the input
// itself is refused with one line and nothing is written or left behind; tags and names past
// the OCI distribution limits are refused without echoing the whole text.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, runCli } from "../cli/helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-hostile-package-"));
const WASM = example("http-headers");

async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await runCli("package", ...args);
  expect(r.code, args.join(" ")).toBe(2);
  const lines = r.err.split("\n");
  expect(lines[0]).toMatch(message);
  expect(lines[0].length).toBeLessThan(200);
  expect(r.out).toBe("");
}

describe("package -o refuses what is not a regular file, or is the input", () => {
  it("leaves a FIFO a FIFO", async () => {
    const fifo = join(tmp, "f.tar");
    execFileSync("mkfifo", [fifo]);
    await refused([WASM, "-o", fifo], /^package: -o .*f\.tar is a FIFO: give the path of a regular file/);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it("refuses a device", async () => {
    await refused([WASM, "-o", "/dev/null"], /^package: -o \/dev\/null is a device/);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("refuses a directory and leaves no temporary beside it", async () => {
    const dir = join(tmp, "dir");
    mkdirSync(dir);
    await refused([WASM, "-o", dir], /^package: -o .*dir is a directory/);
    expect(readdirSync(tmp).filter((n) => n.includes(".tmp"))).toEqual([]);
  });

  it("does not overwrite its own input", async () => {
    const same = join(tmp, "same.wasm");
    copyFileSync(WASM, same);
    await refused([same, "-o", same], /^package: -o .*same\.wasm is the input filter itself/);
    expect(readFileSync(same)).toEqual(readFileSync(WASM));
  });

  it("still replaces an existing regular file, atomically (no temporary left)", async () => {
    const out = join(tmp, "again.tar");
    expect((await runCli("package", WASM, "-o", out)).code).toBe(0);
    expect((await runCli("package", WASM, "-o", out)).code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe("blobs");
    expect(readdirSync(tmp).filter((n) => n.includes(".tmp"))).toEqual([]);
  });
});

describe("package --tag at the OCI distribution limits", () => {
  const out = join(tmp, "tagged.tar");
  it("takes a 128-character tag", async () => {
    const r = await runCli("package", WASM, "-o", out, "--tag", `me/filter:${"a".repeat(128)}`);
    expect(r.code, r.err).toBe(0);
  });

  it("refuses a 129- or 5,000-character tag in one short line", async () => {
    await refused(
      [WASM, "-o", out, "--tag", `me/filter:${"a".repeat(129)}`],
      /the tag is 129 characters long; a tag has at most 128/,
    );
    await refused([WASM, "-o", out, "--tag", `me/filter:${"a".repeat(5000)}`], /the tag is 5000 characters long/);
  });

  it("refuses a tag starting with . or -, and a name past 255 characters", async () => {
    await refused([WASM, "-o", out, "--tag", "me/filter:.hidden"], /not a valid tag/);
    await refused([WASM, "-o", out, "--tag", "me/filter:-x"], /not a valid tag/);
    await refused(
      [WASM, "-o", out, "--tag", `me/${"n".repeat(300)}:1`],
      /the image name is 303 characters long; a name has at most 255/,
    );
    await refused([WASM, "-o", out, "--tag", `Bad ${"x".repeat(5000)}`], /is not an image name/);
  });
});
