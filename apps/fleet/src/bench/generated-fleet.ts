import { execFileSync } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { importClusterModules } from "@flotilla/fleet";
import { repoRoot } from "../repo-paths.js";

interface IdentityOutputsFile {
  cluster: string;
  tenantId: string;
  identities: Record<string, { clientId: string; principalId: string; resourceId: string }>;
}

/**
 * Writes `count` clusters shaped like the example `dev` cluster into `dir` (a Git repository, as
 * synth needs for image automation): its three platforms, node pools, SOPS secrets (dev's files,
 * encrypted for the same age recipient) and automated images, each cluster with its own name,
 * resource group, issuer, storage accounts and client IDs, so every cluster's Helm values differ.
 */
export async function writeGeneratedFleet(dir: string, count: number): Promise<void> {
  const devJson = JSON.stringify(await exampleDevSpec());
  const outputs = JSON.parse(await readFile(join(repoRoot, "apps/fleet/identity-outputs/dev.json"), "utf8")) as IdentityOutputsFile;
  const images = await readFile(join(repoRoot, "apps/fleet/images/dev/images.yaml"), "utf8");
  await mkdir(join(dir, "identity-outputs"), { recursive: true });
  for (let index = 1; index <= count; index++) {
    const name = `cluster-${String(index).padStart(3, "0")}`;
    const hex = index.toString(16).padStart(4, "0");
    const spec = JSON.parse(
      devJson
        .replaceAll("rg-ml-dev", `rg-${name}`)
        .replaceAll("2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35", `2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c${hex}`)
        .replaceAll(/stmldev([a-z]*)/g, (_match, rest: string) => `st${hex}${rest}`.slice(0, 24))
        .replaceAll("psql-ml-dev", `psql-${name}`),
    ) as Record<string, unknown>;
    spec.name = name;
    await writeFile(join(dir, `${name}.mjs`), `export default ${JSON.stringify(spec, null, 2)};\n`);
    const identities = Object.fromEntries(
      Object.entries(outputs.identities).map(([identity, value]) => [
        identity,
        {
          clientId: value.clientId.replace(/[0-9a-f]{4}$/, hex),
          principalId: value.principalId.replace(/[0-9a-f]{4}$/, hex),
          resourceId: value.resourceId.replace("rg-ml-dev", `rg-${name}`).replace("/id-dev-", `/id-${name}-`),
        },
      ]),
    );
    await writeFile(join(dir, "identity-outputs", `${name}.json`), `${JSON.stringify({ ...outputs, cluster: name, identities }, null, 2)}\n`);
    await cp(join(repoRoot, "apps/fleet/secrets/dev"), join(dir, "secrets", name), { recursive: true });
    await mkdir(join(dir, "images", name), { recursive: true });
    await writeFile(join(dir, "images", name, "images.yaml"), images.replace("name: dev", `name: ${name}`).replace("of cluster dev", `of cluster ${name}`));
  }
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
}

/** The example `dev` cluster's definition, read from its source file as synth reads it. */
async function exampleDevSpec(): Promise<unknown> {
  const modulesDir = join(repoRoot, "apps/fleet/src/clusters");
  const { modules, problems } = await importClusterModules({ modulesDir, displayName: (file) => file, packagesFrom: repoRoot });
  const dev = modules.find((module) => module.file.endsWith("/dev.ts"));
  if (dev === undefined) throw new Error(`the example dev cluster could not be read: ${problems.map((problem) => problem.message).join("; ")}`);
  return dev.exported;
}
