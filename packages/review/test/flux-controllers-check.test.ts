import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { checkFluxControllers } from "../src/validate/flux-controllers-check.js";
import type { TreeView } from "../src/validate/types.js";

const account = (controller: "kustomize-controller" | "source-controller", clientId: string) => ({
  controller,
  identity: `flux-${controller}`,
  clientId,
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
});

/** The Component shape synth renders (see controllerIdentityComponent in @flotilla/flux). */
function controllerIdentityComponent(controllers: { controller: string; clientId: string }[]) {
  const names = controllers.map((entry) => entry.controller);
  return {
    apiVersion: "kustomize.config.k8s.io/v1alpha1",
    kind: "Component",
    patches: [
      ...controllers.map(({ controller, clientId }) => ({
        patch: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${controller}\n  annotations:\n    azure.workload.identity/client-id: "${clientId}"\n`,
        target: { kind: "ServiceAccount", name: controller },
      })),
      {
        patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n',
        target: { kind: "Deployment", name: `(${names.join("|")})` },
      },
    ],
  };
}

function tree(component: unknown): TreeView {
  const files = new Map<string, string>();
  if (component !== undefined) files.set("dev/flux-system-patches/kustomization.yaml", stringify(component));
  return { files, manifests: [], clusters: ["dev"], treePrefix: "clusters" };
}

describe("checkFluxControllers", () => {
  const expected = new Map([["dev", [account("kustomize-controller", "c1"), account("source-controller", "c2")]]]);

  it("accepts the patches synth renders", () => {
    const component = controllerIdentityComponent([
      { controller: "kustomize-controller", clientId: "c1" },
      { controller: "source-controller", clientId: "c2" },
    ]);
    expect(checkFluxControllers(tree(component), expected)).toEqual([]);
  });

  it("reports a stale client ID, an unlabelled Deployment, an extra controller and missing patches", () => {
    const component = controllerIdentityComponent([
      { controller: "kustomize-controller", clientId: "stale" },
      { controller: "source-controller", clientId: "c2" },
    ]);
    component.patches[2]!.target.name = "(kustomize-controller)";
    const extra = controllerIdentityComponent([{ controller: "helm-controller", clientId: "c9" }]).patches[0]!;
    component.patches.push(extra);
    const messages = checkFluxControllers(tree(component), expected).map((problem) => `${problem.object}: ${problem.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^ServiceAccount flux-system\/kustomize-controller: must be annotated with client ID c1 .* got stale/),
      expect.stringMatching(/^Deployment flux-system\/source-controller: its pods must be labelled/),
      expect.stringMatching(/^ServiceAccount flux-system\/helm-controller: annotated with client ID c9, but no identity .* system:serviceaccount:flux-system:helm-controller/),
    ]);
    expect(checkFluxControllers(tree(undefined), expected).map((problem) => problem.message)).toEqual([expect.stringContaining("the patches are not rendered")]);
  });
});
