import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ABSENT, digestOf, type Excluded, isAbsence, listingValue, type ObservationKind, statValue } from "./observe.js";

export type Observation = [kind: ObservationKind, path: string, value: string];

export interface ReadTrace {
  /**
   * Ends the trace (the file system functions are restored) and returns what was observed, or
   * undefined when some answer cannot be asked again (an error other than absence, a file read
   * from a descriptor, a path that gave two answers during the run).
   */
  stop(): Observation[] | undefined;
}

type Fn = (...args: never[]) => unknown;

/**
 * Records every file, directory and path this process reads through `node:fs` and
 * `node:fs/promises` (synchronous and promise functions; named ES imports included, through
 * syncBuiltinESMExports) until `stop`, each with the value it had when read: file contents are
 * hashed from the very bytes the caller got, so an edit during the run cannot be recorded as seen.
 * Reads of `excluded` paths are not recorded. Node's module loader, worker threads and child
 * processes do not read through these functions: what they read is the caller's to record.
 */
export function traceReads(excluded: Excluded): ReadTrace {
  const seen = new Map<string, Observation>();
  let complete = true;
  const record = (kind: ObservationKind, path: string, value: string | undefined) => {
    if (excluded(path)) return;
    if (value === undefined) {
      complete = false;
      return;
    }
    const key = `${kind} ${path}`;
    const known = seen.get(key);
    if (known && known[2] !== value) complete = false;
    else seen.set(key, [kind, path, value]);
  };
  /** The answer's value for an error: absence is one, anything else is not. */
  const failed = (kind: ObservationKind, path: string | undefined, error: unknown) => {
    if (path === undefined) return;
    record(kind, path, isAbsence(error) ? ABSENT : kind === "access" || kind === "executable" ? ((error as NodeJS.ErrnoException).code === "EACCES" ? "denied" : undefined) : undefined);
  };

  const restore: (() => void)[] = [];
  const replace = <T extends object>(target: T, name: keyof T & string, wrap: (original: Fn) => Fn) => {
    const original = target[name] as Fn;
    const wrapped = Object.assign(wrap(original), original);
    (target as Record<string, unknown>)[name] = wrapped;
    restore.push(() => ((target as Record<string, unknown>)[name] = original));
  };
  const promises = fs.promises;

  replace(fs, "readFileSync", (original) => (file: unknown, options?: unknown) => {
    const path = traceablePath(file, options);
    if (path === undefined) {
      if (typeof file === "number") complete = false;
      return original(...([file, options] as never[]));
    }
    let bytes: Buffer;
    try {
      bytes = original(...([file] as never[])) as Buffer;
    } catch (error) {
      failed("file", path, error);
      throw error;
    }
    record("file", path, digestOf(bytes));
    return decoded(bytes, options);
  });
  replace(promises, "readFile", (original) => async (file: unknown, options?: unknown) => {
    const path = traceablePath(file, options);
    if (path === undefined) {
      if (typeof file !== "string" && !(file instanceof URL) && !Buffer.isBuffer(file)) complete = false;
      return original(...([file, options] as never[]));
    }
    const signal = typeof options === "object" && options !== null ? (options as { signal?: AbortSignal }).signal : undefined;
    let bytes: Buffer;
    try {
      bytes = (await original(...([file, signal ? { signal } : undefined] as never[]))) as Buffer;
    } catch (error) {
      failed("file", path, error);
      throw error;
    }
    record("file", path, digestOf(bytes));
    return decoded(bytes, options);
  });
  const listing = (path: string | undefined, options: unknown, entries: unknown) => {
    if (path === undefined) return;
    const recursive = typeof options === "object" && options !== null && (options as { recursive?: boolean }).recursive === true;
    record(recursive ? "tree" : "dir", path, listingValue(path, entries as unknown[], excluded));
  };
  replace(fs, "readdirSync", (original) => (dir: unknown, options?: unknown) => {
    const path = pathOf(dir);
    try {
      const entries = original(...([dir, options] as never[]));
      listing(path, options, entries);
      return entries;
    } catch (error) {
      failed("dir", path, error);
      throw error;
    }
  });
  replace(promises, "readdir", (original) => async (dir: unknown, options?: unknown) => {
    const path = pathOf(dir);
    try {
      const entries = await original(...([dir, options] as never[]));
      listing(path, options, entries);
      return entries;
    } catch (error) {
      failed("dir", path, error);
      throw error;
    }
  });
  replace(fs, "existsSync", (original) => (target: unknown) => {
    const exists = original(...([target] as never[])) as boolean;
    const path = pathOf(target);
    if (path !== undefined) record("exists", path, exists ? "yes" : "no");
    return exists;
  });
  for (const [name, kind] of [["statSync", "stat"], ["lstatSync", "lstat"]] as const) {
    replace(fs, name, (original) => (target: unknown, options?: unknown) => {
      const path = pathOf(target);
      try {
        const stats = original(...([target, options] as never[])) as fs.Stats | undefined;
        if (path !== undefined) record(kind, path, stats === undefined ? ABSENT : statValue(stats));
        return stats;
      } catch (error) {
        failed(kind, path, error);
        throw error;
      }
    });
  }
  for (const [name, kind] of [["stat", "stat"], ["lstat", "lstat"]] as const) {
    replace(promises, name, (original) => async (target: unknown, options?: unknown) => {
      const path = pathOf(target);
      try {
        const stats = (await original(...([target, options] as never[]))) as fs.Stats;
        if (path !== undefined) record(kind, path, statValue(stats));
        return stats;
      } catch (error) {
        failed(kind, path, error);
        throw error;
      }
    });
  }
  const accessKind = (mode: unknown): ObservationKind | undefined =>
    mode === undefined || mode === fs.constants.F_OK || mode === fs.constants.R_OK ? "access" : mode === fs.constants.X_OK ? "executable" : undefined;
  const accessed = (target: unknown, mode: unknown) => {
    const path = pathOf(target);
    const kind = accessKind(mode);
    if (path === undefined) return;
    if (kind === undefined) return void (complete = false);
    try {
      record(kind, path, `yes ${statValue(fs.statSync(path))}`);
    } catch (error) {
      failed(kind, path, error);
    }
  };
  const accessFailed = (target: unknown, mode: unknown, error: unknown) => {
    const kind = accessKind(mode);
    if (kind === undefined) complete = false;
    else failed(kind, pathOf(target), error);
  };
  replace(fs, "accessSync", (original) => (target: unknown, mode?: unknown) => {
    try {
      original(...([target, mode] as never[]));
    } catch (error) {
      accessFailed(target, mode, error);
      throw error;
    }
    accessed(target, mode);
  });
  replace(promises, "access", (original) => async (target: unknown, mode?: unknown) => {
    try {
      await original(...([target, mode] as never[]));
    } catch (error) {
      accessFailed(target, mode, error);
      throw error;
    }
    accessed(target, mode);
  });
  replace(fs, "realpathSync", (original) => (target: unknown, options?: unknown) => {
    const path = pathOf(target);
    try {
      const real = original(...([target, options] as never[]));
      if (path !== undefined) record("realpath", path, String(real));
      return real;
    } catch (error) {
      failed("realpath", path, error);
      throw error;
    }
  });
  syncBuiltinESMExports();

  return {
    stop() {
      for (const undo of restore.reverse()) undo();
      restore.length = 0;
      syncBuiltinESMExports();
      return complete ? [...seen.values()] : undefined;
    },
  };
}

/** An absolute path for a path-like argument; undefined for a file descriptor or handle. */
function pathOf(target: unknown): string | undefined {
  if (typeof target === "string") return resolve(target);
  if (target instanceof URL) return target.protocol === "file:" ? fileURLToPath(target) : undefined;
  if (Buffer.isBuffer(target)) return resolve(target.toString());
  return undefined;
}

/** A path read for its content with the default flag ("r"); undefined otherwise (descriptors, handles, other flags). */
function traceablePath(file: unknown, options: unknown): string | undefined {
  const flag = typeof options === "object" && options !== null ? (options as { flag?: unknown }).flag : undefined;
  if (flag !== undefined && flag !== "r") return undefined;
  return pathOf(file);
}

/** What readFile would have returned for `options`: the bytes, or a string in the asked encoding. */
function decoded(bytes: Buffer, options: unknown): Buffer | string {
  const encoding = typeof options === "string" ? options : typeof options === "object" && options !== null ? (options as { encoding?: unknown }).encoding : undefined;
  return typeof encoding === "string" ? bytes.toString(encoding as BufferEncoding) : bytes;
}
