import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { ClusterSpec } from "@flotilla/fleet";
import type { GitRepositorySource } from "@flotilla/flux";
import { ARGO_WORKFLOWS_IDENTITY, ArgoWorkflows } from "@flotilla/argo-workflows";
import { Flyte, FLYTE_BACKEND_IDENTITY, FLYTE_TASKS_IDENTITY } from "@flotilla/flyte";
import { podSchedulingFor } from "@flotilla/karpenter";
import { Metaflow, METAFLOW_IDENTITY, METAFLOW_SERVICE_ACCOUNTS } from "@flotilla/metaflow";
import { CLIENT_ID_ANNOTATION, type IdentityOutputs, workloadIdentityPodLabels } from "@flotilla/workload-identity";
import { Layer } from "./layer.js";
import { type PlatformValue, setPlatformValues } from "./platform-values.js";

/** What {@link renderPlatforms} needs from the cluster chart. */
export interface PlatformContext {
  readonly spec: ClusterSpec;
  readonly source: GitRepositorySource;
  /** Where the platforms' namespaces go (with the Secrets they read, applied first). */
  readonly infrastructure: Layer;
  /** The cluster's identity outputs (client IDs); required when a platform is enabled. */
  readonly outputs: IdentityOutputs | undefined;
  /** Values set into the platforms' HelmReleases (automated images); each must name an enabled platform. */
  readonly values: readonly PlatformValue[];
}

/**
 * Every enabled platform (`platforms.*`): its namespace in the infrastructure layer, and its own
 * layer `platform-<name>` (a Flux Kustomization that depends on the infrastructure and
 * health-checks the platform's HelmRelease). Returns the platform layers in apply order.
 */
export function renderPlatforms(scope: Construct, context: PlatformContext): Layer[] {
  const { spec } = context;
  const layers: Layer[] = [];
  const flyte = spec.platforms.flyte;
  if (flyte !== undefined) {
    new k8s.KubeNamespace(context.infrastructure, `namespace-${flyte.namespace}`, { metadata: { name: flyte.namespace } });
    const layer = platformLayer(scope, context, "flyte");
    const platform = new Flyte(layer, "flyte", {
      flyte,
      backendClientId: clientId(context, FLYTE_BACKEND_IDENTITY),
      tasksClientId: clientId(context, FLYTE_TASKS_IDENTITY),
      clientIdAnnotation: CLIENT_ID_ANNOTATION,
      podLabels: workloadIdentityPodLabels(),
      ...(flyte.gpuNodePool === undefined ? {} : { gpuTolerations: podSchedulingFor(nodePool(spec, flyte.gpuNodePool, "platforms.flyte.gpuNodePool")).tolerations }),
    });
    setPlatformValues(platform.release, "flyte", context.values);
    layer.kustomization.addHealthCheck(platform.release);
    layers.push(layer);
  }
  const argo = spec.platforms.argoWorkflows;
  let argoLayer: Layer | undefined;
  if (argo !== undefined) {
    new k8s.KubeNamespace(context.infrastructure, `namespace-${argo.namespace}`, { metadata: { name: argo.namespace } });
    const layer = platformLayer(scope, context, "argo-workflows");
    argoLayer = layer;
    const platform = new ArgoWorkflows(layer, "argo-workflows", {
      argo,
      clientId: clientId(context, ARGO_WORKFLOWS_IDENTITY),
      clientIdAnnotation: CLIENT_ID_ANNOTATION,
      podLabels: workloadIdentityPodLabels(),
      // Metaflow's task pods run as their own federated ServiceAccount in the Argo namespace.
      ...(spec.platforms.metaflow === undefined ? {} : { extraWorkflowServiceAccounts: [{ namespace: argo.namespace, name: METAFLOW_SERVICE_ACCOUNTS.tasks }] }),
    });
    setPlatformValues(platform.release, "argoWorkflows", context.values);
    layer.kustomization.addHealthCheck(platform.release);
    layers.push(layer);
  }
  const metaflow = spec.platforms.metaflow;
  if (metaflow !== undefined) {
    if (argoLayer === undefined || argo === undefined) throw new Error(`ClusterChart ${spec.name}: platforms.metaflow needs platforms.argoWorkflows`);
    new k8s.KubeNamespace(context.infrastructure, `namespace-${metaflow.namespace}`, { metadata: { name: metaflow.namespace } });
    const layer = platformLayer(scope, context, "metaflow");
    // Flows run (and are scheduled) as Argo Workflows: Argo first.
    layer.kustomization.addDependency(argoLayer.kustomization);
    const platform = new Metaflow(layer, "metaflow", {
      metaflow,
      argo,
      clientId: clientId(context, METAFLOW_IDENTITY),
      clientIdAnnotation: CLIENT_ID_ANNOTATION,
      podLabels: workloadIdentityPodLabels(),
    });
    setPlatformValues(platform.release, "metaflow", context.values);
    layer.kustomization.addHealthCheck(platform.release);
    layers.push(layer);
  }
  for (const value of context.values) {
    if (spec.platforms[value.platform] === undefined) {
      throw new Error(`ClusterChart ${spec.name}: a value (${value.path.join(".")}) is set into platforms.${value.platform}, which the cluster does not enable`);
    }
  }
  return layers;
}

/** The pool of `nodePools` named by `field` (the spec checks guarantee it exists). */
function nodePool(spec: ClusterSpec, name: string, field: string): ClusterSpec["nodePools"][number] {
  const pool = spec.nodePools.find((candidate) => candidate.name === name);
  if (pool === undefined) throw new Error(`ClusterChart ${spec.name}: ${field} names node pool ${name}, which the cluster does not declare`);
  return pool;
}

function platformLayer(scope: Construct, context: PlatformContext, platform: string): Layer {
  return new Layer(scope, {
    name: `platform-${platform}`,
    spec: context.spec,
    source: context.source,
    dependsOn: [context.infrastructure],
    // Health-check the HelmRelease (which waits for the chart's workloads), given time for
    // first-install database migrations.
    wait: false,
    timeout: "20m",
  });
}

function clientId(context: PlatformContext, identity: string): string {
  const output = context.outputs?.identities[identity];
  if (output === undefined) {
    throw new Error(
      `ClusterChart ${context.spec.name}: no identity outputs for ${JSON.stringify(identity)} (a platform identity); run \`pnpm bootstrap apply --cluster ${context.spec.name}\``,
    );
  }
  return output.clientId;
}
