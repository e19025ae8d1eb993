import * as z from "zod";
import { describeValue, showString } from "./describe-value.js";
import type { FluxAzureSpec } from "./flux-azure-types.js";
import { checkedString, list, oneOf, strictObject } from "./schema-helpers.js";
import { checkResourceGroup } from "./validators/azure.js";
import { checkContainerRegistryName } from "./validators/azure-resources.js";
import { checkDnsSubdomain } from "./validators/dns-label.js";
import { checkBranchName } from "./validators/git-ref.js";
import { checkGitUrl, parseGitUrl } from "./validators/git-url.js";

type Ctx = z.core.$RefinementCtx;

/** Namespace of every Flux source, Provider and Alert flotilla renders, and of their Secrets. */
export const FLUX_NAMESPACE = "flux-system";

/** Keys the Secret of an extra Git source must hold, by protocol (Flux GitRepository secretRef). */
export const GIT_SECRET_KEYS = { https: ["password", "username"], ssh: ["identity", "known_hosts"] } as const;

/** Key the Secret of a notification Provider must hold, by type. */
export const NOTIFICATION_SECRET_KEY = { msteams: "address", azureeventhub: "address", azuredevops: "token", github: "token" } as const;

const RESERVED_SOURCE_NAMES = ["flotilla", "flux-system"];

const name = (what: string) => checkedString(what, checkDnsSubdomain);

const registrySchema = strictObject("the registry: { name, resourceGroup? }", {
  name: checkedString("the registry name (not the login server)", checkContainerRegistryName),
  resourceGroup: checkedString("the resource group of the registry", checkResourceGroup).optional(),
});

const gitSourceSchema = strictObject("the Git source: { name, url, branch?, secretRef?, provider? }", {
  name: name("the GitRepository name"),
  url: checkedString("the Git URL", checkGitUrl),
  branch: checkedString("the branch", checkBranchName).default("main"),
  secretRef: name("the Secret with the Git credentials").optional(),
  provider: oneOf("the authentication provider", ["generic", "azure"]).default("generic"),
});

const helmOciSourceSchema = strictObject("the Helm OCI source: { name, registry, path? }", {
  name: name("the HelmRepository name"),
  registry: checkedString("the registry name", checkContainerRegistryName),
  path: checkedString("the repository path in the registry", (value) =>
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*)(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(value)
      ? undefined
      : `must be a lowercase OCI repository path such as "helm" or "charts/ml", got ${showString(value)}`,
  ).default(""),
});

const notificationSchema = strictObject("the notification: { name, type, secretRef, severity? }", {
  name: name("the Provider and Alert name"),
  type: oneOf("the Provider type", ["msteams", "azureeventhub", "azuredevops", "github"]),
  secretRef: name("the Secret with the Provider's address or token"),
  severity: oneOf("the lowest severity sent", ["info", "error"]).default("error"),
});

const imageValueSchema = strictObject("the HelmRelease value: { platform, path }", {
  // A key of a registered platform: checked by checkFluxAzureReferences, which knows the registry.
  platform: checkedString("the platform whose HelmRelease gets the image", () => undefined),
  path: checkedString("the dotted path in the chart's values, e.g. \"metaflow-service.image\"", (value) =>
    /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(value) ? undefined : `must be a dotted values path such as "metaflow-service.image", got ${showString(value)}`,
  ),
});

const imageAutomationSchema = strictObject("the automation: { values: [{ platform, path }] }", {
  values: list("the HelmRelease values set to the image", imageValueSchema).min(1, "list at least one { platform, path }"),
});

