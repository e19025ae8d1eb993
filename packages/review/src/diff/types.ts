/** What diff reports (also its JSON output). Every list is sorted. */
export interface DiffReport {
  base: DiffSide;
  head: DiffSide;
  summary: DiffSummary;
  /** Clusters with at least one object added, removed or changed. */
  clusters: ClusterDiff[];
  /** Clusters present on either side without changes to their objects. */
  unaffected: string[];
  /** Files that could not be read as Kubernetes objects (they are left out of the diff). */
  notes: string[];
  /**
   * Identities the head tree waits for: bootstrap apply has not created them, so their
   * ServiceAccounts carry no client ID yet (`flotilla.dev/pending-identity`). Not ready to merge.
   */
  pending: PendingIdentityMark[];
}

/** An identity the head tree waits for, and the objects marked with it. */
export interface PendingIdentityMark {
  cluster: string;
  /** The identity's key. */
  identity: string;
  /** `Kind namespace/name` of each object marked with it, sorted. */
  objects: string[];
}

export interface DiffSide {
  /** What the user asked for: a ref, or "working tree". */
  label: string;
  /** The commit, when the side is one. */
  commit?: string;
}

export interface ChangeCounts {
  added: number;
  removed: number;
  changed: number;
}

export interface DiffSummary {
  clusters: ChangeCounts & { total: number; affected: number };
  objects: ChangeCounts;
}

export type ChangeKind = "added" | "removed" | "changed";

export interface ClusterDiff {
  name: string;
  change: ChangeKind;
  counts: ChangeCounts;
  /** By Flux Kustomization: the root group first, then by name. */
  groups: GroupDiff[];
  /** The affected Flux Kustomizations with what depends on them and what they depend on. */
  graph: BlastRadius;
}

export interface GroupDiff {
  /** `namespace/name` of the Flux Kustomization, or `(root)`. */
  id: string;
  label: string;
  root: boolean;
  /** Directory it applies, relative to the cluster root. */
  dir: string;
  counts: ChangeCounts;
  objects: ObjectDiff[];
}

export interface ObjectDiff {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  /** Tree-relative file (the head's, or the base's for a removed object). */
  file: string;
  change: ChangeKind;
  /** The object is SOPS-encrypted (on either side). */
  encrypted: boolean;
  /** Field-level changes of a changed object; empty for added and removed objects. */
  fields: FieldChange[];
  /**
   * For a HelmRelease: what changes in the objects it renders (each side rendered with its own
   * chart archive, as helm-controller would install it), grouped by object; only changed objects.
   */
  rendered?: RenderedObjectDiff[];
  /** For a HelmRelease: why a side could not be rendered (`base: …`, `head: …`). */
  renderNotes?: string[];
}

/** One object a HelmRelease renders, added, removed or changed between the two sides. */
export interface RenderedObjectDiff {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  change: ChangeKind;
  fields: FieldChange[];
}

export interface FieldChange {
  /** JSON path, e.g. `.spec.values.replicas`, `.metadata.annotations["a/b"]`. */
  path: string;
  change: ChangeKind;
  /** Old value (changed, removed); never a ciphertext: encrypted values are left out. */
  before?: unknown;
  /** New value (changed, added); never a ciphertext. */
  after?: unknown;
  /** The value is SOPS ciphertext on either side: only the fact of a change is reported. */
  encrypted?: true;
}

export type NodeStatus = ChangeKind | "downstream" | "upstream";

export interface BlastRadiusNode {
  /** Group ID. */
  id: string;
  label: string;
  root: boolean;
  /** changed/added/removed: its objects or its own definition changed; downstream: depends on one that did; upstream: one that did depends on it. */
  status: NodeStatus;
  counts: ChangeCounts;
}

export interface BlastRadius {
  nodes: BlastRadiusNode[];
  /** `from` must be ready before `to` (`to` dependsOn `from`). */
  edges: { from: string; to: string }[];
}
