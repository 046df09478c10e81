// `proxy-wasm-as check FILE.wasm...`: checks each module against ABI v0.2.1.
// Exit status: 0 conformant, 1 not conformant, 2 unreadable file or bad usage; the worst wins.
import { readFile } from "node:fs/promises";
import { checkModule, type ModuleReport } from "./conformance.js";
import { whyUnreadable } from "./read-file.js";
import { formatProblemsText, formatReportText } from "./report-text.js";
import { type ParsedOptions, parseOptions, UsageError } from "./options.js";
import type { Io } from "./io.js";
import { WasmReadError } from "../host/wasm/wasm-reader.js";

export const CHECK_USAGE = `Usage: proxy-wasm-as check [--json | --quiet] FILE.wasm [FILE.wasm ...]

Checks that each WebAssembly module conforms to Proxy-Wasm ABI v0.2.1: every import
is a host function (or WASI call) the ABI defines, with its exact signature; the module
exports the ABI marker, its memory, an allocator and an initialiser; every proxy_on_*
callback has the spec's signature. Lists the imports, exports and handled callbacks.

Options:
  --json    print one JSON document instead of text
  --quiet   print only the problems; a module without any gets one line
  --help    print this help

Exit status: 0 conformant, 1 not conformant, 2 unreadable file (the worst of all files).
`;

export type FileResult =
  | ({ file: string; status: "conformant" | "nonconformant" } & ModuleReport)
  | { file: string; status: "unreadable"; exitCode: 2; error: string };

/** Reads and checks one file; never throws for a missing, truncated or non-wasm file. */
export async function checkFile(file: string): Promise<FileResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    return { file, status: "unreadable", exitCode: 2, error: `cannot read the file: ${whyUnreadable(e)}` };
  }
  try {
    const report = checkModule(bytes);
    return { file, status: report.conformant ? "conformant" : "nonconformant", ...report };
  } catch (e) {
    if (e instanceof WasmReadError) return { file, status: "unreadable", exitCode: 2, error: e.message };
    throw e;
  }
}

export async function check(args: string[], io: Io): Promise<number> {
  let p: ParsedOptions;
  try {
    p = parseOptions(args, { json: {}, quiet: { short: "q" }, help: { short: "h" } });
    if (!p.flags.has("help") && p.positionals.length === 0) throw new UsageError("no file given");
    if (p.flags.has("json") && p.flags.has("quiet")) throw new UsageError("--json and --quiet do not go together");
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`check: ${e.message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  if (p.flags.has("help")) {
    io.out(CHECK_USAGE);
    return 0;
  }
  const json = p.flags.has("json");
  const files = p.positionals;
  const results: FileResult[] = [];
  for (const file of files) results.push(await checkFile(file));
  const exitCode = Math.max(...results.map((r) => r.exitCode));
  if (json) {
    io.out(JSON.stringify({ abi: "v0.2.1", exitCode, files: results }, null, 2) + "\n");
  } else {
    for (const [i, r] of results.entries()) {
      if (r.status === "unreadable") io.err(`${r.file}: ${r.error}\n`);
      else if (p.flags.has("quiet")) io.out(formatProblemsText(r.file, r));
      else io.out((i > 0 ? "\n" : "") + formatReportText(r.file, r));
    }
  }
  return exitCode;
}
