/** A Flux controller and the managed identity client ID it runs with. */
export interface ControllerIdentity {
  /** The controller: its ServiceAccount and Deployment name in `flux-system` (e.g. `kustomize-controller`). */
  readonly controller: string;
  /** Client ID of the controller's user-assigned managed identity; absent while the identity is pending. */
  readonly clientId?: string;
  /**
   * The identity's key while it is pending (not created yet, so no client ID): the ServiceAccount
   * is annotated `flotilla.dev/pending-identity: <key>` instead of with a client ID.
   * @default - none: `clientId` must be given
   */
  readonly pendingIdentity?: string;
}

/** A kustomize Component (`kustomize.config.k8s.io/v1alpha1`) holding inline patches. */
export interface KustomizeComponent {
  apiVersion: "kustomize.config.k8s.io/v1alpha1";
  kind: "Component";
  patches: { patch: string; target: { kind: string; name: string } }[];
}

/**
 * The kustomize Component that gives Flux's own controllers Azure workload identity, as Flux
 * documents it for AKS: each controller's ServiceAccount annotated with
 * `azure.workload.identity/client-id` (or, while its identity is pending, marked
 * `flotilla.dev/pending-identity` without a client ID), and its Deployment's pod template labelled
 * `azure.workload.identity/use: "true"`. Flux's `flux-system/kustomization.yaml` includes it with
 * `components: [../flux-system-patches]` (a one-line edit `flux bootstrap` keeps).
 *
 * @see https://fluxcd.io/flux/installation/configuration/workload-identity/
 */
export function controllerIdentityComponent(controllers: readonly ControllerIdentity[]): KustomizeComponent {
  if (controllers.length === 0) throw new Error("controllerIdentityComponent: no controllers");
  const sorted = [...controllers].sort((a, b) => (a.controller < b.controller ? -1 : 1));
  const names = sorted.map((entry) => entry.controller);
  if (new Set(names).size !== names.length) throw new Error(`controllerIdentityComponent: a controller is listed twice: ${names.join(", ")}`);
  for (const { controller, clientId, pendingIdentity } of sorted) {
    if ((clientId === undefined) === (pendingIdentity === undefined)) throw new Error(`controllerIdentityComponent: ${controller} needs exactly one of clientId and pendingIdentity`);
  }
  return {
    apiVersion: "kustomize.config.k8s.io/v1alpha1",
    kind: "Component",
    patches: [
      ...sorted.map(({ controller, clientId, pendingIdentity }) => ({
        patch: [
          "apiVersion: v1",
          "kind: ServiceAccount",
          "metadata:",
          `  name: ${controller}`,
          "  annotations:",
          clientId === undefined
            ? `    flotilla.dev/pending-identity: ${JSON.stringify(pendingIdentity)}`
            : `    azure.workload.identity/client-id: ${JSON.stringify(clientId)}`,
          "",
        ].join("\n"),
        target: { kind: "ServiceAccount", name: controller },
      })),
      {
        patch: [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata:",
          "  name: controller",
          "spec:",
          "  template:",
          "    metadata:",
          "      labels:",
          '        azure.workload.identity/use: "true"',
          "",
        ].join("\n"),
        target: { kind: "Deployment", name: `(${names.join("|")})` },
      },
    ],
  };
}
