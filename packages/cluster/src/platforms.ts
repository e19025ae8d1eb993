import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import type { Construct } from "constructs";
import { type AnyPlatform, type ClusterSpec, type PlatformRegistry, platformSection } from "@flotilla/fleet";
import type { GitRepositorySource } from "@flotilla/flux";
import {
  type ClusterIdentityPlan,
  type IdentityAnnotation,
  identityAnnotation,
  type IdentityOutputs,
  PENDING_IDENTITIES_ANNOTATION,
  PENDING_IDENTITY_ANNOTATION,
  workloadIdentityPodLabels,
} from "@flotilla/workload-identity";
import { Layer } from "./layer.js";
import { renderedFrom } from "./origin.js";
import { type PlatformValue, setPlatformValues } from "./platform-values.js";

/** What {@link renderPlatforms} needs from the cluster chart. */
export interface PlatformContext {
  readonly spec: ClusterSpec;
  /** The registered platforms (the registry the spec was loaded with). */
  readonly platforms: PlatformRegistry;
  readonly source: GitRepositorySource;
  /** Where the platforms' namespaces go (with the Secrets they read, applied first). */
  readonly infrastructure: Layer;
  /** The cluster's identity plan and outputs (client IDs); required when a platform is enabled. */
  readonly identities: { readonly plan: ClusterIdentityPlan; readonly outputs: IdentityOutputs } | undefined;
  /** Values set into the platforms' HelmReleases (automated images); each must name an enabled platform. */
  readonly values: readonly PlatformValue[];
}

/**
 * Every enabled platform (`platforms.*`), in registry order: its namespace in the infrastructure
 * layer, and its own layer `platform-<name>` (a Flux Kustomization that depends on the
 * infrastructure and on the layers of the platforms it requires, and health-checks the platform's
 * HelmRelease). Returns the platform layers in apply order.
 */
export function renderPlatforms(scope: Construct, context: PlatformContext): Layer[] {
  const { spec } = context;
  const enabled = enabledPlatforms(spec, context.platforms);
  const contributions = collectContributions(spec, enabled);
  const layers = new Map<string, Layer>();
  for (const { platform, section } of enabled) {
    const setting = `platforms.${platform.key}`;
    renderedFrom(new k8s.KubeNamespace(context.infrastructure, `namespace-${section.namespace}`, { metadata: { name: section.namespace } }), setting);
    const layer = renderedFrom(platformLayer(scope, context, platform.name), setting);
    // Its Flux Kustomization sits at the cluster root, outside the layer's scope, and is the platform's too.
    renderedFrom(layer.kustomization, setting);
    for (const required of platform.requires ?? []) {
      const requiredLayer = layers.get(required.platform);
      if (requiredLayer === undefined) throw new Error(`ClusterChart ${spec.name}: platforms.${platform.key} needs platforms.${required.platform}`);
      layer.kustomization.addDependency(requiredLayer.kustomization);
    }
    const pending = new Set<string>();
    const { release, healthChecks = [] } = platform.render(layer, {
      spec: section,
      cluster: spec,
      identityAnnotation: (identity: string) => {
        const annotation = annotationOf(context, identity);
        if (annotation.key === PENDING_IDENTITY_ANNOTATION) pending.add(identity);
        return annotation;
      },
      podLabels: workloadIdentityPodLabels(),
      contributions: contributions.get(platform.key) ?? [],
      values: context.values.filter((value) => value.platform === platform.key),
    });
    // The chart's ServiceAccounts are not objects of the tree: the release says which identities it waits for.
    if (pending.size > 0) release.apiObject.metadata.addAnnotation(PENDING_IDENTITIES_ANNOTATION, [...pending].sort().join(","));
    setPlatformValues(release, platform.key, context.values);
    layer.kustomization.addHealthCheck(release, ...healthChecks);
    layers.set(platform.key, layer);
  }
  for (const value of context.values) {
    if (!layers.has(value.platform)) {
      throw new Error(`ClusterChart ${spec.name}: a value (${value.path.join(".")}) is set into platforms.${value.platform}, which the cluster does not enable`);
    }
  }
  return [...layers.values()];
}

/** The registered platforms the cluster enables, with their sections; a section no registered platform owns throws. */
function enabledPlatforms(spec: ClusterSpec, platforms: PlatformRegistry): { platform: AnyPlatform; section: { namespace: string } }[] {
  const known = new Set(platforms.map((platform) => platform.key));
  for (const key of Object.keys(spec.platforms)) {
    if (platformSection(spec, key) !== undefined && !known.has(key)) {
      throw new Error(`ClusterChart ${spec.name}: platforms.${key} is not a registered platform (registered: ${[...known].join(", ") || "none"}); pass the registry as the platforms prop`);
    }
  }
  return platforms.flatMap((platform) => {
    const section = platformSection(spec, platform.key) as { namespace: string } | undefined;
    return section === undefined ? [] : [{ platform, section }];
  });
}

/** What the enabled platforms contribute to each other, by target key (in registry order); a target that is not enabled throws. */
function collectContributions(spec: ClusterSpec, enabled: readonly { platform: AnyPlatform; section: unknown }[]): Map<string, unknown[]> {
  const byTarget = new Map<string, unknown[]>();
  for (const { platform, section } of enabled) {
    for (const [target, values] of Object.entries(platform.contributions?.(section, spec) ?? {})) {
      if (!enabled.some((other) => other.platform.key === target)) {
        throw new Error(`ClusterChart ${spec.name}: platforms.${platform.key} contributes to platforms.${target}, which the cluster does not enable`);
      }
      byTarget.set(target, [...(byTarget.get(target) ?? []), ...values]);
    }
  }
  return byTarget;
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

function annotationOf(context: PlatformContext, identity: string): IdentityAnnotation {
  const identities = context.identities;
  if (identities === undefined || !identities.plan.identities.some((planned) => planned.key === identity)) {
    throw new Error(`ClusterChart ${context.spec.name}: ${JSON.stringify(identity)} is not an identity of the cluster's identity plan (a platform identity must be declared by the platform's identities)`);
  }
  return identityAnnotation(identities.outputs, identity);
}
