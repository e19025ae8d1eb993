import * as z from "zod";
import type { AnyPlatform, PlatformRegistry } from "./platform/platform.js";
import type { PlatformsSpec } from "./platform/index.js";
import { strictObject } from "./schema-helpers.js";
import type { AzureSpec, SecretRef } from "./types.js";

type Ctx = z.core.$RefinementCtx;

/** The `platforms` object: one optional key per registered platform. */
export function platformsSchema(platforms: PlatformRegistry) {
  const keys = platforms.map((platform) => `${platform.key}?`).join(", ");
  const shape = Object.fromEntries(platforms.map((platform) => [platform.key, platform.spec.schema.optional()]));
  return strictObject(`the platforms: { ${keys} }`, shape).default({});
}

/** Fills the platforms' defaults and adds the Secrets they read to `secrets` (merged with declared ones). */
export function platformDefaults(
  cluster: { name: string; azure: AzureSpec },
  parsed: Readonly<Record<string, unknown>>,
  secrets: SecretRef[],
  platforms: PlatformRegistry,
): { platforms: PlatformsSpec; secrets: SecretRef[] } {
  const resolved: Record<string, unknown> = {};
  const required: SecretRef[] = [];
  for (const platform of platforms) {
    const section = parsed[platform.key];
    if (section === undefined) continue;
    const spec: unknown = platform.spec.defaults(section, cluster);
    resolved[platform.key] = spec;
    for (const { field, ...secret } of platform.spec.secrets?.(spec) ?? []) {
      required.push({ ...secret, origin: field === undefined ? `platforms.${platform.key}` : `platforms.${platform.key}.${field}` });
    }
  }
  return { platforms: resolved as PlatformsSpec, secrets: mergeSecrets(secrets, required) };
}

function mergeSecrets(declared: SecretRef[], required: SecretRef[]): SecretRef[] {
  const merged = declared.map((secret) => ({ ...secret, keys: [...secret.keys] }));
  for (const ref of required) {
    const same = merged.find((secret) => secret.namespace === ref.namespace && secret.name === ref.name);
    if (same === undefined) merged.push(ref);
    else for (const key of ref.keys) if (!same.keys.includes(key)) same.keys.push(key);
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The registered platforms enabled in the raw `platforms` value, with their raw sections. */
function enabledPlatforms(rawPlatforms: unknown, platforms: PlatformRegistry): { platform: AnyPlatform; raw: Record<string, unknown> }[] {
  if (!isObject(rawPlatforms)) return [];
  return platforms.flatMap((platform) => {
    const raw = rawPlatforms[platform.key];
    return isObject(raw) ? [{ platform, raw }] : [];
  });
}

/**
 * The namespaces synth renders for the platforms, from the raw (possibly invalid) spec: each
 * enabled platform's `namespace`, or its default (used by the raw cross-reference checks).
 */
export function platformNamespacesOf(rawPlatforms: unknown, platforms: PlatformRegistry): string[] {
  return enabledPlatforms(rawPlatforms, platforms).map(({ platform, raw }) => (typeof raw.namespace === "string" ? raw.namespace : platform.spec.defaultNamespace));
}

/**
 * Cross-references of `platforms` on the raw value: a platform that reads encrypted Secrets needs
 * `sops` recipients; a platform's required platforms are enabled; each platform has a namespace of
 * its own, not also declared in `namespaces`; then each platform's own checks.
 */
export function checkPlatformReferences(platforms: PlatformRegistry): (value: unknown, ctx: Ctx) => void {
  return (value, ctx) => {
    if (!isObject(value) || !isObject(value.platforms)) return;
    const rawPlatforms = value.platforms;
    const enabled = enabledPlatforms(rawPlatforms, platforms);
    const readingSecrets = enabled.filter(({ platform }) => platform.spec.secrets !== undefined).map(({ platform }) => platform.key);
    if (readingSecrets.length > 0 && value.sops === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sops"],
        message: `required with platforms (${readingSecrets.join(", ")}): their database passwords are SOPS-encrypted Secrets; add sops: { age: ["age1…"] } and/or { azureKeyVault: { vault, key } }`,
      });
    }
    for (const { platform } of enabled) {
      for (const required of platform.requires ?? []) {
        if (rawPlatforms[required.platform] !== undefined) continue;
        ctx.addIssue({ code: "custom", path: ["platforms", platform.key], message: `${required.reason}: add platforms.${required.platform} too` });
      }
    }
    const own = platformNamespacesOf(rawPlatforms, platforms);
    reportSharedNamespaces(enabled, own, ctx);
    const declared = Array.isArray(value.namespaces) ? (value.namespaces as unknown[]).flatMap((entry) => (isObject(entry) && typeof entry.name === "string" ? [entry.name] : [])) : [];
    const renderedNamespaces = new Set([...declared, ...own]);
    for (const { platform, raw } of enabled) {
      platform.spec.check?.(raw, {
        cluster: value,
        renderedNamespaces,
        report: (path, message) => ctx.addIssue({ code: "custom", path: ["platforms", platform.key, ...path], message }),
      });
    }
    if (Array.isArray(value.namespaces)) {
      (value.namespaces as unknown[]).forEach((entry, i) => {
        if (isObject(entry) && typeof entry.name === "string" && own.includes(entry.name)) {
          ctx.addIssue({
            code: "custom",
            path: ["namespaces", i, "name"],
            message: `namespace ${JSON.stringify(entry.name)} is rendered by a platform (platforms); remove it from namespaces or give the platform another namespace`,
          });
        }
      });
    }
  };
}

/** Two platforms in one namespace: each renders that Namespace and its own objects there, which collide. */
function reportSharedNamespaces(enabled: ReturnType<typeof enabledPlatforms>, namespaces: string[], ctx: Ctx): void {
  enabled.forEach(({ platform, raw }, i) => {
    const first = namespaces.indexOf(namespaces[i]!);
    if (first === i) return;
    const other = enabled[first]!.platform.key;
    const path = typeof raw.namespace === "string" ? ["platforms", platform.key, "namespace"] : ["platforms", platform.key];
    ctx.addIssue({
      code: "custom",
      path,
      message: `namespace ${JSON.stringify(namespaces[i])} is also platforms.${other}'s; each platform needs a namespace of its own: set platforms.${platform.key}.namespace (or platforms.${other}.namespace) to another name`,
    });
  });
}
