import { JsonPatch, Lazy } from "cdk8s";
import { Construct } from "constructs";
import * as helm from "./imports/helm.js";
import {
  checkDuration,
  checkName,
  checkNamespace,
  checkOneOf,
  crossNamespace,
  resolveIdentity,
  type FluxResourceProps,
  type KustomizePatchTarget,
  type NamespacedNameRef,
} from "./common.js";

/**
 * Whether a chart version constraint pins the chart: an exact version or a
 * range whose every `||` branch has an upper bound. Rejects "", wildcards
 * ("*", "x", "X", "*.*") and lower-bound-only ranges (">=1.0.0").
 */
function isPinnedVersion(version: string): boolean {
  if (version === "") {
    return false;
  }
  return version.split("||").every((branch) => {
    const b = branch.trim();
    if (b === "" || /^[*xX](\.[*xX]){0,2}$/.test(b)) {
      return false; // wildcard: any version
    }
    if (/^>=?\s*v?[0-9][^\s]*$/.test(b)) {
      return false; // lower bound only: floats to any future major
    }
    return true;
  });
}

/** How Helm treats the CRDs shipped in a chart's `crds/` directory. */
export type HelmCrdPolicy = "Skip" | "Create" | "CreateReplace";

const INSTALL_CRDS: Record<HelmCrdPolicy, helm.HelmReleaseSpecInstallCrds> = {
  Skip: helm.HelmReleaseSpecInstallCrds.SKIP,
  Create: helm.HelmReleaseSpecInstallCrds.CREATE,
  CreateReplace: helm.HelmReleaseSpecInstallCrds.CREATE_REPLACE,
};
const UPGRADE_CRDS: Record<HelmCrdPolicy, helm.HelmReleaseSpecUpgradeCrds> = {
  Skip: helm.HelmReleaseSpecUpgradeCrds.SKIP,
  Create: helm.HelmReleaseSpecUpgradeCrds.CREATE,
  CreateReplace: helm.HelmReleaseSpecUpgradeCrds.CREATE_REPLACE,
};

/** What helm-controller does after the last failed upgrade retry. */
export type HelmUpgradeRemediationStrategy = "rollback" | "uninstall";

const REMEDIATION_STRATEGIES: Record<HelmUpgradeRemediationStrategy, helm.HelmReleaseSpecUpgradeRemediationStrategy> = {
  rollback: helm.HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK,
  uninstall: helm.HelmReleaseSpecUpgradeRemediationStrategy.UNINSTALL,
};

/** Drift detection mode. */
export type HelmDriftDetectionMode = "enabled" | "warn" | "disabled";

const DRIFT_MODES: Record<HelmDriftDetectionMode, helm.HelmReleaseSpecDriftDetectionMode> = {
  enabled: helm.HelmReleaseSpecDriftDetectionMode.ENABLED,
  warn: helm.HelmReleaseSpecDriftDetectionMode.WARN,
  disabled: helm.HelmReleaseSpecDriftDetectionMode.DISABLED,
};

/** Kind of object Helm values are read from. */
export type HelmValuesFromKind = "ConfigMap" | "Secret";

const VALUES_FROM_KINDS: Record<HelmValuesFromKind, helm.HelmReleaseSpecValuesFromKind> = {
  ConfigMap: helm.HelmReleaseSpecValuesFromKind.CONFIG_MAP,
  Secret: helm.HelmReleaseSpecValuesFromKind.SECRET,
};

/**
 * Reference to the HelmRepository a chart is fetched from. A
 * {@link HelmRepositorySource} construct fits this interface.
 */
export interface HelmChartSourceRef {
  /** Kind of the source; only HelmRepository is supported here. */
  readonly kind: "HelmRepository";
  /** `metadata.name` of the HelmRepository. */
  readonly name: string;
  /**
   * `metadata.namespace` of the HelmRepository. Only emitted when it differs
   * from the HelmRelease's namespace.
   *
   * @default - the HelmRelease's namespace
   */
  readonly namespace?: string;
}

/**
 * A chart from a HelmRepository, rendered as `spec.chart.spec`.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#chart-template
 */
