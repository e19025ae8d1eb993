import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { type ClusterSpecInput, clusterSpecSchema } from "@flotilla/fleet";
import { ClusterChart } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const AGE = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";

function chart(extra: Partial<ClusterSpecInput>, secrets: { namespace: string; name: string }[]) {
  const spec = clusterSpecSchema.parse({
    name: "dev",
    azure: {
      tenantId: TENANT,
      subscriptionId: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
      resourceGroup: "rg-dev",
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/`,
    },
    git: { url: "https://github.com/contoso/fleet" },
    namespaces: [{ name: "team" }],
    ...extra,
  });
  return new ClusterChart(new App(), spec, { encryptedSecrets: secrets });
}

const decryptionOf = (c: ClusterChart, layer: "infrastructure" | "platforms") =>
  (c[layer].kustomization.apiObject.toJson() as { spec: { decryption?: unknown } }).spec.decryption;

describe("SOPS decryption of the infrastructure layer", () => {
  it("uses the sops-age Secret when the cluster has age recipients", () => {
    const c = chart({ sops: { age: [AGE], azureKeyVault: { vault: "kv-dev", key: "sops" } } }, [{ namespace: "team", name: "db" }]);
    expect(decryptionOf(c, "infrastructure")).toEqual({ provider: "sops", secretRef: { name: "sops-age" } });
    expect(decryptionOf(c, "platforms")).toBeUndefined();
  });

  it("uses kustomize-controller's workload identity for a Key Vault key alone", () => {
    const c = chart({ sops: { azureKeyVault: { vault: "kv-dev", key: "sops" } } }, [{ namespace: "team", name: "db" }]);
    expect(decryptionOf(c, "infrastructure")).toEqual({ provider: "sops" });
  });

  it("has no decryption without encrypted secrets, and needs recipients when there are some", () => {
    expect(decryptionOf(chart({ sops: { age: [AGE] } }, []), "infrastructure")).toBeUndefined();
    expect(() => chart({}, [{ namespace: "team", name: "db" }])).toThrow(/has encrypted secrets but no sops recipients/);
  });
});
