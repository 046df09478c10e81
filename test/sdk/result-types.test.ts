// Every result class of proxy-wasm-as/assembly types its host status alike: a `status` member is
// declared as `Status` (the enum users compare with and pass to statusName), never a bare number.
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

const entry = fileURLToPath(new URL("../../assembly/index.ts", import.meta.url));

/** Each exported class with a `status` member, and the type written on that member. */
function statusMembers(): Map<string, string> {
  const program = ts.createProgram([entry], { noEmit: true, experimentalDecorators: true, types: [] });
  const checker = program.getTypeChecker();
  const found = new Map<string, string>();
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      if (!ts.isClassDeclaration(declaration)) continue;
      const member = checker.getDeclaredTypeOfSymbol(symbol).getProperty("status")?.valueDeclaration;
      if (member && (ts.isParameter(member) || ts.isPropertyDeclaration(member))) {
        found.set(exported.getName(), member.type?.getText() ?? "(untyped)");
      }
    }
  }
  return found;
}

it("declares every result's status as Status", () => {
  const members = statusMembers();
  // The results users handle most: a change that drops one of them from the scan must show here.
  for (const name of [
    "CallResult",
    "CallStatus",
    "SharedDataValue",
    "SharedCounterValue",
    "SharedTextValue",
    "QueueResult",
    "QueueItem",
    "ForeignCallResult",
  ]) {
    expect(members.has(name), name).toBe(true);
  }
  expect([...members].filter(([, type]) => type !== "Status")).toEqual([]);
});
