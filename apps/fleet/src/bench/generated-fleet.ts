import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes `count` cluster modules shaped like the example clusters into `dir`. */
export async function writeGeneratedFleet(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let index = 1; index <= count; index++) {
    const name = `cluster-${String(index).padStart(3, "0")}`;
    await writeFile(join(dir, `${name}.mjs`), `export default ${JSON.stringify(generatedCluster(name, index), null, 2)};\n`);
  }
}

function generatedCluster(name: string, index: number) {
  const suffix = String(index).padStart(12, "0");
  return {
    name,
    azure: {
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      subscriptionId: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
      resourceGroup: `rg-${name}`,
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/00000000-0000-4000-8000-${suffix}/`,
    },
    git: { url: "ssh://git@github.com/contoso/ml-fleet.git" },
    namespaces: [
      { name: "analytics-prod", labels: { "contoso.com/team": "analytics" } },
      { name: "analytics-staging", labels: { "contoso.com/team": "analytics" } },
    ],
  };
}
