// Bundles the compiled flotilla CLI (dist/cli/flotilla.js) and the workspace packages it imports into
// dist/bundle/flotilla.js: Node then loads one module instead of ~300 (and only the parts of zod that
// are used). What synth loads on demand (the schema validator: ajv, the CEL library) goes into
// chunks beside it, loaded only when some object is not in the render cache.
import { createHash } from "node:crypto";
import { chmod, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { isAbsolute, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
const outdir = `${distDir}bundle`;
const BANNER = 'import { createRequire as flotillaCreateRequire } from "node:module";\nconst require = flotillaCreateRequire(import.meta.url);';

/**
 * Modules find their data files (CRDs, the Kubernetes schema, the CEL library) relative to their
 * own file. In the bundle each keeps pointing at its original file, as a path relative to the
 * bundle's directory (chunks are written beside the entry), so the bundle works wherever the
 * repository is.
 */
const keepModuleLocation = {
  name: "keep-module-location",
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.m?js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const fromBundle = relative(outdir, path).split("\\").join("/");
      const location = isAbsolute(fromBundle)
        ? JSON.stringify(pathToFileURL(path).href) // another drive: no relative path exists
        : `new URL(${JSON.stringify(fromBundle.startsWith(".") ? fromBundle : `./${fromBundle}`)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", location), loader: "js" };
    });
  },
};

/**
 * The CommonJS packages left external are loaded with require() (the banner's), not import: Node
 * then does not parse their source for ES named exports first (cjs-module-lexer: ~40% of the time
 * loading cdk8s-plus-28 and yaml takes). The packages import cdk8s-plus-28's generated Kubernetes
 * classes (lib/imports/k8s.js) directly: its index also loads every L2 construct, which flotilla
 * does not use (15 ms of each run).
 */
const COMMONJS_EXTERNALS = /^(cdk8s|cdk8s-plus-28|cdk8s-plus-28\/lib\/imports\/k8s\.js|constructs|yaml)$/;
const requireCommonJs = {
  name: "require-commonjs",
  setup(esbuild) {
    esbuild.onResolve({ filter: COMMONJS_EXTERNALS }, ({ path, namespace }) => (namespace === "require-commonjs" ? { path, external: true } : { path, namespace: "require-commonjs" }));
    esbuild.onLoad({ filter: /.*/, namespace: "require-commonjs" }, ({ path }) => ({
      contents: path === "yaml" && sameYamlAsCdk8s() ? 'module.exports = require("node:module").createRequire(require.resolve("cdk8s"))("yaml");' : `module.exports = require(${JSON.stringify(path)});`,
      loader: "js",
    }));
  },
};

/**
 * cdk8s carries its own copy of yaml (a bundled dependency) and loads it on start. When that copy is
 * the version flotilla depends on, the bundle uses it too instead of loading the same code a second
 * time (14 ms of each run, measured after cdk8s loaded); another version (after a lockfile change) is loaded as before.
 */
function sameYamlAsCdk8s() {
  const fromApp = createRequire(`${distDir}../package.json`);
  const version = (require) => require("yaml/package.json").version;
  return version(fromApp) === version(createRequire(fromApp.resolve("cdk8s")));
}

const options = {
  entryPoints: { flotilla: `${distDir}cli/flotilla.js` },
  outdir,
  chunkNames: "[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // cdk8s, cdk8s-plus-28 and yaml are the floor the benchmark compares with: bundling them gains
  // nothing. constructs must be the one instance cdk8s uses. esbuild (which compiles the cluster
  // files) finds its native binary from its own package. bootstrap and secret are loaded only
  // for their commands, as the apps they are, with their Azure SDK dependencies.
  external: ["cdk8s", "cdk8s-plus-28", "yaml", "constructs", "esbuild", "@flotilla/app-bootstrap", "@flotilla/app-secrets"],
  // CommonJS dependencies (commander, ajv) call require() for Node's built-in modules.
  banner: { js: BANNER },
  plugins: [requireCommonJs, keepModuleLocation],
  logLevel: "warning",
};

/** A digest of every file the bundle is made of (bundle-id.ts): caches keyed on the code follow the bundle. */
async function bundleId() {
  const { metafile } = await build({ ...options, write: false, metafile: true });
  const digest = createHash("sha256");
  for (const input of Object.keys(metafile.inputs).sort()) {
    // A require-commonjs module is its name (the package's version is the lockfile's).
    digest.update(`${input}\0`).update(input.startsWith("require-commonjs:") ? "" : await readFile(input)).update("\0");
  }
  return digest.digest("hex");
}

const id = await bundleId();
// Chunk names carry content hashes: clear the chunks of earlier builds.
await rm(outdir, { recursive: true, force: true });
await build({ ...options, define: { FLOTILLA_BUNDLE_ID: JSON.stringify(id) } });
// The entry is the package's bin (`flotilla`): executable.
await chmod(`${outdir}/flotilla.js`, 0o755);
// Every import.meta.url left must be the banner's or one keepModuleLocation wrote.
for (const file of await readdir(outdir)) {
  const rest = (await readFile(`${outdir}/${file}`, "utf8")).replace(BANNER, "").replaceAll(/new URL\("[^"]*", import\.meta\.url\)\.href/g, "");
  if (rest.includes("import.meta.url")) throw new Error(`bundle: dist/bundle/${file} uses import.meta.url where keep-module-location did not rewrite it`);
}
