import { parse } from "yaml";
import { CLIENT_ID_ANNOTATION, type FluxControllerAccount, PENDING_IDENTITY_ANNOTATION } from "@flotilla/workload-identity";
import { toJsGuarded } from "../manifests/manifest.js";
import { synthHint, type TreeView, type ValidationProblem } from "./types.js";

/** Directory of the Component that patches Flux's controllers, inside a cluster's tree. */
export const FLUX_SYSTEM_PATCHES_DIR = "flux-system-patches";

interface InlinePatch {
  patch?: unknown;
  target?: { kind?: unknown; name?: unknown };
}

/**
 * Flux's controllers are not rendered as ServiceAccounts: synth patches them through
 * `<cluster>/flux-system-patches/kustomization.yaml`. For each cluster in `expected` (those whose
 * Flux synth configures), every controller with a planned identity has a ServiceAccount patch with
 * its client ID and is matched by the Deployment patch's target; no other controller is annotated.
 */
export function checkFluxControllers(tree: TreeView, expected: ReadonlyMap<string, readonly FluxControllerAccount[]>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [cluster, accounts] of expected) {
    const file = `${cluster}/${FLUX_SYSTEM_PATCHES_DIR}/kustomization.yaml`;
    const content = tree.files.get(file);
    const problem = (object: string, message: string) => problems.push({ check: "identities", file, object, path: "", message });
    if (content === undefined) {
      if (accounts.length > 0) problem("", `Flux's ${accounts.map((a) => a.controller).join(", ")} have identities in the plan but the patches are not rendered; run \`${synthHint(tree)}\``);
      continue;
    }
    const component = toJsGuarded(file, () => parse(content.toString())) as { patches?: InlinePatch[] } | null;
    const annotated = new Map<string, unknown>();
    const markedPending = new Map<string, unknown>();
    let labelled: RegExp | undefined;
    for (const entry of component?.patches ?? []) {
      const patch = typeof entry.patch === "string" ? (parse(entry.patch) as { kind?: string; metadata?: { annotations?: Record<string, unknown> } } | null) : null;
      const name = typeof entry.target?.name === "string" ? entry.target.name : undefined;
      if (name === undefined) continue;
      if (patch?.kind === "ServiceAccount") {
        const annotations = patch.metadata?.annotations ?? {};
        if (CLIENT_ID_ANNOTATION in annotations) annotated.set(name, annotations[CLIENT_ID_ANNOTATION]);
        else markedPending.set(name, annotations[PENDING_IDENTITY_ANNOTATION]);
      }
      if (patch?.kind === "Deployment") labelled = new RegExp(`^(?:${name})$`);
    }
    for (const account of accounts) {
      const object = `ServiceAccount flux-system/${account.controller}`;
      const clientId = annotated.get(account.controller);
      if (account.clientId === undefined) {
        // Pending: no client ID yet, so the patch must carry none (validate reports the pending identity itself).
        if (clientId !== undefined || markedPending.get(account.controller) !== account.identity) {
          problem(object, `identity ${JSON.stringify(account.identity)} is pending (no identity outputs yet): the patch must mark it ${PENDING_IDENTITY_ANNOTATION}: ${JSON.stringify(account.identity)} and carry no client ID, got ${clientId === undefined ? "no such patch" : `client ID ${String(clientId)}`}; run \`${synthHint(tree)}\``);
        }
      } else if (clientId !== account.clientId) {
        problem(object, `must be annotated with client ID ${account.clientId} of identity ${JSON.stringify(account.identity)}, got ${clientId !== undefined ? String(clientId) : markedPending.has(account.controller) ? `the ${PENDING_IDENTITY_ANNOTATION} marker` : "no patch"}; run \`${synthHint(tree)}\``);
      }
      if (labelled === undefined || !labelled.test(account.controller)) {
        problem(`Deployment flux-system/${account.controller}`, `its pods must be labelled azure.workload.identity/use: "true" (a Deployment patch targeting it); run \`${synthHint(tree)}\``);
      }
      annotated.delete(account.controller);
    }
    for (const [controller, clientId] of annotated) {
      problem(`ServiceAccount flux-system/${controller}`, `annotated with client ID ${String(clientId)}, but no identity of cluster ${cluster} is federated with system:serviceaccount:flux-system:${controller} (AADSTS70021); run \`${synthHint(tree)}\``);
    }
  }
  return problems;
}
