import * as z from "zod";
import { describeValue } from "./describe-value.js";
import { checkIdentityReferences, customRolesSchema, identitiesSchema, identityDefaults } from "./identity-schema.js";
import { checkNodePoolReferences, karpenterSchema, nodePoolDefaults, nodePoolsSchema } from "./node-pools-schema.js";
import { checkFluxAzureReferences, fluxAzureDefaults, fluxAzureShape } from "./flux-azure-schema.js";
import { ALWAYS, checkedString, list, oneOf, strictObject, typeError } from "./schema-helpers.js";
import { checkPlatformReferences, platformDefaults, platformsSchema } from "./platforms-schema.js";
import { checkSecretReferences, secretsSchema, sopsDefaults, sopsSchema } from "./sops-schema.js";
import { NO_PLATFORMS, type PlatformRegistry } from "./platform/platform.js";
import type { ClusterSpec, ClusterSpecInput } from "./types.js";
import { checkGuid, checkLocation, checkResourceGroup } from "./validators/azure.js";
import { checkClusterName, checkDnsSubdomain, checkNamespaceName } from "./validators/dns-label.js";
import { checkDuration } from "./validators/duration.js";
import { checkGitPath } from "./validators/git-path.js";
import { checkKubernetesVersion, DEFAULT_KUBERNETES_VERSION } from "./validators/kubernetes-version.js";
import { checkBranchName } from "./validators/git-ref.js";
import { checkGitUrl, parseGitUrl } from "./validators/git-url.js";
import { checkIssuerUrl } from "./validators/issuer-url.js";
import { checkLabelKey, checkLabelValue } from "./validators/k8s-labels.js";

const azureSchema = strictObject(
  "the Azure settings of the AKS cluster: { tenantId, subscriptionId, resourceGroup, location, oidcIssuerUrl }",
  {
    tenantId: checkedString("the Microsoft Entra tenant ID, a UUID (az account show --query tenantId -o tsv)", checkGuid),
    subscriptionId: checkedString("the Azure subscription ID, a UUID (az account show --query id -o tsv)", checkGuid),
    resourceGroup: checkedString("the resource group of the AKS cluster, e.g. \"rg-ml-dev\"", checkResourceGroup),
    location: checkedString("the Azure region of the cluster, e.g. \"westeurope\" (az aks show --query location -o tsv)", checkLocation),
    oidcIssuerUrl: checkedString(
      "the AKS OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl -o tsv)",
      checkIssuerUrl,
    ),
  },
);

const secretRefSchema = checkedString("the name of the Git credentials Secret", checkDnsSubdomain)
  .nullable()
  .default("flux-system");

const gitSchema = strictObject("the Git repository Flux syncs from: { url, branch?, path?, secretRef? }", {
  url: checkedString("the URL of the Git repository Flux syncs from, e.g. \"https://github.com/<org>/<repo>\"", checkGitUrl),
  branch: checkedString("the Git branch", checkBranchName).default("main"),
  path: checkedString("the directory of the cluster's manifests in the repository", checkGitPath).optional(),
  secretRef: secretRefSchema,
}).superRefine((value, ctx) => {
  // Runs even when other git fields are invalid, so the value may not be an object at all.
  const git: unknown = value;
  if (typeof git !== "object" || git === null) return;
  const { url, secretRef } = git as { url?: unknown; secretRef?: unknown };
  if (secretRef === null && typeof url === "string" && parseGitUrl(url)?.protocol === "ssh") {
    ctx.addIssue({
      code: "custom",
      path: ["secretRef"],
      message:
        "an ssh:// URL needs an SSH key: set secretRef to the Secret holding it (default \"flux-system\"), or use an https:// URL for a public repository",
    });
  }
}, ALWAYS);

const duration = (what: string, fallback: string) => checkedString(what, checkDuration).default(fallback);

const fluxSchema = strictObject("the Flux settings", {
  bootstrap: oneOf("how Flux was installed", ["flux-cli", "aks-extension"]).default("flux-cli"),
  sourceInterval: duration("the Git fetch interval", "1m"),
  reconcileInterval: duration("the reconcile interval", "10m"),
  retryInterval: duration("the retry interval", "2m"),
  timeout: duration("the reconcile timeout", "5m"),
  ...fluxAzureShape,
}).prefault({});

const labelsSchema = z
  .record(checkedString("the label key", checkLabelKey), checkedString("the label value", checkLabelValue), {
    error: typeError("the namespace labels", "an object of label keys to string values"),
  })
  .default({});

