// Where things are: the repository root and the bench directory, as absolute paths.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH, "..");
export const at = (...parts) => join(ROOT, ...parts);
