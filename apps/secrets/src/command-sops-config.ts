import { readFile } from "node:fs/promises";
import { CliError, type GlobalOptions, loadClusters, locations, type SecretCliDeps } from "./context.js";
import { fleetSopsConfig, updateSopsConfig } from "./sops-config-file.js";

/** `pnpm secret sops-config [--check]`: (re)writes `.sops.yaml`, or checks that it is current. */
export async function commandSopsConfig(options: GlobalOptions & { check?: boolean }, deps: SecretCliDeps): Promise<void> {
  const where = locations(deps, options);
  const clusters = await loadClusters(where, deps.commands);
  const shown = where.displayName(where.sopsConfig);
  if (options.check) {
    const current = await readFile(where.sopsConfig, "utf8").catch(() => undefined);
    if (current !== fleetSopsConfig(clusters, where, deps)) throw new CliError(`${shown} is not up to date with the clusters' sops recipients; run \`pnpm secret sops-config\` and commit it`);
    deps.stdout(`${shown} is up to date.`);
    return;
  }
  deps.stdout((await updateSopsConfig(clusters, where, deps)) ? `Wrote ${shown}.` : `${shown} is up to date; nothing written.`);
}
