/**
 * Shared props, reference types and input validation for the Flux L2 constructs.
 *
 * Not a construct itself: every construct lives in its own file and only borrows
 * these small helpers.
 */
import type { Construct } from "constructs";

/** Namespace used when a construct is given no `namespace`. */
export const DEFAULT_FLUX_NAMESPACE = "flux-system";

/**
 * Props shared by every Flux L2 construct: the object's identity.
 */
export interface FluxResourceProps {
  /**
   * `metadata.name` of the Flux object. Always emitted verbatim (no cdk8s
   * hash suffix). Must be an RFC 1123 DNS subdomain (lowercase alphanumerics,
   * `-` and `.`, at most 253 characters).
   *
   * It is also the construct id (see `id`).
   *
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
   */
  readonly name: string;

  /**
   * `metadata.namespace` of the Flux object.
   *
   * @default "flux-system"
   */
  readonly namespace?: string;

  /**
   * Construct id of this construct inside `scope`. Only needed when two
   * constructs in the same scope share a `name` (for example the
   * conventional `flux-system` GitRepository and `flux-system` Kustomization,
   * or objects of the same name in different namespaces).
   *
   * @default - the `name`
   */
  readonly id?: string;
}

/**
 * Identity of a Flux object, as exposed by every L2 construct of this package
 * (`apiVersion`, `kind`, `name`, `namespace`). Any construct of this package
 * can therefore be used wherever a reference or a health check is expected.
 */
export interface FluxObjectIdentity {
  /** apiVersion of the object, e.g. `source.toolkit.fluxcd.io/v1`. */
  readonly apiVersion: string;
  /** kind of the object, e.g. `GitRepository`. */
  readonly kind: string;
  /** `metadata.name` of the object. */
  readonly name: string;
  /** `metadata.namespace` of the object. */
  readonly namespace: string;
}

/**
 * A reference to a named object, optionally in another namespace
 * (Flux `dependsOn` entries).
 */
export interface NamespacedNameRef {
  /** `metadata.name` of the referent. */
  readonly name: string;
  /**
   * `metadata.namespace` of the referent.
   *
   * @default - the namespace of the referring object
   */
  readonly namespace?: string;
}

/**
 * Target selector of a kustomize patch (used by HelmRelease post-renderers and
 * drift-detection ignore rules).
 *
 * @see https://fluxcd.io/flux/components/helm/helmreleases/#post-renderers
 */
export interface KustomizePatchTarget {
  /**
   * API group of the targeted resources.
   *
   * @default - any group
   */
  readonly group?: string;
  /**
   * API version of the targeted resources.
   *
   * @default - any version
   */
  readonly version?: string;
  /**
   * Kind of the targeted resources.
   *
   * @default - any kind
   */
  readonly kind?: string;
  /**
   * Name of the targeted resources (regular expressions are accepted).
   *
   * @default - any name
   */
  readonly name?: string;
  /**
   * Namespace of the targeted resources.
   *
   * @default - any namespace
   */
  readonly namespace?: string;
  /**
   * Label selector of the targeted resources.
   *
   * @default - no label selection
   */
  readonly labelSelector?: string;
  /**
   * Annotation selector of the targeted resources.
   *
   * @default - no annotation selection
   */
  readonly annotationSelector?: string;
}

/** Go duration with h/m/s/ms units, as accepted by most Flux interval fields. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
/** Go duration without hours, as accepted by the source `timeout` fields. */
const DURATION_NO_HOURS = /^([0-9]+(\.[0-9]+)?(ms|s|m))+$/;
/** RFC 1123 DNS subdomain (object names). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1123 DNS label (namespace names). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Throws unless `value` is a duration accepted by the CRD pattern of `field`.
 * @internal
 */
export function checkDuration(owner: string, field: string, value: string, opts: { hours?: boolean } = {}): string {
  const allowHours = opts.hours ?? true;
  const pattern = allowHours ? DURATION : DURATION_NO_HOURS;
  if (typeof value !== "string" || !pattern.test(value)) {
    const units = allowHours ? "h, m, s or ms" : "m, s or ms (no hours)";
    throw new Error(`${owner}: ${field} must be a duration like "1m30s" using the units ${units}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` is a valid object name.
 * @internal
 */
export function checkName(owner: string, field: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(
      `${owner}: ${field} must be an RFC 1123 DNS subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters); got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a valid namespace name.
 * @internal
 */
export function checkNamespace(owner: string, field: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
    throw new Error(
      `${owner}: ${field} must be an RFC 1123 DNS label (lowercase alphanumerics and '-', at most 63 characters); got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is one of `allowed`.
 * @internal
 */
export function checkOneOf<T extends string>(owner: string, field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${owner}: ${field} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/**
 * Validates `name`/`namespace`/`id` of a construct and returns the resolved identity.
 * Throws a readable error when the construct id is already taken in `scope`.
 * @internal
 */
export function resolveIdentity(
  kind: string,
  scope: Construct,
  props: FluxResourceProps,
): { id: string; name: string; namespace: string; owner: string } {
  const label = typeof props?.name === "string" ? props.name : String(props?.name);
  const owner = `${kind} "${label}"`;
  const name = checkName(owner, "name", props?.name);
  const namespace = checkNamespace(owner, "namespace", props.namespace ?? DEFAULT_FLUX_NAMESPACE);
  const id = props.id ?? name;
  if (scope.node.tryFindChild(id) !== undefined) {
    throw new Error(
      `${owner}: construct id "${id}" is already used in scope "${scope.node.path || "<root>"}"; ` +
        `pass a distinct \`id\` (the construct id defaults to the name).`,
    );
  }
  return { id, name, namespace, owner };
}

/**
 * Drops the namespace of a reference when it equals the referring object's namespace.
 * @internal
 */
export function crossNamespace(refNamespace: string | undefined, ownNamespace: string): string | undefined {
  return refNamespace === undefined || refNamespace === ownNamespace ? undefined : refNamespace;
}
