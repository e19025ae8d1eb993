import type { Construct } from "constructs";
import type { HelmReleaseFor, KustomizationHealthCheck } from "@flotilla/flux";
import type * as z from "zod";
import type { PlatformIdentityRequirement } from "../platform-types.js";
import type { PlatformWorkloads } from "../platform-workloads.js";
import type { AzureSpec, ClusterSpec, SecretRef } from "../types.js";

/** What every validated platform section has: the namespace the cluster renders for it (its control plane runs there). */
export interface PlatformSpecBase {
  namespace: string;
}

/** The Helm chart a platform installs: its HelmRepository URL, the chart name and exact version, the release name. */
export interface PlatformChart {
  readonly url: string;
  readonly chart: string;
  readonly version: string;
  /** The HelmRepository, HelmRelease and Helm release name. */
  readonly releaseName: string;
}

/** Another platform this one needs on the same cluster. */
export interface PlatformRequirement {
  /** Its key under `platforms`, e.g. "argoWorkflows". */
  readonly platform: string;
  /** Why, for the message when it is missing: "Metaflow runs its flows (and @schedule) on Argo Workflows". */
  readonly reason: string;
}

/** What a platform's own spec checks see (on the raw, possibly invalid, cluster value). */
export interface PlatformCheckContext {
  /** The whole raw cluster value (e.g. `nodePools`, `namespaces`). */
  readonly cluster: Readonly<Record<string, unknown>>;
  /** The namespaces the cluster renders: its declared `namespaces` and every platform's namespace. */
  readonly renderedNamespaces: ReadonlySet<string>;
  /** Reports a problem at `path`, relative to `platforms.<key>`. */
  report(path: readonly PropertyKey[], message: string): void;
}

/** A Secret a platform reads. */
export interface PlatformSecretRef extends Omit<SecretRef, "origin"> {
  /**
   * The field of the platform's section the Secret belongs to, e.g. "database": problems with the
   * Secret name `platforms.<key>.<field>`, the setting the user wrote.
   * @default - the section itself
   */
  field?: string;
}

/** A platform's section of the cluster spec (`platforms.<key>`). */
export interface PlatformSpecDefinition<Spec extends PlatformSpecBase, Parsed> {
  /** The zod schema of the section (strict objects, messages written for users: see `strictObject`, `checkedString`). */
  readonly schema: z.ZodType<Parsed>;
  /** The namespace when `namespace` is not given (also read from the raw spec for cross-reference checks). */
  readonly defaultNamespace: string;
  /** The validated section with its defaults filled. */
  defaults(parsed: Parsed, cluster: { readonly name: string; readonly azure: AzureSpec }): Spec;
  /**
   * The SOPS-encrypted Secrets the platform reads, with the keys it needs: added to the cluster's
   * `secrets` (synth fails with the command that creates one when it is missing). A platform
   * that reads Secrets makes `sops` required.
   * @default - none
   */
  secrets?(spec: Spec): PlatformSecretRef[];
  /** Checks across fields (on the raw value, so they run even when other fields are invalid). @default - none */
  check?(raw: Readonly<Record<string, unknown>>, context: PlatformCheckContext): void;
}

/** What a platform's `render` returns: its HelmRelease (health-checked by its layer; automated image values are set into it). */
export interface PlatformRelease {
  readonly release: HelmReleaseFor;
  /**
   * More objects its layer waits for: workloads the platform renders itself (e.g. Metaflow's UI
   * Deployments), which the HelmRelease's own health check does not cover.
   * @default - none
   */
  readonly healthChecks?: readonly KustomizationHealthCheck[];
}

/** A ServiceAccount annotation binding it to a managed identity, as `key: value`. */
export interface PlatformIdentityAnnotation {
  /** The annotation's key: `azure.workload.identity/client-id`, or `flotilla.dev/pending-identity` while the identity is pending. */
  readonly key: string;
  /** The identity's client ID, or its key while it is pending. */
  readonly value: string;
}

/** What `render` gets from the cluster. */
export interface PlatformRenderContext<Spec, Contribution> {
  /** The platform's validated section (`platforms.<key>`). */
  readonly spec: Spec;
  /** The whole validated cluster (other platforms' sections, node pools, …). */
  readonly cluster: ClusterSpec;
  /**
   * The annotation that gives a ServiceAccount the chart creates one of the platform's identities
   * (from `identities`): `azure.workload.identity/client-id` with the client ID from the identity
   * outputs, or, while bootstrap apply has not created the identity, `flotilla.dev/pending-identity`
   * with the identity's key (never a placeholder client ID; the HelmRelease is then marked too).
   * Write it as `{ [annotation.key]: annotation.value }` into the chart's ServiceAccount values.
   */
  identityAnnotation(identityKey: string): PlatformIdentityAnnotation;
  /** The pod labels workload identity needs (`azure.workload.identity/use: "true"`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** What other platforms on the cluster contribute to this one (see `Platform.contributions`), in registry order. */
  readonly contributions: readonly Contribution[];
  /**
   * The values the cluster sets into the returned HelmRelease after `render` (automated images,
   * `flux.images[].automate.values`), so that objects the platform renders itself can follow them
   * (e.g. Metaflow's UI backend runs the metadata service's image).
   */
  readonly values: readonly PlatformReleaseValue[];
}

