import { type ClusterSpec, type ClusterSpecInput, clusterSpecSchema } from "@flotilla/fleet";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
export const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/`;

/** A valid cluster input with namespaces `ns-a`, `ns-b`, `ns-c` and no identities. */
export function baseInput(name = "dev"): ClusterSpecInput {
  return {
    name,
    azure: { tenantId: TENANT, subscriptionId: SUBSCRIPTION, resourceGroup: `rg-${name}`, location: "westeurope", oidcIssuerUrl: ISSUER },
    git: { url: "https://github.com/contoso/fleet" },
    namespaces: [{ name: "ns-a" }, { name: "ns-b" }, { name: "ns-c" }],
  };
}

/** Parses a cluster input (so defaults are filled exactly as loadFleet does); throws on invalid input. */
export function spec(input: ClusterSpecInput): ClusterSpec {
  return clusterSpecSchema.parse(input);
}

/** `baseInput()` plus the given identities and custom roles, parsed. */
export function clusterWith(extra: Pick<ClusterSpecInput, "identities" | "customRoles" | "namespaces">, name = "dev"): ClusterSpec {
  return spec({ ...baseInput(name), ...extra });
}
