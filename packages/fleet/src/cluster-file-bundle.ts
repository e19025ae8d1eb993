import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Loader, Plugin } from "esbuild";

/** A cluster file's own `import.meta.url` is its file, not the data: URL it runs from (spelt apart: bundlers rewrite the expression). */
const IMPORT_META_URL = ["import", "meta", "url"].join(".");

/**
 * Bare imports (packages) stay imports, of the absolute file esbuild resolves them to (the module
 * runs from a data: URL); a package the file's own directory cannot resolve (a fleet outside the
 * repository importing @flotilla/fleet/define) is looked up from `packagesFrom`.
 */
function packagesByLocation(packagesFrom: string | undefined): Plugin {
  return {
    name: "packages-by-location",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "resolving") return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const from = (resolveDir: string) => build.resolve(args.path, { kind: args.kind, resolveDir, importer: args.importer, pluginData: "resolving" });
        let resolved = await from(args.resolveDir);
        if (resolved.errors.length > 0 && packagesFrom !== undefined) {
          const fallback = await from(packagesFrom);
          if (fallback.errors.length === 0) resolved = fallback;
        }
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        existsSync(resolved.path); // an input of the import, for a caller recording reads (see readInProcess)
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
    },
  };
}

const LOADERS: Record<string, Loader> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx", ".json": "json" };

/**
 * The files bundled are read by this process, not by esbuild, so that a caller recording what
 * synth reads (the CLI's up-to-date stamp) sees the cluster files and everything they import relatively.
 */
const readInProcess: Plugin = {
  name: "read-in-process",
  setup(build) {
    build.onLoad({ filter: /.*/, namespace: "file" }, ({ path }) => {
      const loader = LOADERS[extname(path)];
      return loader === undefined ? undefined : { contents: readFileSync(path), loader };
    });
  },
};

/**
 * Reads (for the same reason) the tsconfig.json esbuild compiles `file` with: the nearest one
 * above it, and the files it extends by relative path.
 */
function readTsconfigOf(file: string): void {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const tsconfig = join(dir, "tsconfig.json");
    if (existsSync(tsconfig)) return readExtended(tsconfig, 0);
    if (dirname(dir) === dir) return;
  }
}

function readExtended(tsconfig: string, depth: number): void {
  let text: string;
  try {
    text = readFileSync(tsconfig, "utf8");
  } catch {
    return;
  }
  const extended = /"extends"\s*:\s*"(\.[^"]*)"/.exec(text)?.[1];
  if (extended === undefined || depth > 8) return;
  const path = resolve(dirname(tsconfig), extended);
  readExtended(path.endsWith(".json") ? path : `${path}.json`, depth + 1);
}

/**
 * One cluster file compiled to a single ES module (esbuild: TypeScript stripped, not type-checked;
 * its relative imports bundled; packages imported by absolute URL), with an inline source map.
 * A syntax error or an unresolvable import is returned with its location.
 */
export async function bundleClusterFile(file: string, packagesFrom?: string): Promise<{ code: string } | { error: string }> {
  const { build } = await import("esbuild");
  const path = resolve(file);
  readTsconfigOf(path);
  try {
    const result = await build({
      entryPoints: [path],
      absWorkingDir: dirname(path),
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "inline",
      logLevel: "silent",
      define: { [IMPORT_META_URL]: JSON.stringify(pathToFileURL(path).href) },
      plugins: [packagesByLocation(packagesFrom), readInProcess],
    });
    return { code: result.outputFiles[0]!.text };
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    if (!errors?.length) return { error: error instanceof Error ? error.message : String(error) };
    return { error: errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text)).join("; ") };
  }
}
