import { createHash } from "node:crypto";
import { accessSync, constants, type Dirent, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * What a program learnt from the file system in one call, as a comparable value: the kinds are
 * the questions synth asks (the content of a file, the entries of a directory, whether a path
 * exists, its type and size), and `observe` asks them again. ENOENT and ENOTDIR are an answer
 * ("absent"); any other error has no value.
 */
export type ObservationKind = "file" | "dir" | "tree" | "exists" | "stat" | "lstat" | "access" | "executable" | "realpath";

export const ABSENT = "absent";

export function digestOf(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url");
}

/** Paths whose state is not an input (what the run itself writes: caches, the tree, lock and staging files). */
export type Excluded = (path: string) => boolean;

/**
 * A directory listing's value: its entries' paths relative to `dir` (Dirents of a recursive listing
 * carry their own directory), sorted, without the excluded ones, whatever form they came in.
 */
export function listingValue(dir: string, entries: readonly unknown[], excluded: Excluded): string {
  const names: string[] = [];
  for (const entry of entries) {
    const name =
      typeof entry === "string"
        ? entry
        : Buffer.isBuffer(entry)
          ? entry.toString()
          : relative(dir, join((entry as Dirent).parentPath ?? dir, (entry as Dirent).name));
    if (!excluded(join(dir, name))) names.push(name);
  }
  return digestOf(JSON.stringify(names.sort()));
}

export function statValue(stats: Stats): string {
  if (stats.isFile()) return `file:${stats.size}`;
  if (stats.isDirectory()) return "dir";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

export function isAbsence(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Asks the question of `kind` about `path` now; undefined when the answer is an error other than absence. */
export function observe(kind: ObservationKind, path: string, excluded: Excluded): string | undefined {
  try {
    switch (kind) {
      case "file":
        return digestOf(readFileSync(path));
      case "dir":
        return listingValue(path, readdirSync(path), excluded);
      case "tree":
        return listingValue(path, readdirSync(path, { recursive: true }), excluded);
      case "exists":
        return existsSync(path) ? "yes" : "no";
      case "stat":
        return statValue(statSync(path));
      case "lstat":
        return statValue(lstatSync(path));
      // A program found by access() is also told apart by its size: another Helm on PATH is another input.
      case "access":
        accessSync(path);
        return `yes ${statValue(statSync(path))}`;
      case "executable":
        accessSync(path, constants.X_OK);
        return `yes ${statValue(statSync(path))}`;
      case "realpath":
        return realpathSync(path);
    }
  } catch (error) {
    return isAbsence(error) ? ABSENT : (error as NodeJS.ErrnoException).code === "EACCES" && (kind === "access" || kind === "executable") ? "denied" : undefined;
  }
}
