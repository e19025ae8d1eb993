import { Lazy } from "cdk8s";
import { Construct } from "constructs";
import * as kustomize from "./imports/kustomize.js";
import {
  checkDuration,
  checkName,
  checkNamespace,
  checkOneOf,
  crossNamespace,
  resolveIdentity,
  type FluxResourceProps,
  type NamespacedNameRef,
} from "./common.js";

/** Source kinds a Kustomization can build from. */
export type KustomizationSourceKind = "GitRepository" | "OCIRepository" | "Bucket" | "ExternalArtifact";

const SOURCE_KINDS: Record<KustomizationSourceKind, kustomize.KustomizationSpecSourceRefKind> = {
  GitRepository: kustomize.KustomizationSpecSourceRefKind.GIT_REPOSITORY,
  OCIRepository: kustomize.KustomizationSpecSourceRefKind.OCI_REPOSITORY,
  Bucket: kustomize.KustomizationSpecSourceRefKind.BUCKET,
  ExternalArtifact: kustomize.KustomizationSpecSourceRefKind.EXTERNAL_ARTIFACT,
};

/** Kind of object variables are substituted from. */
export type SubstituteFromKind = "ConfigMap" | "Secret";

const SUBSTITUTE_KINDS: Record<SubstituteFromKind, kustomize.KustomizationSpecPostBuildSubstituteFromKind> = {
  ConfigMap: kustomize.KustomizationSpecPostBuildSubstituteFromKind.CONFIG_MAP,
  Secret: kustomize.KustomizationSpecPostBuildSubstituteFromKind.SECRET,
};

/**
 * Reference to the source a Kustomization builds from. A
 * {@link GitRepositorySource} or {@link OciRepositorySource} construct fits
 * this interface and can be passed directly.
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#source-reference
 */
export interface KustomizationSourceRef {
  /** Kind of the source. */
  readonly kind: KustomizationSourceKind;
  /** `metadata.name` of the source. */
  readonly name: string;
  /**
   * `metadata.namespace` of the source. Only emitted when it differs from
   * the Kustomization's namespace.
   *
   * @default - the Kustomization's namespace
   */
  readonly namespace?: string;
}

/**
 * An object whose readiness Flux checks after applying. Any L2 construct of
 * this package (e.g. a {@link HelmReleaseFor}) fits this interface.
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks
 */
export interface KustomizationHealthCheck {
  /** apiVersion of the object, e.g. `apps/v1` or `helm.toolkit.fluxcd.io/v2`. */
  readonly apiVersion: string;
  /** kind of the object, e.g. `Deployment`. */
  readonly kind: string;
  /** `metadata.name` of the object. */
  readonly name: string;
  /** `metadata.namespace` of the object. */
  readonly namespace: string;
}

/**
 * SOPS decryption of the manifests before applying.
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#decryption
 */
export interface KustomizationDecryption {
  /**
   * Decryption engine; Flux only supports `sops`.
   *
   * @default "sops"
   */
  readonly provider?: "sops";
  /**
   * Name of a Secret (same namespace) holding the decryption keys (age/PGP
   * keys, or static cloud KMS credentials).
   *
   * @default - no secret (keys come from workload identity / the controller)
   */
  readonly secretRef?: string;
}

/**
 * A ConfigMap or Secret whose data provides post-build variables.
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 */
export interface KustomizationSubstituteFrom {
  /** Kind of the object. */
  readonly kind: SubstituteFromKind;
  /** `metadata.name` of the object (same namespace as the Kustomization). */
  readonly name: string;
  /**
   * Whether a missing object is tolerated.
   *
   * @default - not set (the controller treats it as false)
   */
  readonly optional?: boolean;
}

/**
 * Post-build variable substitution (`${var}` in the built manifests).
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 */
export interface KustomizationPostBuild {
  /**
   * Variables as name/value pairs. Names must match `^[_a-zA-Z][_a-zA-Z0-9]*$`.
   *
   * @default - no inline variables
   */
  readonly substitute?: Record<string, string>;
  /**
   * ConfigMaps/Secrets the variables are read from (in order; later ones win,
   * `substitute` wins over all).
   *
   * @default - no referenced variables
   */
  readonly substituteFrom?: KustomizationSubstituteFrom[];
}

