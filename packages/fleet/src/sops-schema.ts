import * as z from "zod";
import type { PlatformRegistry } from "./platform/platform.js";
import { platformNamespacesOf } from "./platforms-schema.js";
import { showString } from "./describe-value.js";
import { ALWAYS, checkedString, list, strictObject } from "./schema-helpers.js";
import type { SecretRef, SopsSpec } from "./types.js";
import { checkResourceGroup } from "./validators/azure.js";
import { checkKeyVaultName, checkKeyVaultObjectName } from "./validators/azure-resources.js";
import { checkDnsSubdomain, checkNamespaceName } from "./validators/dns-label.js";
import { checkAgeRecipient, checkKeyVaultKeyVersion, checkSecretKey } from "./validators/sops.js";

type Ctx = z.core.$RefinementCtx;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reports entries of a list that repeat an earlier one (by `key`). */
function uniqueBy(what: string, key: (item: unknown) => string | undefined, path: (index: number) => PropertyKey[]) {
  return (items: unknown, ctx: Ctx) => {
    if (!Array.isArray(items)) return;
    const first = new Map<string, number>();
    items.forEach((item: unknown, index) => {
      const k = key(item);
      if (k === undefined) return;
      const earlier = first.get(k);
      if (earlier === undefined) first.set(k, index);
      else ctx.addIssue({ code: "custom", path: path(index), message: `${what} ${showString(k)} is already listed at [${earlier}]; remove one` });
    });
  };
}

const azureKeyVaultSchema = strictObject("the Azure Key Vault key: { vault, key, version?, resourceGroup? }", {
  vault: checkedString("the Key Vault name, e.g. \"kv-ml-prod\"", checkKeyVaultName),
  key: checkedString("the name of the RSA key in the vault, e.g. \"sops\"", checkKeyVaultObjectName),
  version: checkedString("the key version", checkKeyVaultKeyVersion).optional(),
  resourceGroup: checkedString("the resource group of the Key Vault", checkResourceGroup).optional(),
});

export const sopsSchema = strictObject("the SOPS settings: { age?, azureKeyVault? }", {
  age: list("the age recipients", checkedString("an age recipient (age1…)", checkAgeRecipient))
    .superRefine(uniqueBy("recipient", (item) => (typeof item === "string" ? item : undefined), (index) => [index]), ALWAYS)
    .optional(),
  azureKeyVault: azureKeyVaultSchema.optional(),
})
  .superRefine((value, ctx) => {
    const raw: unknown = value;
    if (!isObject(raw) || ctx.issues.length > 0) return;
    const age = raw.age;
    if ((age === undefined || (Array.isArray(age) && age.length === 0)) && raw.azureKeyVault === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "list at least one recipient: age: [\"age1…\"] (public keys from `age-keygen`) and/or azureKeyVault: { vault, key }",
      });
    }
  }, ALWAYS)
  .optional();

const secretRefSchema = strictObject("the secret: { namespace, name, keys? }", {
  // flux-system is reserved for declared namespaces but holds the Secrets of Flux sources and Providers.
  namespace: checkedString("the namespace of the Secret", (value) => (value === "flux-system" ? undefined : checkNamespaceName(value))),
  name: checkedString("the Secret name", checkDnsSubdomain),
  keys: list("the keys the Secret must have", checkedString("a Secret key", checkSecretKey)).optional(),
});

export const secretsSchema = list("the secrets", secretRefSchema)
  .superRefine(
    uniqueBy(
      "secret",
      (item) => (isObject(item) && typeof item.namespace === "string" && typeof item.name === "string" ? `${item.namespace}/${item.name}` : undefined),
      (index) => [index],
    ),
    ALWAYS,
  )
  .default([]);

/**
 * Cross-references of `secrets` and `sops`, on the raw value: a referenced Secret must live in a
 * namespace the cluster renders, and secrets need recipients to be encrypted for.
 */
export const checkSecretReferences = (platforms: PlatformRegistry) => (value: unknown, ctx: Ctx): void => {
  if (!isObject(value) || !Array.isArray(value.secrets)) return;
  // flux-system exists on every cluster (Flux's own): Secrets of Flux sources and notifications live there.
  const namespaces = new Set<string>(["flux-system"]);
  if (Array.isArray(value.namespaces)) {
    for (const entry of value.namespaces as unknown[]) if (isObject(entry) && typeof entry.name === "string") namespaces.add(entry.name);
  }
  for (const name of platformNamespacesOf(value.platforms, platforms)) namespaces.add(name);
  (value.secrets as unknown[]).forEach((secret, i) => {
    if (!isObject(secret) || typeof secret.namespace !== "string" || checkNamespaceName(secret.namespace) !== undefined) return;
    if (namespaces.has(secret.namespace)) return;
    const declared = [...namespaces].sort().map((n) => JSON.stringify(n)).join(", ") || "none";
    ctx.addIssue({
      code: "custom",
      path: ["secrets", i, "namespace"],
      message: `namespace ${showString(secret.namespace)} is not rendered by this cluster, so the Secret could not be applied; add { name: ${JSON.stringify(secret.namespace)} } to namespaces (declared: ${declared})`,
    });
  });
  if (value.secrets.length > 0 && value.sops === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["sops"],
      message: "required when secrets are listed: the recipients the cluster's secrets are encrypted for, sops: { age: [\"age1…\"] } and/or { azureKeyVault: { vault, key } }",
    });
  }
};

type ParsedSops = { age?: string[] | undefined; azureKeyVault?: { vault: string; key: string; version?: string | undefined; resourceGroup?: string | undefined } | undefined };

/** `sops` and `secrets` with defaults filled (Key Vault resource group: the cluster's). */
export function sopsDefaults(
  cluster: { azure: { resourceGroup: string } },
  sops: ParsedSops | undefined,
  secrets: { namespace: string; name: string; keys?: string[] | undefined }[],
): { sops: SopsSpec | undefined; secrets: SecretRef[] } {
  return {
    sops:
      sops === undefined
        ? undefined
        : {
            age: [...(sops.age ?? [])],
            azureKeyVault:
              sops.azureKeyVault === undefined
                ? undefined
                : {
                    vault: sops.azureKeyVault.vault,
                    key: sops.azureKeyVault.key,
                    version: sops.azureKeyVault.version,
                    resourceGroup: sops.azureKeyVault.resourceGroup ?? cluster.azure.resourceGroup,
                  },
          },
    secrets: secrets.map((secret) => ({ namespace: secret.namespace, name: secret.name, keys: [...(secret.keys ?? [])] })),
  };
}
