// docs/abi-coverage.md must match the ABI table, and every table entry must name the SDK
// helper that covers it (the `sdk` field).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadAbiTable } from "../../host/wasm/abi-table.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("ABI coverage", () => {
  it("docs/abi-coverage.md is up to date (node scripts/abi-coverage.mjs --check)", () => {
    const r = spawnSync(process.execPath, ["scripts/abi-coverage.mjs", "--check"], { cwd: root, encoding: "utf8" });
    expect(r.stderr + r.stdout).toContain("is up to date");
    expect(r.status).toBe(0);
  });

  it("has one row per function of the table", () => {
    const doc = readFileSync(`${root}docs/abi-coverage.md`, "utf8");
    for (const f of loadAbiTable().functions) expect(doc).toContain(`| \`${f.name}\``);
  });

  it("names the SDK helper of every host function and callback (sdk field)", () => {
    const missing = loadAbiTable().functions.filter((f) => typeof f.sdk !== "string" || f.sdk.trim() === "");
    const names = missing.map((f) => (f.module ? `${f.module}.${f.name}` : f.name));
    expect(names, `abi/v0.2.1.json entries without an "sdk" field: ${names.join(", ")}`).toEqual([]);
  });
});