export interface HelmReleaseChart {
  /** Chart name in the repository, e.g. `"cert-manager"`. */
  readonly chart: string;
  /**
   * Pinned chart version (`"1.16.1"`) or a bounded SemVer range
   * (`">=1.16.0 <1.17.0"`, `"~1.16.0"`). Required: an empty version, a
   * wildcard (`"*"`, `"x"`) or a range without an upper bound (`">=1.16.0"`)
   * throws, because charts must be pinned.
   */
  readonly version: string;
  /**
   * The HelmRepository: a {@link HelmRepositorySource} construct or
   * `{ kind: "HelmRepository", name, namespace? }`.
   */
  readonly sourceRef: HelmChartSourceRef;
  /**
   * How often the chart version is re-resolved against the repository.
   *
   * @default - not set (the HelmRelease's `interval` applies)
   */
  readonly interval?: string;
}

/**
 * Reference to an OCIRepository holding the chart (`spec.chartRef`). An
 * {@link OciRepositorySource} construct fits this interface; its `ref` pins
 * the chart version.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#chart-reference
 */
export interface HelmReleaseChartRef {
  /** Kind of the source; only OCIRepository is supported here. */
  readonly kind: "OCIRepository";
  /** `metadata.name` of the OCIRepository. */
  readonly name: string;
  /**
   * `metadata.namespace` of the OCIRepository. Only emitted when it differs
   * from the HelmRelease's namespace.
   *
   * @default - the HelmRelease's namespace
   */
  readonly namespace?: string;
}

/**
 * Install behaviour (merged field by field with the defaults).
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#install-configuration
 */
export interface HelmReleaseInstall {
  /**
   * CRD policy on install.
   *
   * @default "CreateReplace"
   */
  readonly crds?: HelmCrdPolicy;
  /**
   * Create the target namespace if it does not exist.
   *
   * @default - not set (the controller treats it as false)
   */
  readonly createNamespace?: boolean;
  /**
   * Install remediation.
   *
   * @default { retries: 3 }
   */
  readonly remediation?: {
    /**
     * Retries after a failed install (negative = unlimited).
     *
     * @default 3
     */
    readonly retries?: number;
  };
}

/**
 * Upgrade behaviour (merged field by field with the defaults).
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#upgrade-configuration
 */
export interface HelmReleaseUpgrade {
  /**
   * CRD policy on upgrade.
   *
   * @default "CreateReplace"
   */
  readonly crds?: HelmCrdPolicy;
  /**
   * Delete resources created by a failed upgrade.
   *
   * @default true
   */
  readonly cleanupOnFail?: boolean;
  /**
   * Upgrade remediation.
   *
   * @default { retries: 3, remediateLastFailure: true }
   */
  readonly remediation?: {
    /**
     * Retries after a failed upgrade (negative = unlimited).
     *
     * @default 3
     */
    readonly retries?: number;
    /**
     * Also remediate (roll back) when the last retry fails.
     *
     * @default true
     */
    readonly remediateLastFailure?: boolean;
    /**
     * Remediation action.
     *
     * @default - not set (the controller uses "rollback")
     */
    readonly strategy?: HelmUpgradeRemediationStrategy;
  };
}

/**
 * A ConfigMap or Secret (same namespace) Helm values are read from.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#values-references
 */
export interface HelmReleaseValuesFrom {
  /** Kind of the object. */
  readonly kind: HelmValuesFromKind;
  /** `metadata.name` of the object. */
  readonly name: string;
  /**
   * Data key holding the values (YAML) or the single value.
   *
   * @default - not set (the controller uses "values.yaml")
   */
  readonly valuesKey?: string;
  /**
   * Values path the single value is written to (e.g. `"ingress.tls[0].secretName"`).
   *
   * @default - not set (the whole key is merged as a values document)
   */
  readonly targetPath?: string;
  /**
   * Whether a missing object/key is tolerated.
   *
   * @default - not set (the controller treats it as false)
   */
  readonly optional?: boolean;
}

/**
 * A kustomize patch applied to the rendered chart.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#post-renderers
 */
export interface HelmReleasePostRendererPatch {
  /** Strategic merge or JSON6902 patch (YAML or JSON string). */
  readonly patch: string;
  /**
   * Objects the patch applies to.
   *
   * @default - not set (strategic merge patches match by their own apiVersion/kind/name)
   */
  readonly target?: KustomizePatchTarget;
}

