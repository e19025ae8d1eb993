import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A valid cluster definition shaped like the example fleet's, for tests to break on purpose. */
export function validCluster(name: string, issuerId = "2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35") {
  return {
    name,
    azure: {
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      subscriptionId: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
      resourceGroup: `rg-${name}`,
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/${issuerId}/`,
    },
    git: { url: "ssh://git@github.com/contoso/ml-fleet.git" },
  };
}

/** Writes cluster modules (file name → default export) into a fresh directory. */
export async function writeFleet(modules: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-fleet-"));
  for (const [file, exported] of Object.entries(modules)) {
    await writeFile(join(dir, file), `export default ${JSON.stringify(exported, null, 2)};\n`);
  }
  return dir;
}