/** A value set into a platform's HelmRelease at `path` (keys from the values root). */
export interface PlatformReleaseValue {
  readonly path: readonly string[];
  readonly value: unknown;
}

/** Contributions to other platforms, by their key: each target's `render` gets them as `contributions`. */
export type PlatformContributions = Readonly<Record<string, readonly unknown[]>>;

/**
 * An ML platform: everything flotilla knows about it, implemented by its package and registered
 * once (see `definePlatforms`). `cluster` and the identity plan loop over the registered
 * platforms; no package below the platform packages names one.
 *
 * For the cluster, an enabled platform is: its namespace in the infrastructure layer, its
 * identities in the identity plan (one federated credential per ServiceAccount), and its own
 * layer `platform-<name>` (a Flux Kustomization depending on the infrastructure and on the layers
 * of the platforms it `requires`, health-checking the HelmRelease `render` returns).
 *
 * @typeParam Spec - the validated section `platforms.<key>`
 * @typeParam Contribution - what other platforms may contribute to this one (e.g. Argo Workflows: ServiceAccounts workflows run as)
 * @typeParam Parsed - the section as its schema parses it, before defaults
 */
export interface Platform<Spec extends PlatformSpecBase = PlatformSpecBase, Contribution = never, Parsed = unknown> {
  /** The key under `platforms`, e.g. "argoWorkflows". */
  readonly key: string;
  /** The name of its layer and directory, `platform-<name>`, e.g. "argo-workflows". */
  readonly name: string;
  /** How people call it, e.g. "Argo Workflows". */
  readonly title: string;
  /** Its spec section: schema, defaults, Secrets, checks. */
  readonly spec: PlatformSpecDefinition<Spec, Parsed>;
  /** Platforms it needs on the same cluster (checked when the fleet loads; their layers are applied first). @default - none */
  readonly requires?: readonly PlatformRequirement[];
  /** The chart it installs (whose vendored values shape its values). */
  readonly chart: PlatformChart;
  /** The managed identities it needs and the ServiceAccounts federated with each (pure). */
  identities(spec: Spec, cluster: ClusterSpec): PlatformIdentityRequirement[];
  /**
   * What it adds to other platforms of the cluster, by their key (pure), e.g. Metaflow adds its
   * task ServiceAccount to Argo Workflows' workflow ServiceAccounts. @default - nothing
   */
  contributions?(spec: Spec, cluster: ClusterSpec): PlatformContributions;
  /**
   * Which of its workloads need Azure, the pods and objects its programs create at run time, each
   * with the reason (pure): read by the checks over rendered releases. @default - none declared
   */
  workloads?(spec: Spec, cluster: ClusterSpec): PlatformWorkloads;
  /** Its objects, into `scope` (the platform's layer): the chart's source and HelmRelease, and anything else it renders itself. */
  render(scope: Construct, context: PlatformRenderContext<Spec, Contribution>): PlatformRelease;
}

/** A platform of any section type, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlatform = Platform<any, any, any>;

/** The registered platforms, in the order their layers are rendered (see `definePlatforms`). */
export type PlatformRegistry = readonly AnyPlatform[];

/** The empty registry: a program that knows no platforms. */
export const NO_PLATFORMS: PlatformRegistry = Object.freeze([]);

/** Declares a platform (an identity function that infers its types). */
export function definePlatform<Spec extends PlatformSpecBase, Contribution = never, Parsed = unknown>(
  platform: Platform<Spec, Contribution, Parsed>,
): Platform<Spec, Contribution, Parsed> {
  return platform;
}

/**
 * The registry: the platforms a program knows, one entry per platform. Throws (a programming
 * error) when two share a key or a name, or when a platform requires one that is not registered
 * before it.
 */
export function definePlatforms(platforms: readonly AnyPlatform[]): PlatformRegistry {
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const platform of platforms) {
    if (keys.has(platform.key)) throw new Error(`platform key ${JSON.stringify(platform.key)} is registered twice`);
    if (names.has(platform.name)) throw new Error(`platform name ${JSON.stringify(platform.name)} is registered twice`);
    for (const required of platform.requires ?? []) {
      if (!keys.has(required.platform)) {
        throw new Error(`platform ${JSON.stringify(platform.key)} requires ${JSON.stringify(required.platform)}, which is not registered before it`);
      }
    }
    keys.add(platform.key);
    names.add(platform.name);
  }
  return Object.freeze([...platforms]);
}

/** The validated section `platforms.<key>` of a cluster, `undefined` when the platform is not enabled. */
export function platformSection(spec: Pick<ClusterSpec, "platforms">, key: string): unknown {
  return (spec.platforms as Readonly<Record<string, unknown>>)[key];
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compile-time proof that a documented input interface is exactly a schema's input:
 * `type _Proof = SchemaInputIs<typeof mySchema, MySpecInput>` fails to compile when they differ.
 */
export type SchemaInputIs<Schema extends z.ZodType, Input> = Equal<z.input<Schema>, Input> extends true ? true : never;

/** What a section schema parses into, before defaults (`z.output`; platform packages need no zod of their own). */
export type SchemaOutput<Schema extends z.ZodType> = z.output<Schema>;
