import { type ClusterSpecInput, type FleetProblem, loadFleet, NO_PLATFORMS, type PlatformRegistry } from "../src/index.js";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/** The issuer of a cluster, distinct per `seed`. */
export function issuer(seed = "2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35"): string {
  return `https://westeurope.oic.prod-aks.azure.com/${TENANT}/${seed}/`;
}

/** A fresh, valid, minimal cluster named `name` (unique issuer per name). */
export function validSpec(name = "dev"): ClusterSpecInput {
  return {
    name,
    azure: {
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-ml-${name}`,
      location: "westeurope",
      oidcIssuerUrl: issuer(`00000000-0000-4000-8000-${name.padStart(12, "0").slice(-12)}`),
    },
    git: { url: "https://github.com/contoso/fleet" },
  };
}

/** Loads one module (with the registered `platforms`) and returns its problems (empty when it loaded). */
export function problemsOf(exported: unknown, file = "apps/fleet/src/clusters/dev.ts", platforms: PlatformRegistry = NO_PLATFORMS): FleetProblem[] {
  const result = loadFleet([{ file, exported }], platforms);
  return result.ok ? [] : result.problems;
}

/** `validSpec()` with `edit` applied to a deep copy (typed loosely, to write invalid input). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function specWith(edit: (spec: any) => void, name = "dev"): unknown {
  const spec = structuredClone(validSpec(name));
  edit(spec);
  return spec;
}
