import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { repoRoot } from "./flotilla-cli.js";

/**
 * The example fleet as a user's repository under `work`: `.git` (so git.path and the image tags
 * directory are checked as in a real fleet), `fleet/` with the cluster files and their identity
 * outputs, secrets and image tags, and the committed `clusters/`.
 */
export async function copyExampleFleet(work: string): Promise<{ fleet: string; out: string }> {
  const fleet = join(work, "fleet");
  const out = join(work, "clusters");
  await mkdir(join(work, ".git"), { recursive: true });
  await cp(join(repoRoot, "apps/fleet/src/clusters"), fleet, { recursive: true });
  for (const dir of ["identity-outputs", "secrets", "images"]) await cp(join(repoRoot, "apps/fleet", dir), join(fleet, dir), { recursive: true });
  await cp(join(repoRoot, "clusters"), out, { recursive: true });
  return { fleet, out };
}

/** Replaces the one occurrence of `old` in the file at `path` (as a user edits it). */
export async function editFile(path: string, old: string, replacement: string): Promise<void> {
  const text = await readFile(path, "utf8");
  expect(text.split(old)).toHaveLength(2);
  await writeFile(path, text.replace(old, replacement));
}
