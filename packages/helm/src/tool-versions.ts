import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What `helm version` / `kubectl version` printed for a binary, kept in `<cacheDir>/tool-versions.json`
 * by its path and the identity of its file (size, modification time, inode): a run whose tools
 * did not change starts no process to ask them again. A replaced binary is asked again.
 */
export async function rememberedVersion<T>(path: string, cacheDir: string, ask: () => Promise<T>): Promise<T> {
  const file = join(cacheDir, "tool-versions.json");
  let identity: string;
  try {
    const stats = statSync(path);
    identity = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  } catch {
    return ask();
  }
  const known = readKnown(file);
  const entry = known[path];
  if (entry?.identity === identity) return entry.version as T;
  const version = await ask();
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ ...readKnown(file), [path]: { identity, version } }));
    renameSync(temporary, file);
  } catch {
    // a cache that cannot be written only costs a process start
  }
  return version;
}

function readKnown(file: string): Record<string, { identity: string; version: unknown }> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, { identity: string; version: unknown }>) : {};
  } catch {
    return {};
  }
}
