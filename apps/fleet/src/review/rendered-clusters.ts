import type { LoadedCluster, PlatformRegistry, PlatformWorkloads, SelfHostedKarpenterSpec } from "@flotilla/fleet";
import type { ReleaseRender } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import type { RenderedCluster } from "@flotilla/review/rendered";
import { type ClusterIdentityPlan, identitySettings, type IdentityOutputs } from "@flotilla/workload-identity";

export interface RenderedClustersInput {
  clusters: readonly LoadedCluster[];
  platforms: PlatformRegistry;
  /** By cluster, the objects flotilla renders (the tree's, SOPS files in their object shape). */
  objects: ReadonlyMap<string, readonly KubeObject[]>;
  /** By cluster, what each HelmRelease renders (helm's renderClusterReleases). */
  renders: ReadonlyMap<string, readonly ReleaseRender[]>;
  plans: ReadonlyMap<string, ClusterIdentityPlan>;
  outputs: ReadonlyMap<string, IdentityOutputs>;
}

/** What the checks over rendered releases see of each cluster: its releases as Helm renders them, flotilla's own objects, identities and the platforms' declarations. */
export function renderedClusters(input: RenderedClustersInput): RenderedCluster[] {
  return input.clusters.map(({ file, spec }) => {
    const sections = spec.platforms as Record<string, unknown>;
    const platforms: PlatformWorkloads[] = [];
    const platformOfRelease = new Map<string, string>();
    for (const platform of input.platforms) {
      const section = sections[platform.key];
      if (section === undefined) continue;
      platformOfRelease.set(platform.chart.releaseName, platform.key);
      const declared = platform.workloads?.(section, spec);
      if (declared) platforms.push(declared);
    }
    if (spec.karpenter?.mode === "self-hosted") platforms.push(selfHostedKarpenterWorkloads(spec.karpenter));
    const plan = input.plans.get(spec.name);
    const outputs = input.outputs.get(spec.name);
    // The spec's own identities serve workloads Flux deploys from elsewhere (not rendered here).
    const own = new Set(spec.identities.map((identity) => identity.name));
    const externalWorkloadAccounts = (plan?.identities ?? [])
      .filter((identity) => own.has(identity.key))
      .flatMap((identity) => identity.federatedCredentials.flatMap((credential) => (credential.serviceAccount ? [`${credential.serviceAccount.namespace}/${credential.serviceAccount.name}`] : [])));
    return {
      cluster: spec.name,
      source: file,
      kubernetesVersion: spec.kubernetesVersion,
      releases: (input.renders.get(spec.name) ?? []).map((render) => {
        const platform = platformOfRelease.get(render.result.releaseName);
        return {
          helmRelease: render.release as unknown as KubeObject,
          namespace: render.result.namespace,
          // Helm test hooks run only on `helm test`; CRDs are applied by the CRD policy like the rest.
          objects: render.result.objects
            .filter((entry) => !(entry.hooks ?? []).includes("test"))
            .map((entry) => withNamespace(entry.object as unknown as KubeObject, entry.namespace)),
          ...(render.result.duplicateKeyManifests ? { postRendererInput: render.result.duplicateKeyManifests } : {}),
          ...(render.result.valueConflicts ? { valueConflicts: render.result.valueConflicts } : {}),
          ...(platform ? { platform } : {}),
        };
      }),
      objects: [...(input.objects.get(spec.name) ?? [])],
      ...(plan && outputs ? { identities: { plan, outputs } } : {}),
      externalWorkloadAccounts,
      settings: identityServiceAccountSettings(spec.identities),
      identitySettings: identitySettings(spec, input.platforms),
      platforms,
    };
  });
}

/** The ServiceAccounts synth renders for the spec's own identities, by `ServiceAccount namespace/name`, with the setting that lists each. */
function identityServiceAccountSettings(identities: LoadedCluster["spec"]["identities"]): Map<string, string> {
  const settings = new Map<string, string>();
  identities.forEach((identity, i) => {
    identity.serviceAccounts.forEach((account, j) => settings.set(`ServiceAccount ${account.namespace}/${account.name}`, `identities[${i}].serviceAccounts[${j}]`));
    identity.workspaces?.namespaces.forEach((namespace, k) => settings.set(`ServiceAccount ${namespace}/${identity.workspaces!.serviceAccount}`, `identities[${i}].workspaces.namespaces[${k}]`));
  });
  return settings;
}

/**
 * The self-hosted Karpenter controller (packages/karpenter/README.md, "Self-hosted"): it creates
 * and deletes VMs through ARM as its workload identity, and reads the kubelet bootstrap token from
 * a Secret the operator creates before the first reconcile (a credential, never in Git).
 */
function selfHostedKarpenterWorkloads(karpenter: SelfHostedKarpenterSpec): PlatformWorkloads {
  return {
    platform: "karpenter",
    azure: [{ kind: "Deployment", namespace: "kube-system", name: "karpenter", reason: "creates and deletes node VMs and their NICs through ARM (Virtual Machine, Network Contributor)" }],
    runTimePods: [],
    runTimeObjects: [
      {
        kind: "Secret",
        namespace: "kube-system",
        name: karpenter.bootstrapTokenSecret,
        createdBy: "the cluster's operator before the first reconcile (`kubectl -n kube-system create secret generic … --from-literal=KUBELET_BOOTSTRAP_TOKEN=…`, packages/karpenter/README.md)",
        reason: "the kubelet bootstrap token of new nodes is a credential, never in Git; self-hosted Karpenter leaves its rotation to the operator",
      },
    ],
  };
}

function withNamespace(object: KubeObject, namespace: string): KubeObject {
  return namespace === "" || object.metadata?.namespace ? object : { ...object, metadata: { ...object.metadata, namespace } };
}
