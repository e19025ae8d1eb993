// Bundles the compiled synth CLI (dist/main.js) and the workspace packages it imports into
// dist/bundle/synth.js: Node then loads one module instead of ~300 (and only the parts of zod that
// are used). What synth loads on demand (the schema validator: ajv, the CEL library) goes into
// chunks beside it, loaded only when some object is not in the validation cache.
import { readFile, rm } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
const outdir = `${distDir}bundle`;

/**
 * Workspace packages find their data files (CRDs, the Kubernetes schema, the CEL library) relative to
 * their own module. In the bundle each keeps pointing at its original file, as a path relative to the
 * bundle's directory (chunks are written beside the entry), so the bundle works wherever the
 * repository is.
 */
const keepModuleLocation = {
  name: "keep-module-location",
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/](packages|apps)[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const fromBundle = relative(outdir, path).split("\\").join("/");
      const location = `new URL(${JSON.stringify(fromBundle.startsWith(".") ? fromBundle : `./${fromBundle}`)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", location), loader: "js" };
    });
  },
};

// Chunk names carry content hashes: clear the chunks of earlier builds.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { synth: `${distDir}main.js` },
  outdir,
  chunkNames: "[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // cdk8s, cdk8s-plus-28 and yaml are the floor the benchmark compares with: bundling them gains
  // nothing. constructs must be the one instance cdk8s uses.
  external: ["cdk8s", "cdk8s-plus-28", "yaml", "constructs"],
  // CommonJS dependencies (commander, ajv) call require() for Node's built-in modules.
  banner: { js: 'import { createRequire as flotillaCreateRequire } from "node:module";\nconst require = flotillaCreateRequire(import.meta.url);' },
  plugins: [keepModuleLocation],
  logLevel: "warning",
});