/**
 * Props of {@link FluxKustomization}.
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export interface FluxKustomizationProps extends FluxResourceProps {
  /**
   * Path inside the source artifact, relative to its root; must start with
   * `./` (use `"./"` for the root).
   *
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#path
   */
  readonly path: string;

  /**
   * The source to build from: a {@link GitRepositorySource} /
   * {@link OciRepositorySource} construct or a plain `{ kind, name, namespace? }`.
   *
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#source-reference
   */
  readonly sourceRef: KustomizationSourceRef;

  /**
   * Reconciliation interval (re-apply and drift correction).
   *
   * @default "10m"
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#interval
   */
  readonly interval?: string;

  /**
   * Interval at which a failed reconciliation is retried.
   *
   * @default "2m"
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#retry-interval
   */
  readonly retryInterval?: string;

  /**
   * Timeout for build, apply and health checking.
   *
   * @default "5m"
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#timeout
   */
  readonly timeout?: string;

  /**
   * Garbage-collect objects that were removed from the source.
   *
   * @default true
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
   */
  readonly prune?: boolean;

  /**
   * Wait for all applied objects to become ready (overrides `healthChecks`).
   *
   * @default false
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#wait
   */
  readonly wait?: boolean;

  /**
   * Recreate objects whose immutable fields changed.
   *
   * @default false
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#force
   */
  readonly force?: boolean;

  /**
   * Objects whose readiness is checked after applying (more can be added with
   * `addHealthCheck()`).
   *
   * @default - none
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks
   */
  readonly healthChecks?: KustomizationHealthCheck[];

  /**
   * Kustomizations that must be ready first: {@link FluxKustomization}
   * constructs, names (same namespace) or `{ name, namespace? }` (more can be
   * added with `addDependency()`).
   *
   * @default - none
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
   */
  readonly dependsOn?: Array<FluxKustomization | string | NamespacedNameRef>;

  /**
   * Namespace set on every namespaced object of the build.
   *
   * @default - not set (namespaces from the manifests are kept)
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#target-namespace
   */
  readonly targetNamespace?: string;

  /**
   * SOPS decryption.
   *
   * @default - no decryption
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#decryption
   */
  readonly decryption?: KustomizationDecryption;

  /**
   * Post-build variable substitution.
   *
   * @default - no substitution
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
   */
  readonly postBuild?: KustomizationPostBuild;

  /**
   * ServiceAccount (in the Kustomization's namespace) impersonated when applying.
   *
   * @default - not set (the controller's own identity)
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#role-based-access-control
   */
  readonly serviceAccountName?: string;
}

