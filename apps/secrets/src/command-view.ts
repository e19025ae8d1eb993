/**
 * `secret view <cluster> <namespace>/<name>`: decrypts a Secret for the person who holds one of
 * its keys — an age identity from SOPS_AGE_KEY / SOPS_AGE_KEY_FILE (or sops' default keys file),
 * or Azure Key Vault through the Azure login — and prints it, values decoded (`stringData`; values
 * that are not UTF-8 text stay base64 under `data`), or one value's bytes with `--key`.
 *
 * Plaintext goes to a terminal only: when stdout is not a terminal (a pipe, a file) it refuses
 * (exit 2) unless `--pipe` says so deliberately. Nothing is written to disk.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { secretPathSegments } from "@flotilla/fleet";
import { decryptSopsFile, KeyVaultAccessError, SopsError } from "@flotilla/sops";
import { CliError, findCluster, type GlobalOptions, loadClusters, locations, type SecretCliDeps } from "./context.js";
import { unwrappersFromEnv } from "./keys.js";
import { parseTarget } from "./target.js";

export interface ViewOptions extends GlobalOptions {
  key?: string;
  output: string;
  pipe?: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function asText(bytes: Buffer): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export async function commandView(clusterName: string, target: string, options: ViewOptions, deps: SecretCliDeps): Promise<void> {
  if (options.output !== "yaml" && options.output !== "json") throw new CliError(`--output: expected yaml or json, got ${JSON.stringify(options.output)}`, 2);
  if (!options.pipe && deps.stdoutIsTTY !== true) {
    throw new CliError("refusing to print decrypted values: stdout is not a terminal (a pipe or a file would keep the plaintext); pass --pipe to do it deliberately", 2);
  }
  const where = locations(deps, options);
  const spec = findCluster(await loadClusters(where, deps.commands), clusterName);
  const { namespace, name } = parseTarget(target);
  const path = join(where.secretsDir, ...secretPathSegments(spec.name, namespace, name));
  const shown = where.displayName(path);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new CliError(`cluster ${spec.name} has no Secret ${namespace}/${name} (no ${shown}); create it with \`secret set ${spec.name} ${namespace}/${name} --from-stdin <key>\``);
    throw new CliError(`cannot read ${shown} (${error.code ?? error.message})`);
  });
  const file = await decryptSopsFile(text, await unwrappersFromEnv(deps)).catch((error: unknown) => {
    if (!(error instanceof SopsError)) throw error;
    // A network or sign-in failure of Key Vault is the machine's problem: exit 2.
    throw new CliError(`${shown}: ${error.message}`, error instanceof KeyVaultAccessError && error.environment ? 2 : 1);
  });
  const data = (file.plaintext.data ?? {}) as Record<string, string>;
  if (options.key !== undefined) {
    const value = data[options.key];
    if (value === undefined) throw new CliError(`${shown} has no key ${JSON.stringify(options.key)}; its keys are ${Object.keys(data).sort().join(", ") || "(none)"}`);
    const bytes = Buffer.from(value, "base64");
    if (deps.stdoutRaw) deps.stdoutRaw(bytes);
    else deps.stdout(bytes.toString("utf8"));
    return;
  }
  const stringData: Record<string, string> = {};
  const binary: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) {
    const value = asText(Buffer.from(data[key]!, "base64"));
    if (value === undefined) binary[key] = data[key]!;
    else stringData[key] = value;
  }
  const rest = Object.fromEntries(Object.entries(file.plaintext).filter(([field]) => field !== "data" && field !== "sops"));
  const secret = {
    ...rest,
    ...(Object.keys(stringData).length > 0 ? { stringData } : {}),
    ...(Object.keys(binary).length > 0 ? { data: binary } : {}),
  };
  if (options.output === "json") deps.stdout(JSON.stringify(secret, null, 2));
  else deps.stdout(stringify(secret, { lineWidth: 0 }).trimEnd());
}