/**
 * Drift detection of the in-cluster objects against the Helm release.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#drift-detection
 */
export interface HelmReleaseDriftDetection {
  /** `enabled` corrects drift, `warn` only reports it, `disabled` turns it off. */
  readonly mode: HelmDriftDetectionMode;
  /**
   * JSON pointers to ignore, optionally restricted to some objects.
   *
   * @default - none
   */
  readonly ignore?: Array<{
    /** JSON pointers, e.g. `"/spec/replicas"`. */
    readonly paths: string[];
    /**
     * Objects the rule applies to.
     *
     * @default - all objects of the release
     */
    readonly target?: KustomizePatchTarget;
  }>;
}

/**
 * Props of {@link HelmReleaseFor}. Set exactly one of `chart` and `chartRef`.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/
 */
export interface HelmReleaseForProps extends FluxResourceProps {
  /**
   * Namespace the chart's objects are installed into.
   *
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#target-namespace
   */
  readonly targetNamespace: string;

  /**
   * Helm release name (at most 53 characters).
   *
   * @default - not set (Flux uses "<targetNamespace>-<name>")
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#release-name
   */
  readonly releaseName?: string;

  /**
   * Chart from a HelmRepository (rendered as `spec.chart.spec`).
   *
   * @default - not set; then `chartRef` is required
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#chart-template
   */
  readonly chart?: HelmReleaseChart;

  /**
   * Chart from an OCIRepository (rendered as `spec.chartRef`).
   *
   * @default - not set; then `chart` is required
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#chart-reference
   */
  readonly chartRef?: HelmReleaseChartRef;

  /**
   * Reconciliation interval.
   *
   * @default "30m"
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#interval
   */
  readonly interval?: string;

  /**
   * Install behaviour.
   *
   * @default { crds: "CreateReplace", remediation: { retries: 3 } }
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#install-configuration
   */
  readonly install?: HelmReleaseInstall;

  /**
   * Upgrade behaviour.
   *
   * @default { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true }, cleanupOnFail: true }
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#upgrade-configuration
   */
  readonly upgrade?: HelmReleaseUpgrade;

  /**
   * Inline Helm values (JSON-compatible; copied at construction time; `null`
   * entries are kept so they can unset chart defaults).
   *
   * @default - not set (chart defaults)
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#values
   */
  readonly values?: Record<string, unknown>;

  /**
   * ConfigMaps/Secrets values are merged from (in order; inline `values` win).
   *
   * @default - none
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#values-references
   */
  readonly valuesFrom?: HelmReleaseValuesFrom[];

  /**
   * HelmReleases that must be ready first: {@link HelmReleaseFor}
   * constructs, names (same namespace) or `{ name, namespace? }` (more can be
   * added with `addDependency()`).
   *
   * @default - none
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#dependencies
   */
  readonly dependsOn?: Array<HelmReleaseFor | string | NamespacedNameRef>;

  /**
   * Kustomize patches applied to the rendered chart (one kustomize post-renderer).
   *
   * @default - no post-renderer
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#post-renderers
   */
  readonly postRenderers?: HelmReleasePostRendererPatch[];

  /**
   * Timeout of each Helm action (install, upgrade, test, rollback, uninstall).
   *
   * @default - not set (the controller uses "5m")
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#timeout
   */
  readonly timeout?: string;

  /**
   * Drift detection.
   *
   * @default - not set (the controller treats it as disabled)
   * @see https://fluxcd.io/flux/components/helm/helmreleases/#drift-detection
   */
  readonly driftDetection?: HelmReleaseDriftDetection;
}

/**
 * A Flux `HelmRelease` (`helm.toolkit.fluxcd.io/v2`) for a pinned chart:
 * installs and upgrades a Helm chart from a HelmRepository (`chart`) or an
 * OCIRepository (`chartRef`), with CRD replacement and retrying remediation
 * on by default.
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/
 */
