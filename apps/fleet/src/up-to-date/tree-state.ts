import { createHash } from "node:crypto";
import { type Dirent, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { isAbsence } from "./observe.js";

/**
 * A digest of everything under `root` as it is now: every path, its type, each file's content
 * and each symlink's target ("absent" when there is no root). Anything flotilla did not write
 * counts too: a stale or foreign file changes what synth reports. Undefined when the tree changed
 * while it was read, or `accept` (given each file's path relative to `root`, POSIX, and content)
 * refused a file.
 */
export function treeState(root: string, accept: (path: string, content: Buffer) => boolean = () => true): string | undefined {
  const digest = createHash("sha256");
  const walk = (dir: string, prefix: string, entries = readdirSync(dir, { withFileTypes: true })) => {
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const shown = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        digest.update(`d ${shown}\0`);
        walk(path, `${shown}/`);
      } else if (entry.isFile()) {
        const content = readFileSync(path);
        if (!accept(shown, content)) throw new Refused();
        digest.update(`f ${shown}\0`).update(content).update("\0");
      } else if (entry.isSymbolicLink()) {
        digest.update(`l ${shown}\0${readlinkSync(path)}\0`);
      } else {
        digest.update(`o ${shown}\0`);
      }
    }
  };
  let top: Dirent[];
  try {
    top = readdirSync(root, { withFileTypes: true });
  } catch (error) {
    if (isAbsence(error)) return "absent";
    throw error;
  }
  try {
    walk(root, "", top);
  } catch (error) {
    if (isAbsence(error) || error instanceof Refused) return undefined;
    throw error;
  }
  return digest.digest("base64url");
}

class Refused extends Error {}
