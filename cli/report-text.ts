// Renders a ModuleReport as plain text for a terminal: verdict, imports, exports, the
// callbacks grouped by purpose, then every problem with what to do about it.
import type { EntryLine, ModuleReport } from "./conformance.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const MARK: Record<EntryLine["status"], string> = { ok: "ok   ", warning: "warn ", error: "ERROR" };

function entries(title: string, lines: EntryLine[]): string[] {
  if (lines.length === 0) return [`${title} (0)`, "  (none)"];
  const width = lines.reduce((w, l) => Math.max(w, l.name.length), 0);
  return [
    `${title} (${lines.length})`,
    ...lines.map((l) => `  ${MARK[l.status]}  ${l.name.padEnd(width)}  ${l.signature ?? l.kind}`),
  ];
}

function verdictLine(file: string, r: ModuleReport): string {
  const verdict = r.conformant ? "conforms to" : "does NOT conform to";
  return `${file}: ${verdict} Proxy-Wasm ABI ${r.abi} (${plural(r.errors, "error")}, ${plural(r.warnings, "warning")})`;
}

const problem = (f: ModuleReport["findings"][number]) => `  ${f.severity.padEnd(7)}  ${f.subject}: ${f.message}`;

/** check --quiet: the verdict and the problems only (one line for a module without any). */
export function formatProblemsText(file: string, r: ModuleReport): string {
  return [verdictLine(file, r), ...r.findings.map(problem)].join("\n") + "\n";
}

export function formatReportText(file: string, r: ModuleReport): string {
  // concat, not push(...): a module may have 200,000 imports, more arguments than a call takes.
  const out = [verdictLine(file, r), ""].concat(entries("Imports", r.imports), "", entries("Exports", r.exports), "");
  out.push("Callbacks handled");
  if (r.callbacks.length === 0) out.push("  (none: the module exports no proxy_on_* callback)");
  const width = Math.max(0, ...r.callbacks.map((g) => g.group.length));
  for (const g of r.callbacks) out.push(`  ${g.group.padEnd(width)}  ${g.callbacks.join(", ")}`);
  if (r.findings.length > 0) {
    out.push("", "Problems");
    for (const f of r.findings) out.push(problem(f));
  }
  return out.join("\n") + "\n";
}
