import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { secretNamespaces, secretPathSegments } from "@flotilla/fleet";
import { checkSecretFile, decryptSopsFile, encryptSecret, KeyVaultAccessError, SopsError, updateSecretFile, type SecretInput } from "@flotilla/sops";
import { CliError, findCluster, type GlobalOptions, loadClusters, locations, type SecretCliDeps } from "./context.js";
import { clusterWrappers, unwrappersFromEnv } from "./keys.js";
import { updateSopsConfig } from "./sops-config-file.js";
import { parseTarget } from "./target.js";
import { collectValues, type ValueSources } from "./values.js";
import { writeFileAtomic } from "./write-file.js";

export interface SetOptions extends GlobalOptions, ValueSources {
  type: string;
  label: string[];
  annotation: string[];
  /** Write only the given keys, dropping the others (needed when the file cannot be decrypted). */
  replace: boolean;
}

function pairs(values: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new CliError(`${flag}: expected key=value, got ${JSON.stringify(value)}`, 2);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/**
 * `pnpm secret set <cluster> <namespace>/<name> …`: encrypts the values for the cluster's
 * recipients and writes `apps/fleet/secrets/<cluster>/<namespace>/<name>.sops.yaml` atomically.
 * An existing file that can be decrypted (SOPS_AGE_KEY_FILE, or Key Vault access) keeps its data
 * key, its other keys and the ciphertext of unchanged values; otherwise `--replace` is needed.
 */
export async function commandSet(clusterName: string, target: string, options: SetOptions, deps: SecretCliDeps): Promise<void> {
  const where = locations(deps, options);
  const clusters = await loadClusters(where, deps.commands);
  const spec = findCluster(clusters, clusterName);
  const { namespace, name } = parseTarget(target);
  if (!secretNamespaces(spec).includes(namespace)) {
    throw new CliError(`namespace "${namespace}" is not rendered by cluster ${spec.name} (it renders ${secretNamespaces(spec).join(", ") || "none"}); add it to namespaces first`);
  }
  const path = join(where.secretsDir, ...secretPathSegments(spec.name, namespace, name));
  const shown = where.displayName(path);
  const values = await collectValues(options, deps);
  const wrappers = await clusterWrappers(spec, deps);
  const existingText = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });

  const secret: SecretInput = {
    name,
    namespace,
    type: options.type,
    labels: pairs(options.label, "--label"),
    annotations: pairs(options.annotation, "--annotation"),
    data: Object.fromEntries(values),
  };
  let text: string;
  let kept: string[] = [];
  const now = deps.now?.();
  if (existingText === undefined || options.replace) {
    text = await encryptSecret(secret, wrappers, now === undefined ? {} : { lastModified: now });
  } else {
    const unwrappers = await unwrappersFromEnv(deps);
    let existing;
    try {
      existing = await decryptSopsFile(existingText, unwrappers);
    } catch (error) {
      if (!(error instanceof SopsError)) throw error;
      if (error instanceof KeyVaultAccessError && error.environment) throw new CliError(`${shown}: ${error.message}`, 2);
      throw new CliError(
        `${shown} exists and cannot be decrypted here, so its other keys cannot be kept: ${error.message}. Set SOPS_AGE_KEY_FILE to a key of the cluster${spec.sops?.azureKeyVault ? " (or log in to Azure for Key Vault)" : ""}, or pass --replace to write only the given keys`,
      );
    }
    const data = (existing.plaintext.data ?? {}) as Record<string, string>;
    const metadata = (existing.plaintext.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
    kept = Object.keys(data).filter((key) => !values.has(key));
    secret.data = { ...Object.fromEntries(kept.map((key) => [key, Buffer.from(data[key]!, "base64")])), ...secret.data };
    secret.labels = { ...(metadata.labels ?? {}), ...secret.labels };
    secret.annotations = { ...(metadata.annotations ?? {}), ...secret.annotations };
    if (options.type === "Opaque" && typeof existing.plaintext.type === "string") secret.type = existing.plaintext.type;
    const updated = await updateSecretFile(existingText, unwrappers, secret, wrappers, now);
    if (!updated.changed) {
      deps.stdout(`${shown} is unchanged (same values and recipients); nothing written.`);
      return;
    }
    text = updated.text;
  }
  // What synth would refuse to place is never written (a kept key with an empty value, …); the
  // namespace is checked above and the recipients are the cluster's by construction.
  const checked = checkSecretFile(text, { cluster: spec.name, namespace, name }, deps.commands);
  if (!checked.ok) throw new CliError(`${shown} not written: ${checked.problems.map((problem) => [problem.path, problem.message].filter(Boolean).join(": ")).join("; ")}`);
  await writeFileAtomic(path, text);
  const keys = Object.keys(secret.data).sort();
  const keptNote = kept.length > 0 ? `; kept ${kept.sort().join(", ")}` : "";
  deps.stdout(`Wrote ${shown}: Secret ${namespace}/${name}, keys ${keys.join(", ")}${keptNote}; encrypted for ${wrappers.length} recipient(s) of cluster ${spec.name}.`);
  if (await updateSopsConfig(clusters, where, deps)) deps.stdout(`Updated ${where.displayName(where.sopsConfig)}.`);
  deps.stdout("Run `pnpm synth` and commit both.");
}
