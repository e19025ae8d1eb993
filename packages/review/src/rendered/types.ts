import type { PlatformWorkloads } from "@flotilla/fleet";
import type { ValueConflict } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import type { ClusterIdentityPlan, IdentityOutputs } from "@flotilla/workload-identity";

/** The checks over what a cluster would run, named in every problem. */
export type RenderedCheckName = "server-side-apply" | "duplicate-keys" | "workload-identity" | "references" | "values-effect" | "value-types" | "ownership";

/** One HelmRelease as helm-controller would install it. */
export interface RenderedRelease {
  /** The HelmRelease object as flotilla renders it. */
  helmRelease: KubeObject;
  /** The namespace the chart's objects go to (targetNamespace, else the HelmRelease's). */
  namespace: string;
  /** The rendered and post-rendered objects, each with its namespace set (Helm's defaulting applied). */
  objects: KubeObject[];
  /**
   * Documents of Helm's output, as text with their template, that kustomize must parse (helm-controller
   * always post-renders: its origin labels) and that the render pipeline found repeating a key.
   */
  postRendererInput?: { source: string; text: string }[];
  /** Values Helm could not merge with the chart's defaults (a table against a non-table; its coalesce warnings). */
  valueConflicts?: readonly ValueConflict[];
  /** The platform the release installs, when a platform's (its declarations apply). */
  platform?: string;
}

/** Everything the checks see of one cluster. */
export interface RenderedCluster {
  cluster: string;
  /** The spec file, named in messages ("what to change in the cluster file"). */
  source: string;
  /** The spec's kubernetesVersion: server-side apply merges core kinds' lists by that version's schema. */
  kubernetesVersion: string;
  releases: RenderedRelease[];
  /** The objects flotilla renders itself (every layer), including encrypted Secrets in their object shape. */
  objects: KubeObject[];
  identities?: { plan: ClusterIdentityPlan; outputs: IdentityOutputs };
  /**
   * ServiceAccounts (`namespace/name`) of the spec's own `identities`: their pods are the cluster's
   * workloads that Flux deploys from elsewhere, which flotilla does not render, so "used by a
   * labelled pod" cannot be seen here (the other identity rules still apply to them).
   */
  externalWorkloadAccounts?: readonly string[];
  /** By identity key, the cluster file's setting that asks for the identity (`identities[0]`, `platforms.argoWorkflows`, …), where known. */
  identitySettings?: ReadonlyMap<string, string>;
  /** The cluster file's setting that makes flotilla render an object, by `Kind namespace/name`, where known (e.g. `identities[0].serviceAccounts[1]`). */
  settings?: ReadonlyMap<string, string>;
  /** The declarations of the cluster's enabled platforms. */
  platforms: PlatformWorkloads[];
}

export interface RenderedProblem {
  check: RenderedCheckName;
  cluster: string;
  /** `namespace/name` of the HelmRelease, or "" for an object flotilla renders itself. */
  release: string;
  /** `Kind namespace/name` of the rendered object. */
  object: string;
  /** Field path inside the object, e.g. `.spec.template.spec.containers[name="ui"].env[name="X"]`. */
  path: string;
  /** What is wrong and what to change in the cluster file. */
  message: string;
}
