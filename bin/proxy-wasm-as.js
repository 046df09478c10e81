#!/usr/bin/env node
// The package's command line; the commands live in dist/cli (compiled from cli/).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
