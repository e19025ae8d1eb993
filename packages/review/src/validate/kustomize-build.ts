import { execTool, type ToolExec, toolYamlDocuments } from "@flotilla/helm";
import { parseAllDocuments } from "yaml";

/** The outcome of building one directory with kustomize. */
export type BuildResult = { ok: true; objects: unknown[] } | { ok: false; error: string };

/** Builds a directory the way Flux's kustomize-controller does (kustomize v5). */
export type KustomizeBuild = (dir: string) => Promise<BuildResult>;

/**
 * What kustomize offers against loading anything but the tree's files, each spelled out (they are
 * its defaults today): files only from within the kustomization's root, no Helm chart inflation,
 * no alpha (exec and container) plugins, no network for functions. kustomize has no switch against
 * remote resources and bases: checkKustomizationFiles refuses them before it runs.
 */
export const KUSTOMIZE_OFFLINE_FLAGS = ["--load-restrictor=LoadRestrictionsRootOnly", "--enable-helm=false", "--enable-alpha-plugins=false", "--network=false"] as const;

/** `kubectl kustomize <dir>` with `kubectl` from PATH: the real kustomize, as vendored in kubectl. */
export const kubectlKustomize: KustomizeBuild = (dir) => kubectlKustomizeWith("kubectl")(dir);

/** Runs a program as execFile does (execTool of @flotilla/helm: from its spawner, with Go's collector off). */
export type ExecProgram = (path: string, args: string[]) => Promise<ToolExec>;

/** From this process, with Go's collector off as for every tool run (execTool). */
const execHere: ExecProgram = (path, args) => execTool(path, args, process.env);

/** `<kubectl> kustomize <dir>` with a given kubectl (resolveKubectl of @flotilla/helm: the pinned v1.33.9), started by `exec` (default: from this process). */
export const kubectlKustomizeWith =
  (kubectl: string, exec: ExecProgram = execHere): KustomizeBuild =>
  async (dir) => {
    const { error, stdout, stderr } = await exec(kubectl, ["kustomize", ...KUSTOMIZE_OFFLINE_FLAGS, dir]);
    if (error) {
      const missing = error.code === "ENOENT";
      return { ok: false, error: missing ? "kubectl is not on PATH; install kubectl (it bundles kustomize v5)" : firstLines(stderr || error.message) };
    }
    const fast = toolYamlDocuments(stdout);
    if (fast !== undefined) return { ok: true, objects: fast };
    const documents = parseAllDocuments(stdout);
    const broken = documents.find((document) => document.errors.length > 0);
    if (broken) return { ok: false, error: `kustomize printed invalid YAML: ${broken.errors[0]!.message}` };
    return { ok: true, objects: documents.map((document) => document.toJS() as unknown).filter((object) => object !== null) };
  };

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 3).join(" ").replace(/^Error: /, "");
}
