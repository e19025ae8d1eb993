import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { identityAzureName, identityResourceId, serializeIdentityOutputs } from "@flotilla/workload-identity";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/**
 * Writes `count` cluster modules shaped like the example clusters into `dir` (each with one
 * workspace identity), and their identity outputs into `dir/identity-outputs/`.
 */
export async function writeGeneratedFleet(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, "identity-outputs"), { recursive: true });
  for (let index = 1; index <= count; index++) {
    const name = `cluster-${String(index).padStart(3, "0")}`;
    await writeFile(join(dir, `${name}.mjs`), `export default ${JSON.stringify(generatedCluster(name, index), null, 2)};\n`);
    await writeFile(join(dir, "identity-outputs", `${name}.json`), generatedOutputs(name, index));
  }
}

function generatedCluster(name: string, index: number) {
  const suffix = String(index).padStart(12, "0");
  return {
    name,
    azure: {
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-${name}`,
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/00000000-0000-4000-8000-${suffix}/`,
    },
    git: { url: "ssh://git@github.com/contoso/ml-fleet.git" },
    namespaces: [
      { name: "analytics-prod", labels: { "contoso.com/team": "analytics" } },
      { name: "analytics-staging", labels: { "contoso.com/team": "analytics" } },
    ],
    identities: [
      {
        name: "analytics",
        workspaces: { namespaces: ["analytics-prod", "analytics-staging"], serviceAccount: "analytics-runner" },
        roles: [{ role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stbench", container: name } } }],
      },
    ],
  };
}

function generatedOutputs(name: string, index: number): string {
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
  const resourceId = identityResourceId(SUBSCRIPTION, `rg-${name}`, identityAzureName(name, "analytics"));
  return serializeIdentityOutputs({ cluster: name, tenantId: TENANT, identities: { analytics: { clientId: id, principalId: id, resourceId } } });
}
