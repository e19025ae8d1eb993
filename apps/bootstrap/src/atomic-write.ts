/**
 * Writes a file atomically: a temporary file in the same directory (`.tmp-*`, git-ignored),
 * flushed, then renamed over the target, and the directory fsynced, so a reader sees the old
 * file or the new one, never half of one, and a failure leaves the old file and no temporary.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename durable (best effort: not every platform lets a directory be fsynced). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // ignored: durability of the rename, not its atomicity, depends on this
  }
}
