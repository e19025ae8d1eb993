/** One schema violation. `path` is a JSON path like ".spec.interval" or ".spec.healthChecks[0].kind"; "" is the root. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export interface ObjectValidator {
  /** Returns [] when the object is valid. */
  validate(object: unknown): SchemaProblem[];
}

export interface ValidatorOptions {
  /** Parsed CustomResourceDefinition documents (apiextensions.k8s.io/v1). */
  crds: unknown[];
  /**
   * The Kubernetes version ("1.MINOR" or "1.MINOR.PATCH") whose API schema checks core kinds and
   * ObjectMeta: the cluster's. Its minor must be one of KUBERNETES_VERSIONS
   * (`@flotilla/render/kubernetes-versions`); any other throws.
   * @default DEFAULT_KUBERNETES_VERSION
   */
  kubernetesVersion?: string;
  /**
   * Schema units compiled ahead of time (`precompileSchemaUnits`), by `unitDigest`: a unit found
   * here is not compiled at run time; any other is.
   * @default - every unit is compiled on first use
   */
  precompiled?: (digest: string) => PrecompiledUnit | undefined;
}

/** A schema unit's validation function as ajv's standalone code exports it. */
export type PrecompiledUnit = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/** A JSON schema (draft-07 as understood by ajv) built from plain objects. */
export type JsonSchema = { [keyword: string]: unknown };
