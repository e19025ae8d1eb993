import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { rewrapSopsFile, SopsError } from "@flotilla/sops";
import { CliError, findCluster, type GlobalOptions, loadClusters, locations, type SecretCliDeps } from "./context.js";
import { clusterWrappers, unwrappersFromEnv } from "./keys.js";
import { updateSopsConfig } from "./sops-config-file.js";
import { writeFileAtomic } from "./write-file.js";

async function secretFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  let namespaces;
  try {
    namespaces = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  for (const namespace of namespaces.filter((entry) => entry.isDirectory())) {
    for (const file of await readdir(join(dir, namespace.name))) {
      if (file.endsWith(".sops.yaml")) files.push(join(dir, namespace.name, file));
    }
  }
  return files.sort();
}

/**
 * `pnpm secret updatekeys <cluster>…`: re-wraps every secret's data key for the cluster's current
 * recipients (after one was added or removed), without changing any value. Needs a key that can
 * decrypt the files now (SOPS_AGE_KEY_FILE, or Key Vault access). Every file is attempted; the
 * exit code is 1 if any could not be re-wrapped.
 */
export async function commandUpdateKeys(clusterNames: string[], options: GlobalOptions & { all?: boolean }, deps: SecretCliDeps): Promise<void> {
  const where = locations(deps, options);
  const clusters = await loadClusters(where, deps.commands);
  if (clusterNames.length === 0 && !options.all) throw new CliError("name the cluster(s) to update, or pass --all", 2);
  const selected = options.all ? clusters.filter((spec) => spec.sops !== undefined) : clusterNames.map((name) => findCluster(clusters, name));
  const unwrappers = await unwrappersFromEnv(deps);
  const failures: string[] = [];
  for (const spec of selected) {
    const wrappers = await clusterWrappers(spec, deps);
    const files = await secretFiles(join(where.secretsDir, spec.name));
    if (files.length === 0) deps.stdout(`cluster ${spec.name}: no secrets.`);
    for (const path of files) {
      const shown = where.displayName(path);
      try {
        const result = await rewrapSopsFile(await readFile(path, "utf8"), unwrappers, wrappers);
        if (!result.changed) {
          deps.stdout(`${shown}: recipients already up to date.`);
          continue;
        }
        await writeFileAtomic(path, result.text);
        const changes = [result.added.length > 0 ? `added ${result.added.join(", ")}` : "", result.removed.length > 0 ? `removed ${result.removed.join(", ")}` : ""].filter(Boolean);
        deps.stdout(`${shown}: ${changes.join("; ")} (values unchanged).`);
      } catch (error) {
        if (!(error instanceof SopsError) && !(error instanceof CliError)) throw error;
        failures.push(`${shown}: ${error.message}`);
      }
    }
  }
  if (await updateSopsConfig(clusters, where, deps)) deps.stdout(`Updated ${where.displayName(where.sopsConfig)}.`);
  if (failures.length > 0) throw new CliError(`${failures.join("\n")}\n${failures.length} file(s) not updated.`);
}
