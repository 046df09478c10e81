// The benchmark's exact instrument: a copy of a module that counts the wasm instructions it
// executes (Wasmtime's fuel rules). It lives in cli/instruction-count.ts, shared with
// `proxy-wasm-as cost`; this module builds the emulator and CLI first when they are missing or
// stale, then re-exports it.
import { at } from "./paths.mjs";
import { ensureEmulator } from "./prepare.mjs";

ensureEmulator((message) => console.error(`[prepare] ${message}`));
const counter = await import(at("dist/cli/instruction-count.js"));

export const COUNTER_EXPORT = counter.COUNTER_EXPORT;
export const instrumentForCounting = counter.instrumentForCounting;
export const instrumentPerFunction = counter.instrumentPerFunction;
export const addCounter = counter.addCounter;
