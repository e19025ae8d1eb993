import { emitDocument, type EmitNode } from "./emit.js";
import { KUBERNETES_ENCRYPTED_REGEX } from "./secret.js";

/** One creation rule of a `.sops.yaml`: the files under `pathPrefix` and their recipients. */
export interface SopsCreationRule {
  /** Repository-relative directory, e.g. `fleet/secrets/dev`. */
  pathPrefix: string;
  /** `age1…` recipients. */
  age: readonly string[];
  /** Azure Key Vault key URLs (`https://<vault>.vault.azure.net/keys/<name>[/<version>]`). */
  azureKeyVault: readonly string[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The text of a `.sops.yaml` whose creation rules let people with the sops CLI create and edit
 * the same files: per rule, `path_regex` (the secrets directory of the cluster; sops matches it against the file's path relative to `.sops.yaml`),
 * `encrypted_regex: ^(data|stringData)$` and the recipients (comma-separated, as sops reads them).
 */
export function sopsConfigYaml(rules: readonly SopsCreationRule[], header: string): string {
  const entries = rules.map((rule) => {
    const fields: [string, EmitNode][] = [
      ["path_regex", `${escapeRegex(rule.pathPrefix)}/.*\\.sops\\.yaml$`],
      ["encrypted_regex", KUBERNETES_ENCRYPTED_REGEX],
    ];
    if (rule.age.length > 0) fields.push(["age", rule.age.join(",")]);
    if (rule.azureKeyVault.length > 0) fields.push(["azure_keyvault", rule.azureKeyVault.join(",")]);
    return { entries: fields };
  });
  return header + emitDocument({ entries: [["creation_rules", entries]] });
}