/**
 * A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`): builds a path of
 * a source artifact with kustomize and applies it to the cluster.
 *
 * (Named `FluxKustomization` to avoid a clash with kustomize's own
 * `Kustomization` kind.)
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export class FluxKustomization extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = kustomize.Kustomization.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "Kustomization" as const;
  /** `metadata.name` of the Kustomization. */
  public readonly name: string;
  /** `metadata.namespace` of the Kustomization. */
  public readonly namespace: string;
  /** The underlying L1 object. */
  public readonly apiObject: kustomize.Kustomization;

  private readonly owner: string;
  private readonly _dependsOn: kustomize.KustomizationSpecDependsOn[] = [];
  private readonly _healthChecks: kustomize.KustomizationSpecHealthChecks[] = [];

  public constructor(scope: Construct, props: FluxKustomizationProps) {
    const { id, name, namespace, owner } = resolveIdentity("FluxKustomization", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.owner = owner;

    if (typeof props.path !== "string" || !props.path.startsWith("./")) {
      throw new Error(
        `${owner}: path must be relative to the source root and start with "./" (e.g. "./clusters/prod", or "./" for the root); got ${JSON.stringify(props.path)}`,
      );
    }

    for (const dep of props.dependsOn ?? []) {
      this.addDependency(dep);
    }
    this.addHealthCheck(...(props.healthChecks ?? []));

    this.apiObject = new kustomize.Kustomization(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        path: props.path,
        sourceRef: this.resolveSourceRef(props.sourceRef),
        interval: checkDuration(owner, "interval", props.interval ?? "10m"),
        retryInterval: checkDuration(owner, "retryInterval", props.retryInterval ?? "2m"),
        timeout: checkDuration(owner, "timeout", props.timeout ?? "5m"),
        prune: props.prune ?? true,
        wait: props.wait ?? false,
        force: props.force ?? false,
        targetNamespace: props.targetNamespace === undefined ? undefined : checkNamespace(owner, "targetNamespace", props.targetNamespace),
        serviceAccountName: props.serviceAccountName === undefined ? undefined : checkName(owner, "serviceAccountName", props.serviceAccountName),
        decryption: this.resolveDecryption(props.decryption),
        postBuild: this.resolvePostBuild(props.postBuild),
        dependsOn: Lazy.any({ produce: () => (this._dependsOn.length > 0 ? [...this._dependsOn] : undefined) }),
        healthChecks: Lazy.any({ produce: () => (this._healthChecks.length > 0 ? [...this._healthChecks] : undefined) }),
      },
    });
  }

  /**
   * Makes this Kustomization wait for another Kustomization to be ready.
   * Duplicates are ignored.
   *
   * @param other a FluxKustomization construct, a name in the same namespace, or `{ name, namespace? }`
   */
  public addDependency(other: FluxKustomization | string | NamespacedNameRef): void {
    const ref = typeof other === "string" ? { name: other } : other;
    if (ref === null || typeof ref !== "object") {
      throw new Error(`${this.owner}: dependsOn entries must be FluxKustomization constructs, names or { name, namespace }`);
    }
    const kind = (ref as { kind?: unknown }).kind;
    if (kind !== undefined && kind !== "Kustomization") {
      throw new Error(`${this.owner}: dependsOn can only reference Kustomizations; got a ${String(kind)} ("${ref.name}")`);
    }
    const name = checkName(this.owner, "dependsOn[].name", ref.name);
    const namespace = ref.namespace === undefined ? undefined : checkNamespace(this.owner, "dependsOn[].namespace", ref.namespace);
    const ns = crossNamespace(namespace, this.namespace);
    if (name === this.name && ns === undefined) {
      throw new Error(`${this.owner}: a Kustomization cannot depend on itself`);
    }
    if (!this._dependsOn.some((d) => d.name === name && d.namespace === ns)) {
      this._dependsOn.push({ name, namespace: ns });
    }
  }

  /**
   * Adds objects whose readiness Flux checks after applying. Duplicates are ignored.
   *
   * @param checks `{ apiVersion, kind, name, namespace }` each; any L2 construct of this package fits
   */
  public addHealthCheck(...checks: KustomizationHealthCheck[]): void {
    for (const check of checks) {
      for (const field of ["apiVersion", "kind", "name", "namespace"] as const) {
        if (typeof check?.[field] !== "string" || check[field].length === 0) {
          throw new Error(`${this.owner}: healthChecks entries need a non-empty ${field}`);
        }
      }
      const entry = { apiVersion: check.apiVersion, kind: check.kind, name: check.name, namespace: check.namespace };
      const dup = this._healthChecks.some(
        (h) => h.apiVersion === entry.apiVersion && h.kind === entry.kind && h.name === entry.name && h.namespace === entry.namespace,
      );
      if (!dup) {
        this._healthChecks.push(entry);
      }
    }
  }

  private resolveSourceRef(ref: KustomizationSourceRef): kustomize.KustomizationSpecSourceRef {
    if (ref === undefined || ref === null || typeof ref !== "object") {
      throw new Error(`${this.owner}: sourceRef is required`);
    }
    const kind = checkOneOf(this.owner, "sourceRef.kind", ref.kind, Object.keys(SOURCE_KINDS) as KustomizationSourceKind[]);
    return {
      kind: SOURCE_KINDS[kind],
      name: checkName(this.owner, "sourceRef.name", ref.name),
      namespace: crossNamespace(ref.namespace === undefined ? undefined : checkNamespace(this.owner, "sourceRef.namespace", ref.namespace), this.namespace),
    };
  }

  private resolveDecryption(d: KustomizationDecryption | undefined): kustomize.KustomizationSpecDecryption | undefined {
    if (d === undefined) {
      return undefined;
    }
    checkOneOf(this.owner, "decryption.provider", d.provider ?? "sops", ["sops"] as const);
    return {
      provider: kustomize.KustomizationSpecDecryptionProvider.SOPS,
      secretRef: d.secretRef === undefined ? undefined : { name: checkName(this.owner, "decryption.secretRef", d.secretRef) },
    };
  }

  private resolvePostBuild(pb: KustomizationPostBuild | undefined): kustomize.KustomizationSpecPostBuild | undefined {
    if (pb === undefined) {
      return undefined;
    }
    if (pb.substitute !== undefined) {
      for (const [key, value] of Object.entries(pb.substitute)) {
        if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(key)) {
          throw new Error(`${this.owner}: postBuild.substitute variable names must match ^[_a-zA-Z][_a-zA-Z0-9]*$; got ${JSON.stringify(key)}`);
        }
        if (typeof value !== "string") {
          throw new Error(`${this.owner}: postBuild.substitute.${key} must be a string (quote numbers and booleans); got ${typeof value}`);
        }
      }
    }
    const substituteFrom = pb.substituteFrom?.map((s) => ({
      kind: SUBSTITUTE_KINDS[checkOneOf(this.owner, "postBuild.substituteFrom[].kind", s.kind, Object.keys(SUBSTITUTE_KINDS) as SubstituteFromKind[])],
      name: checkName(this.owner, "postBuild.substituteFrom[].name", s.name),
      optional: s.optional,
    }));
    return {
      substitute: pb.substitute === undefined ? undefined : { ...pb.substitute },
      substituteFrom,
    };
  }
}
