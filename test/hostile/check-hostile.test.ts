// Hostile input to `check` (issue 24): a module with 200,000 imports is checked entry by
// entry (the per-entry verdict comes from one pass over the findings, so the work is linear),
// and a module declaring more initial memory than a proxy allows is not called conformant.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkModule, EMULATOR_DEFAULT_MAX_PAGES, PROXY_MAX_PAGES } from "../../cli/conformance.js";
import { formatReportText } from "../../cli/report-text.js";
import { Host } from "../../host/index.js";
import { runCli } from "../cli/helpers.js";
import { bigModule } from "./big-module.js";

const tmp = mkdtempSync(join(tmpdir(), "pwas-hostile-check-"));

describe("check on a module with 200,000 imports", () => {
  const N = 200_000;
  // Every third import is unknown (an error), the others are the ABI's proxy_log (ok).
  const names = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? `nope_${i}` : "proxy_log"));
  const bytes = bigModule({ imports: names });

  it("gives every import its own verdict and counts every finding", () => {
    const r = checkModule(bytes);
    expect(r.imports).toHaveLength(N);
    const bad = Math.ceil(N / 3);
    expect(r.errors).toBe(bad);
    expect(r.findings).toHaveLength(bad);
    for (let i = 0; i < N; i += 9973) {
      expect(r.imports[i].name).toBe(`env.${names[i]}`);
      expect(r.imports[i].status).toBe(i % 3 === 0 ? "error" : "ok");
    }
    expect(r.imports.filter((l) => l.status === "error")).toHaveLength(bad);
    expect(r.exports.map((e) => e.status)).toEqual(["ok", "ok", "ok", "ok"]);
    // the text report of 200,000 lines (no argument spread of that size)
    const text = formatReportText("big.wasm", r);
    expect(text.split("\n").filter((l) => l.includes("ERROR  env.nope_"))).toHaveLength(bad);
  });
});

describe("check on a module's initial memory", () => {
  const verdict = async (pages: number) => {
    const file = join(tmp, `pages-${pages}.wasm`);
    writeFileSync(file, bigModule({ imports: ["proxy_log"], pages }));
    return runCli("check", file);
  };

  it("refuses more than a proxy allows (1 GiB, cpp-host's limit)", async () => {
    for (const pages of [PROXY_MAX_PAGES + 1, 65_536]) {
      const r = await verdict(pages);
      expect(r.code, String(pages)).toBe(1);
      expect(r.out).toMatch(
        new RegExp(
          `error\\s+memory: initial memory is ${pages} pages .* more than a proxy allows \\(16384 pages, 1 GiB`,
        ),
      );
      expect(r.out).toMatch(/ERROR\s+memory/);
    }
  });

  it("warns past the emulator's default limit, which loadVm enforces", async () => {
    const r = await verdict(PROXY_MAX_PAGES);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning\s+memory: initial memory is 16384 pages \(1024 MiB\): a proxy allows it/);
    const host = new Host();
    await expect(
      host.loadVm(bigModule({ imports: ["proxy_log"], pages: EMULATOR_DEFAULT_MAX_PAGES + 1 })),
    ).rejects.toThrow(`exceeds the host's limit (${EMULATOR_DEFAULT_MAX_PAGES} pages)`);
  });

  it("says nothing at the emulator's limit", async () => {
    const r = await verdict(EMULATOR_DEFAULT_MAX_PAGES);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/memory: initial memory/);
  });
});