const imageSchema = strictObject("the image: { name, repository, semver? | pattern? + extract?, automate? }", {
  name: name("the ImagePolicy name"),
  repository: checkedString("the repository inside flux.registry", (value) =>
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(value)
      ? undefined
      : `must be a lowercase repository path without registry or tag, e.g. "analytics/runner", got ${showString(value)}`,
  ),
  semver: checkedString("the semver range", (value) => (value.trim() === "" ? "must not be empty" : undefined)).optional(),
  pattern: checkedString("the tag regex", (value) => {
    try {
      new RegExp(value.replace(/\(\?P</g, "(?<"));
      return undefined;
    } catch {
      return `is not a valid regular expression: ${showString(value)}`;
    }
  }).optional(),
  extract: checkedString("the value to order by, e.g. \"$ts\"", (value) => (value.includes("$") ? undefined : `must reference a capture group like "$ts", got ${showString(value)}`)).optional(),
  automate: imageAutomationSchema.optional(),
});

/** The Azure fields of the `flux` object schema (spread into it). */
export const fluxAzureShape = {
  registry: registrySchema.optional(),
  gitSources: list("the extra Git sources", gitSourceSchema).default([]),
  helmOciSources: list("the Helm OCI sources", helmOciSourceSchema).default([]),
  notifications: list("the notifications", notificationSchema).default([]),
  images: list("the images", imageSchema).default([]),
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entries(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((item: unknown) => (isObject(item) ? item : {})) : [];
}

/**
 * Cross-references of the Flux sources and notifications, on the raw cluster value: their Secrets
 * are listed in `secrets` (namespace `flux-system`) with the keys Flux reads, ssh sources have a
 * Secret, `provider: "azure"` is only used for Azure DevOps over https, ACR sources use
 * `flux.registry`, names are unique.
 */
export const checkFluxAzureReferences = (platformKeys: readonly string[]) => (value: unknown, ctx: Ctx): void => {
  if (!isObject(value) || !isObject(value.flux)) return;
  const flux = value.flux;
  const secrets = new Map<string, string[]>();
  for (const secret of entries(value.secrets)) {
    if (secret.namespace !== FLUX_NAMESPACE || typeof secret.name !== "string") continue;
    secrets.set(secret.name, Array.isArray(secret.keys) ? secret.keys.filter((key): key is string => typeof key === "string") : []);
  }
  const needSecret = (path: PropertyKey[], ref: unknown, keys: readonly string[], what: string) => {
    if (typeof ref !== "string") return;
    const declared = secrets.get(ref);
    const listing = `{ namespace: "${FLUX_NAMESPACE}", name: ${JSON.stringify(ref)}, keys: [${keys.map((key) => JSON.stringify(key)).join(", ")}] }`;
    if (declared === undefined) {
      ctx.addIssue({ code: "custom", path, message: `Secret ${FLUX_NAMESPACE}/${ref} (${what}) is not in secrets; add ${listing} to secrets and create its encrypted file (synth then names the command)` });
      return;
    }
    const missing = keys.filter((key) => declared.length > 0 && !declared.includes(key));
    if (missing.length > 0) {
      ctx.addIssue({ code: "custom", path, message: `Secret ${FLUX_NAMESPACE}/${ref} (${what}) must hold the keys ${keys.join(", ")}; add ${missing.join(", ")} to its keys in secrets` });
    }
  };
  const seen = new Map<string, string>();
  const unique = (kind: string, path: PropertyKey[], item: Record<string, unknown>) => {
    if (typeof item.name !== "string") return;
    const key = `${kind}/${item.name}`;
    if (kind === "GitRepository" && RESERVED_SOURCE_NAMES.includes(item.name)) {
      ctx.addIssue({ code: "custom", path: [...path, "name"], message: `GitRepository name ${JSON.stringify(item.name)} is reserved (the fleet repository and Flux's own); choose another name` });
    }
    const first = seen.get(key);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [...path, "name"], message: `${kind} ${JSON.stringify(item.name)} is already declared at ${first}; names must be unique` });
    else seen.set(key, path.join("."));
  };

  entries(flux.gitSources).forEach((source, i) => {
    const path = ["flux", "gitSources", i];
    unique("GitRepository", path, source);
    const url = typeof source.url === "string" ? parseGitUrl(source.url) : undefined;
    if (url === undefined) return;
    if (source.provider === "azure" && !(url.provider === "azure-devops" && url.protocol === "https")) {
      ctx.addIssue({ code: "custom", path: [...path, "provider"], message: `provider "azure" (workload identity) works only with Azure DevOps over https: https://dev.azure.com/<org>/<project>/_git/<repo>; got ${showString(String(source.url))}` });
    }
    if (source.provider === "azure" && source.secretRef !== undefined) {
      ctx.addIssue({ code: "custom", path: [...path, "secretRef"], message: `with provider "azure" source-controller authenticates with its workload identity; remove secretRef` });
    }
    if (url.protocol === "ssh" && source.secretRef === undefined) {
      ctx.addIssue({ code: "custom", path: [...path, "secretRef"], message: `an ssh:// URL needs a Secret with the keys identity and known_hosts: set secretRef, or use the https:// form` });
    }
    needSecret([...path, "secretRef"], source.secretRef, GIT_SECRET_KEYS[url.protocol], `credentials of GitRepository ${String(source.name)}`);
  });
  const registry = isObject(flux.registry) && typeof flux.registry.name === "string" ? flux.registry.name : undefined;
  entries(flux.helmOciSources).forEach((source, i) => {
    const path = ["flux", "helmOciSources", i];
    unique("HelmRepository", path, source);
    if (typeof source.registry === "string" && source.registry !== registry) {
      const fix = registry === undefined ? `set flux.registry: { name: ${JSON.stringify(source.registry)} }` : `use ${JSON.stringify(registry)} (flux.registry.name)`;
      ctx.addIssue({ code: "custom", path: [...path, "registry"], message: `source-controller has AcrPull only on flux.registry, so registry ${JSON.stringify(source.registry)} could not be pulled; ${fix}` });
    }
  });
  entries(flux.images).forEach((entry, i) => {
    const path = ["flux", "images", i];
    unique("ImagePolicy", path, entry);
    if (registry === undefined) {
      ctx.addIssue({ code: "custom", path: [...path, "repository"], message: `images are scanned in flux.registry with image-reflector-controller's AcrPull; set flux.registry: { name: "<acr name>" }` });
    }
    const semver = entry.semver !== undefined;
    const pattern = entry.pattern !== undefined;
    if (semver === pattern) {
      ctx.addIssue({ code: "custom", path, message: `set exactly one of semver (a range like ">=1.0.0") and pattern (a regex with a named group, plus extract)` });
    } else if (pattern && entry.extract === undefined) {
      ctx.addIssue({ code: "custom", path: [...path, "extract"], message: `required with pattern: the captured value to order by, e.g. "$ts" for (?P<ts>[0-9]+)` });
    } else if (semver && entry.extract !== undefined) {
      ctx.addIssue({ code: "custom", path: [...path, "extract"], message: `only used with pattern; remove it` });
    }
    checkImageValueTargets(value, entry, path, platformKeys, ctx);
    checkAutomationCanPush(value, entry, path, ctx);
  });
  entries(flux.notifications).forEach((notification, i) => {
    const path = ["flux", "notifications", i];
    unique("Provider", path, notification);
    const type = notification.type;
    if (typeof type !== "string" || !(type in NOTIFICATION_SECRET_KEY)) return;
    needSecret([...path, "secretRef"], notification.secretRef, [NOTIFICATION_SECRET_KEY[type as keyof typeof NOTIFICATION_SECRET_KEY]], `${type} Provider ${String(notification.name)}`);
  });
};

