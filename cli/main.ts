// The command-line router: the first argument names a subcommand, each living in its own
// file. Returns the exit code instead of exiting, so tests can call it in-process.
import { build } from "./build.js";
import { check } from "./check.js";
import { cost } from "./cost.js";
import { init } from "./init.js";
import { processIo, type Io } from "./io.js";
import { packageImage } from "./package-image.js";
import { serve } from "./serve.js";

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  build: { run: build, summary: "build every filter of a project (in parallel) and check each" },
  check: { run: check, summary: "check .wasm modules against Proxy-Wasm ABI v0.2.1" },
  cost: { run: cost, summary: "count the wasm instructions a filter executes per callback and per function" },
  init: { run: init, summary: "create a new filter project from one of the examples" },
  package: { run: packageImage, summary: "write the filter as an OCI image tarball (Istio WasmPlugin compat format)" },
  serve: { run: serve, summary: "run a filter in a local development proxy in front of an upstream" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`);
  return `Usage: proxy-wasm-as <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun "proxy-wasm-as <command> --help" for a command's options.\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === undefined) {
      io.err(usage());
      return 2;
    }
    io.out(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`proxy-wasm-as: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A bug of ours must still end with a message and a status, not a stack trace.
    io.err(`proxy-wasm-as ${name}: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}