const namespaceSchema = strictObject("the namespace: { name, labels?, nodePool? }", {
  name: checkedString("the namespace name, e.g. \"analytics\"", checkNamespaceName),
  labels: labelsSchema,
  nodePool: checkedString("the name of a node pool of nodePools", () => undefined).optional(),
});

const namespacesSchema = list("the extra namespaces", namespaceSchema)
  .superRefine((namespaces, ctx) => {
    const items: unknown = namespaces;
    if (!Array.isArray(items)) return;
    const firstIndex = new Map<string, number>();
    items.forEach((item: unknown, index) => {
      const name: unknown = typeof item === "object" && item !== null ? (item as { name?: unknown }).name : undefined;
      if (typeof name !== "string" || checkNamespaceName(name) !== undefined) return;
      const first = firstIndex.get(name);
      if (first === undefined) {
        firstIndex.set(name, index);
        return;
      }
      ctx.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `namespace ${describeValue(name)} is already declared at namespaces[${first}]; remove one of them`,
      });
    });
  }, ALWAYS)
  .default([]);

/** The cluster object for the registered `platforms`, before defaults. */
function clusterObjectSchema(platforms: PlatformRegistry) {
  return strictObject("the cluster", {
    name: checkedString("the cluster name, a lowercase DNS label equal to the file name (clusters/<name>.ts)", checkClusterName),
    kubernetesVersion: checkedString('the Kubernetes version the cluster runs, e.g. "1.34"', checkKubernetesVersion).default(DEFAULT_KUBERNETES_VERSION),
    azure: azureSchema,
    git: gitSchema,
    flux: fluxSchema,
    namespaces: namespacesSchema,
    platforms: platformsSchema(platforms),
    nodePools: nodePoolsSchema,
    karpenter: karpenterSchema,
    sops: sopsSchema,
    secrets: secretsSchema,
    identities: identitiesSchema,
    customRoles: customRolesSchema,
  })
    .superRefine(checkIdentityReferences(platforms), ALWAYS)
    .superRefine(checkSecretReferences(platforms), ALWAYS)
    .superRefine(checkFluxAzureReferences(platforms.map((platform) => platform.key)), ALWAYS)
    .superRefine(checkNodePoolReferences, ALWAYS)
    .superRefine(checkPlatformReferences(platforms), ALWAYS);
}

/** The schema implementation; `clusterSpecSchemaFor` returns it with the public types. */
function implementation(platforms: PlatformRegistry) {
  return clusterObjectSchema(platforms).transform((spec): ClusterSpec => {
    const { sops, secrets } = sopsDefaults(spec, spec.sops, spec.secrets);
    return {
      ...spec,
      git: { ...spec.git, path: spec.git.path ?? defaultGitPath(spec.name) },
      flux: { ...spec.flux, ...fluxAzureDefaults(spec.azure.resourceGroup, spec.flux) },
      ...identityDefaults(spec, spec.identities, spec.customRoles),
      sops,
      ...nodePoolDefaults(spec),
      // Platforms add the Secrets they read (database passwords) to `secrets`.
      ...platformDefaults(spec, spec.platforms, secrets, platforms),
    };
  });
}

/** The default `git.path` of a cluster: `clusters/<name>`. */
export function defaultGitPath(name: string): string {
  return `clusters/${name}`;
}

const schemas = new WeakMap<PlatformRegistry, z.ZodType<ClusterSpec, ClusterSpecInput>>();

/**
 * The zod schema of a cluster running the registered `platforms` (see `definePlatforms`): parses
 * a {@link ClusterSpecInput} into a {@link ClusterSpec} (defaults filled, `git.path` defaulting to
 * `clusters/<name>`). Messages are written for users; prefer `loadFleet`, which also checks the
 * whole fleet and reports paths per file. Built once per registry.
 */
export function clusterSpecSchemaFor(platforms: PlatformRegistry): z.ZodType<ClusterSpec, ClusterSpecInput> {
  let schema = schemas.get(platforms);
  if (schema === undefined) {
    schema = implementation(platforms) as unknown as z.ZodType<ClusterSpec, ClusterSpecInput>;
    schemas.set(platforms, schema);
  }
  return schema;
}

/** The zod schema of a cluster without platforms (`clusterSpecSchemaFor` with an empty registry). */
export const clusterSpecSchema: z.ZodType<ClusterSpec, ClusterSpecInput> = clusterSpecSchemaFor(NO_PLATFORMS);

/**
 * Compile-time proof that the documented input interface is exactly the schema's input (but for
 * `platforms`, whose keys each platform package declares and checks against its own schema).
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type _InputMatchesSchema = Expect<Equal<Omit<z.input<ReturnType<typeof implementation>>, "platforms">, Omit<ClusterSpecInput, "platforms">>>;