/**
 * Each automated value names an enabled platform, and no two images set the same value of a
 * platform (`flux.images[].automate.values`).
 */
function checkImageValueTargets(cluster: Record<string, unknown>, entry: Record<string, unknown>, path: PropertyKey[], platformKeys: readonly string[], ctx: Ctx): void {
  if (!isObject(entry.automate)) return;
  const platforms = isObject(cluster.platforms) ? cluster.platforms : {};
  const images = entries(isObject(cluster.flux) ? cluster.flux.images : undefined);
  const index = path[path.length - 1] as number;
  entries(entry.automate.values).forEach((target, j) => {
    const at = [...path, "automate", "values", j];
    if (typeof target.platform !== "string") return;
    if (!platformKeys.includes(target.platform)) {
      const expected = platformKeys.length === 0 ? "a registered platform (none are)" : platformKeys.map((key) => JSON.stringify(key)).join(" or ");
      ctx.addIssue({ code: "custom", path: [...at, "platform"], message: `expected ${expected}, got ${describeValue(target.platform)}` });
      return;
    }
    if (platforms[target.platform] === undefined) {
      ctx.addIssue({ code: "custom", path: [...at, "platform"], message: `platforms.${target.platform} is not enabled on this cluster; enable it or remove this value` });
    }
    const earlier = images.slice(0, index + 1).flatMap((other, i) =>
      entries(isObject(other.automate) ? other.automate.values : undefined)
        .map((value, k) => ({ value, at: `flux.images[${i}].automate.values[${k}]` }))
        .filter(({ value }, k) => (i < index || k < j) && value.platform === target.platform && value.path === target.path),
    );
    if (earlier.length > 0) {
      ctx.addIssue({ code: "custom", path: [...at, "path"], message: `${String(target.platform)} value ${JSON.stringify(target.path)} is already set by ${earlier[0]!.at}; each value takes one image` });
    }
  });
}

/**
 * An automated image (`automate`) is written back by image-automation-controller, which pushes
 * with the fleet GitRepository's Secret (`git.secretRef`): the cluster's git source must have one.
 * An ssh URL without one already fails at git.secretRef (the git schema requires its key), so
 * this reports https URLs without a Secret.
 */
function checkAutomationCanPush(cluster: Record<string, unknown>, entry: Record<string, unknown>, path: PropertyKey[], ctx: Ctx): void {
  if (entry.automate === undefined || !isObject(cluster.git) || cluster.git.secretRef !== null) return;
  if (typeof cluster.git.url !== "string" || parseGitUrl(cluster.git.url)?.protocol !== "https") return;
  ctx.addIssue({
    code: "custom",
    path: [...path, "automate"],
    message:
      "Flux's ImageUpdateAutomation pushes the new tag with the fleet GitRepository's credentials, but git.secretRef is null (no credentials): " +
      `set git.secretRef to a Secret in ${FLUX_NAMESPACE} with username and password (a token that may push to git.branch), or remove automate`,
  });
}

type ParsedFluxAzure = {
  registry?: { name: string; resourceGroup?: string | undefined } | undefined;
  gitSources: FluxAzureSpec["gitSources"];
  helmOciSources: FluxAzureSpec["helmOciSources"];
  notifications: FluxAzureSpec["notifications"];
  images: FluxAzureSpec["images"];
};

/** Fills the registry's resource group with the cluster's. */
export function fluxAzureDefaults(resourceGroup: string, flux: ParsedFluxAzure): FluxAzureSpec {
  return {
    registry: flux.registry === undefined ? undefined : { name: flux.registry.name, resourceGroup: flux.registry.resourceGroup ?? resourceGroup },
    gitSources: flux.gitSources,
    helmOciSources: flux.helmOciSources,
    notifications: flux.notifications,
    images: flux.images,
  };
}
