import { type CommandHints, COMMAND_NAMES } from "@flotilla/fleet";
import type { Manifest } from "../manifests/manifest.js";
import type { TreeFiles } from "../tree/tree-files.js";

/** The checks validate runs, named in every problem. */
export type CheckName = "yaml" | "schema" | "kustomize" | "applied-once" | "depends-on" | "sources" | "identities" | "chart-values" | "images" | "secrets" | "fleet" | "render" | "tools" | "generated";

/** One problem: the file (relative to the tree root), the object, the JSON path, what is wrong and how to fix it. */
export interface ValidationProblem {
  check: CheckName;
  /** Tree-relative file or directory (`dev/infrastructure/kustomization.yaml`), or a repository file outside the tree. */
  file: string;
  /** `Kind namespace/name`, or "". */
  object: string;
  /** JSON path inside the object, or "". */
  path: string;
  message: string;
}

/** The parsed tree every check reads. */
export interface TreeView {
  files: TreeFiles;
  manifests: Manifest[];
  /** Cluster names: the top-level directories. */
  clusters: string[];
  /** Repository-relative directory of the tree (`clusters`), against which Flux paths resolve. */
  treePrefix: string;
  /** The commands hints name, as the CLI spells them; default their flotilla names. */
  commands?: ReviewCommands;
}

/** The commands validate's hints name. */
export type ReviewCommands = Pick<CommandHints, "synth" | "secretSet" | "secretUpdateKeys">;

/** How to run synth, in hints about a tree. */
export function synthHint(tree: Pick<TreeView, "commands">): string {
  return tree.commands?.synth ?? COMMAND_NAMES.synth;
}
