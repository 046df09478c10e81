// docs/api.md documents `id` in the member tables of HttpStream and TcpStream (the context id a
// test needs to match log lines and calls to a stream), and the emulator has it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { Host } from "../../host/index.js";

const apiDoc = readFileSync(fileURLToPath(new URL("../../docs/api.md", import.meta.url)), "utf8");

/** The text of the "### `name`" section of api.md. */
function section(name: string): string {
  const start = apiDoc.indexOf(`### \`${name}\``);
  const end = apiDoc.indexOf("\n### ", start + 1);
  return start < 0 ? "" : apiDoc.slice(start, end < 0 ? undefined : end);
}

it("documents HttpStream.id and TcpStream.id as the context ids the filter sees", async () => {
  expect(section("HttpStream")).toMatch(/^\| `id: number` \| .*context id/m);
  expect(section("TcpStream")).toMatch(/^\| `id: number` \| .*context id/m);
  const wasm = readFileSync(fileURLToPath(new URL("../build/add-header.wasm", import.meta.url)));
  const plugin = (await new Host().loadVm(wasm)).startPlugin();
  const [a, b] = [plugin.newHttpStream(), plugin.newTcpStream()];
  expect(typeof a.id).toBe("number");
  expect(new Set([plugin.id, a.id, b.id]).size).toBe(3);
});
