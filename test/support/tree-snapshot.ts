import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Every file under `root` with its exact bytes, keyed by relative path. */
export async function snapshotTree(root: string, prefix = ""): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of await snapshotTree(root, path)) files.set(k, v);
    else files.set(path, await readFile(join(root, path)));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
