import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This app's dist/ directory (where the compiled entry points run from). */
export const distDir = dirname(fileURLToPath(import.meta.url));

/** The repository root: three levels above apps/fleet/dist/. */
export const repoRoot = resolve(distDir, "../../..");

/** Paths inside the repository are shown relative to its root (turbo runs synth from apps/fleet). */
export function displayPath(path: string): string {
  const inRepo = relative(repoRoot, path);
  return inRepo && !inRepo.startsWith("..") ? inRepo : path;
}