export class HelmReleaseFor extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = helm.HelmRelease.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "HelmRelease" as const;
  /** `metadata.name` of the HelmRelease. */
  public readonly name: string;
  /** `metadata.namespace` of the HelmRelease. */
  public readonly namespace: string;
  /** Namespace the chart is installed into. */
  public readonly targetNamespace: string;
  /** The underlying L1 object. */
  public readonly apiObject: helm.HelmRelease;

  private readonly owner: string;
  private readonly _dependsOn: helm.HelmReleaseSpecDependsOn[] = [];
  /** The values as patched so far (`undefined` while the object has no `spec.values`). */
  private values: Record<string, unknown> | undefined;

  public constructor(scope: Construct, props: HelmReleaseForProps) {
    const { id, name, namespace, owner } = resolveIdentity("HelmReleaseFor", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.owner = owner;
    this.targetNamespace = checkNamespace(owner, "targetNamespace", props.targetNamespace);

    if (props.releaseName !== undefined && (typeof props.releaseName !== "string" || props.releaseName.length > 53 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.releaseName))) {
      throw new Error(`${owner}: releaseName must be a lowercase DNS name of at most 53 characters; got ${JSON.stringify(props.releaseName)}`);
    }
    if ((props.chart === undefined) === (props.chartRef === undefined)) {
      throw new Error(`${owner}: set exactly one of chart (a chart from a HelmRepository) or chartRef (an OCIRepository)`);
    }

    for (const dep of props.dependsOn ?? []) {
      this.addDependency(dep);
    }

    this.apiObject = new helm.HelmRelease(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        releaseName: props.releaseName,
        targetNamespace: this.targetNamespace,
        chart: props.chart === undefined ? undefined : this.resolveChart(props.chart),
        chartRef: props.chartRef === undefined ? undefined : this.resolveChartRef(props.chartRef),
        interval: checkDuration(owner, "interval", props.interval ?? "30m"),
        install: this.resolveInstall(props.install),
        upgrade: this.resolveUpgrade(props.upgrade),
        valuesFrom: props.valuesFrom?.map((v) => this.resolveValuesFrom(v)),
        postRenderers: this.resolvePostRenderers(props.postRenderers),
        timeout: props.timeout === undefined ? undefined : checkDuration(owner, "timeout", props.timeout),
        driftDetection: this.resolveDriftDetection(props.driftDetection),
        dependsOn: Lazy.any({ produce: () => (this._dependsOn.length > 0 ? [...this._dependsOn] : undefined) }),
      },
    });

    if (props.values !== undefined) {
      // Added as a JSON patch, which cdk8s applies after sanitising the object, so that
      // `null` values (meaningful to Helm: "unset this chart default") survive synthesis.
      this.values = this.copyValues(props.values);
      this.apiObject.addJsonPatch(JsonPatch.add("/spec/values", this.copyValues(this.values)));
    }
  }

  /**
   * Sets one value below `spec.values`, creating the maps on the way (a value set by the props, or
   * by an earlier call, is replaced).
   *
   * @param path keys from the values root, e.g. `["metaflow-service", "image", "tag"]`
   * @param value JSON-compatible value
   */
  public setValue(path: readonly string[], value: unknown): void {
    if (path.length === 0 || path.some((key) => typeof key !== "string" || key === "")) {
      throw new Error(`${this.owner}: setValue needs a path of non-empty keys; got ${JSON.stringify(path)}`);
    }
    const copy: unknown = JSON.parse(JSON.stringify({ value })).value;
    if (this.values === undefined) {
      this.values = {};
      this.apiObject.addJsonPatch(JsonPatch.add("/spec/values", {}));
    }
    // The deepest existing map on the path; the rest is added as one nested value.
    let parent = this.values;
    let depth = 0;
    while (depth < path.length - 1 && isMap(parent[path[depth]!])) {
      parent = parent[path[depth]!] as Record<string, unknown>;
      depth += 1;
    }
    const added = path.slice(depth + 1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), copy);
    parent[path[depth]!] = added;
    const pointer = path.slice(0, depth + 1).map((key) => key.replace(/~/g, "~0").replace(/\//g, "~1"));
    this.apiObject.addJsonPatch(JsonPatch.add(`/spec/values/${pointer.join("/")}`, JSON.parse(JSON.stringify(added)) as unknown));
  }

  /**
   * Makes this HelmRelease wait for another HelmRelease to be ready.
   * Duplicates are ignored.
   *
   * @param other a HelmReleaseFor construct, a name in the same namespace, or `{ name, namespace? }`
   */
  public addDependency(other: HelmReleaseFor | string | NamespacedNameRef): void {
    const ref = typeof other === "string" ? { name: other } : other;
    if (ref === null || typeof ref !== "object") {
      throw new Error(`${this.owner}: dependsOn entries must be HelmReleaseFor constructs, names or { name, namespace }`);
    }
    const kind = (ref as { kind?: unknown }).kind;
    if (kind !== undefined && kind !== "HelmRelease") {
      throw new Error(`${this.owner}: dependsOn can only reference HelmReleases; got a ${String(kind)} ("${ref.name}")`);
    }
    const name = checkName(this.owner, "dependsOn[].name", ref.name);
    const ns = crossNamespace(ref.namespace === undefined ? undefined : checkNamespace(this.owner, "dependsOn[].namespace", ref.namespace), this.namespace);
    if (name === this.name && ns === undefined) {
      throw new Error(`${this.owner}: a HelmRelease cannot depend on itself`);
    }
    if (!this._dependsOn.some((d) => d.name === name && d.namespace === ns)) {
      this._dependsOn.push({ name, namespace: ns });
    }
  }

  private resolveChart(chart: HelmReleaseChart): helm.HelmReleaseSpecChart {
    const owner = this.owner;
    if (typeof chart.chart !== "string" || chart.chart.trim() === "") {
      throw new Error(`${owner}: chart.chart (the chart name) is required`);
    }
    const version = typeof chart.version === "string" ? chart.version.trim() : "";
    if (!isPinnedVersion(version)) {
      throw new Error(
        `${owner}: chart.version must pin the chart to an exact version (e.g. "1.16.1") or a bounded SemVer range ` +
          `with an upper bound (e.g. ">=1.16.0 <1.17.0" or "~1.16.0"); got ${JSON.stringify(chart.version)}. Charts must be pinned so that ` +
          `upgrades happen through a reviewed change, not whenever a new chart is published.`,
      );
    }
    const src = chart.sourceRef;
    if (src === undefined || src === null || src.kind !== "HelmRepository") {
      throw new Error(
        `${owner}: chart.sourceRef must be a HelmRepositorySource or { kind: "HelmRepository", name, namespace? }; got kind ${JSON.stringify(src?.kind)}`,
      );
    }
    return {
      spec: {
        chart: chart.chart,
        version,
        sourceRef: {
          kind: helm.HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY,
          name: checkName(owner, "chart.sourceRef.name", src.name),
          namespace: crossNamespace(src.namespace === undefined ? undefined : checkNamespace(owner, "chart.sourceRef.namespace", src.namespace), this.namespace),
        },
        interval: chart.interval === undefined ? undefined : checkDuration(owner, "chart.interval", chart.interval),
      },
    };
  }

  private resolveChartRef(ref: HelmReleaseChartRef): helm.HelmReleaseSpecChartRef {
    if (ref === null || typeof ref !== "object" || ref.kind !== "OCIRepository") {
      throw new Error(
        `${this.owner}: chartRef must be an OciRepositorySource or { kind: "OCIRepository", name, namespace? }; got kind ${JSON.stringify(ref?.kind)}`,
      );
    }
    return {
      kind: helm.HelmReleaseSpecChartRefKind.OCI_REPOSITORY,
      name: checkName(this.owner, "chartRef.name", ref.name),
      namespace: crossNamespace(ref.namespace === undefined ? undefined : checkNamespace(this.owner, "chartRef.namespace", ref.namespace), this.namespace),
    };
  }

  private resolveInstall(install: HelmReleaseInstall = {}): helm.HelmReleaseSpecInstall {
    const crds = checkOneOf(this.owner, "install.crds", install.crds ?? "CreateReplace", Object.keys(INSTALL_CRDS) as HelmCrdPolicy[]);
    return {
      crds: INSTALL_CRDS[crds],
      createNamespace: install.createNamespace,
      remediation: { retries: this.checkRetries("install.remediation.retries", install.remediation?.retries ?? 3) },
    };
  }

  private resolveUpgrade(upgrade: HelmReleaseUpgrade = {}): helm.HelmReleaseSpecUpgrade {
    const crds = checkOneOf(this.owner, "upgrade.crds", upgrade.crds ?? "CreateReplace", Object.keys(UPGRADE_CRDS) as HelmCrdPolicy[]);
    const strategy = upgrade.remediation?.strategy;
    return {
      crds: UPGRADE_CRDS[crds],
      cleanupOnFail: upgrade.cleanupOnFail ?? true,
      remediation: {
        retries: this.checkRetries("upgrade.remediation.retries", upgrade.remediation?.retries ?? 3),
        remediateLastFailure: upgrade.remediation?.remediateLastFailure ?? true,
        strategy:
          strategy === undefined
            ? undefined
            : REMEDIATION_STRATEGIES[checkOneOf(this.owner, "upgrade.remediation.strategy", strategy, Object.keys(REMEDIATION_STRATEGIES) as HelmUpgradeRemediationStrategy[])],
      },
    };
  }

  private checkRetries(field: string, value: number): number {
    if (!Number.isInteger(value)) {
      throw new Error(`${this.owner}: ${field} must be an integer (negative = unlimited); got ${JSON.stringify(value)}`);
    }
    return value;
  }

  private resolveValuesFrom(v: HelmReleaseValuesFrom): helm.HelmReleaseSpecValuesFrom {
    const owner = this.owner;
    const kind = checkOneOf(owner, "valuesFrom[].kind", v.kind, Object.keys(VALUES_FROM_KINDS) as HelmValuesFromKind[]);
    if (v.valuesKey !== undefined && (v.valuesKey.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(v.valuesKey))) {
      throw new Error(`${owner}: valuesFrom[].valuesKey must match ^[-._a-zA-Z0-9]+$ (at most 253 characters); got ${JSON.stringify(v.valuesKey)}`);
    }
    if (v.targetPath !== undefined && (v.targetPath.length > 250 || !/^([a-zA-Z0-9_\-.\\/]|\[[0-9]{1,5}\])+$/.test(v.targetPath))) {
      throw new Error(`${owner}: valuesFrom[].targetPath must be a values path like "a.b[0].c" (at most 250 characters); got ${JSON.stringify(v.targetPath)}`);
    }
    return {
      kind: VALUES_FROM_KINDS[kind],
      name: checkName(owner, "valuesFrom[].name", v.name),
      valuesKey: v.valuesKey,
      targetPath: v.targetPath,
      optional: v.optional,
    };
  }

  private resolvePostRenderers(patches: HelmReleasePostRendererPatch[] | undefined): helm.HelmReleaseSpecPostRenderers[] | undefined {
    if (patches === undefined || patches.length === 0) {
      return undefined;
    }
    for (const p of patches) {
      if (typeof p?.patch !== "string" || p.patch.trim() === "") {
        throw new Error(`${this.owner}: postRenderers[].patch must be a non-empty patch string`);
      }
    }
    return [{ kustomize: { patches: patches.map((p) => ({ patch: p.patch, target: p.target === undefined ? undefined : { ...p.target } })) } }];
  }

  private resolveDriftDetection(d: HelmReleaseDriftDetection | undefined): helm.HelmReleaseSpecDriftDetection | undefined {
    if (d === undefined) {
      return undefined;
    }
    const mode = checkOneOf(this.owner, "driftDetection.mode", d.mode, Object.keys(DRIFT_MODES) as HelmDriftDetectionMode[]);
    return {
      mode: DRIFT_MODES[mode],
      ignore: d.ignore?.map((rule) => {
        if (!Array.isArray(rule.paths) || rule.paths.length === 0) {
          throw new Error(`${this.owner}: driftDetection.ignore[].paths must list at least one JSON pointer`);
        }
        return { paths: [...rule.paths], target: rule.target === undefined ? undefined : { ...rule.target } };
      }),
    };
  }

  private copyValues(values: Record<string, unknown>): Record<string, unknown> {
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      throw new Error(`${this.owner}: values must be an object`);
    }
    try {
      return JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${this.owner}: values must be JSON-serialisable: ${(e as Error).message}`);
    }
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
