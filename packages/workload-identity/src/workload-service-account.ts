import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import { Construct } from "constructs";
import { PENDING_IDENTITY_ANNOTATION } from "./pending.js";
import { CLIENT_ID_ANNOTATION, TENANT_ID_ANNOTATION, USE_LABEL } from "./pod-labels.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Props of {@link WorkloadServiceAccount}.
 *
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 */
export interface WorkloadServiceAccountProps {
  /**
   * `metadata.name` of the ServiceAccount, emitted verbatim (no cdk8s hash suffix): a DNS-1123
   * subdomain. Together with `namespace` it makes the federated credential's subject
   * `system:serviceaccount:<namespace>:<name>`.
   */
  readonly name: string;

  /** `metadata.namespace` of the ServiceAccount: a DNS-1123 label. Always emitted. */
  readonly namespace: string;

  /**
   * Client ID of the user-assigned managed identity whose federated credential has this
   * ServiceAccount as subject (from the cluster's identity outputs), emitted as the
   * `azure.workload.identity/client-id` annotation. Exactly one of `clientId` and
   * `pendingIdentity` is given.
   *
   * @default - none: `pendingIdentity` must be given
   */
  readonly clientId?: string;

  /**
   * The key of the identity while it is pending (bootstrap apply has not created it, so it has no
   * client ID yet), emitted as the `flotilla.dev/pending-identity` annotation instead of a client
   * ID: never a placeholder one.
   *
   * @default - none: `clientId` must be given
   */
  readonly pendingIdentity?: string;

  /**
   * Entra tenant of the identity, emitted as `azure.workload.identity/tenant-id`.
   *
   * @default - not emitted (the webhook uses the cluster's tenant)
   */
  readonly tenantId?: string;

  /**
   * Extra labels. Setting `azure.workload.identity/use` here is rejected: that label belongs on
   * the pod template (see `workloadIdentityPodLabels`), on a ServiceAccount it does nothing.
   *
   * @default {}
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra annotations (e.g. `azure.workload.identity/service-account-token-expiration`). The
   * client-id and tenant-id annotations come from `clientId` and `tenantId` and cannot be set here.
   *
   * @default {}
   */
  readonly annotations?: Record<string, string>;

  /**
   * Whether pods using the ServiceAccount get a Kubernetes API token mounted. Workload identity
   * does not need it (the webhook projects its own token).
   *
   * @default - not emitted (Kubernetes mounts the token)
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Construct id inside `scope`.
   *
   * @default `serviceaccount.<namespace>.<name>`
   */
  readonly id?: string;
}

/**
 * A Kubernetes ServiceAccount bound to an Azure user-assigned managed identity through Azure
 * Workload Identity: annotated with the identity's client ID (and tenant ID), or, while the
 * identity is pending, marked `flotilla.dev/pending-identity` with no client ID.
 *
 * The annotation alone does not give pods a token: every pod using the ServiceAccount must also
 * carry the label `azure.workload.identity/use: "true"` on its **pod template** (use
 * `workloadIdentityPodLabels()` or `addWorkloadIdentityPodLabel()`), and the identity must have a
 * federated credential for `system:serviceaccount:<namespace>:<name>` with the cluster's issuer
 * (flotilla plans both from the same spec). A label on the ServiceAccount does nothing.
 *
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 * @see https://kubernetes.io/docs/concepts/security/service-accounts/
 */
export class WorkloadServiceAccount extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion = "v1" as const;
  /** kind of the emitted object. */
  public readonly kind = "ServiceAccount" as const;
  /** `metadata.name`. */
  public readonly name: string;
  /** `metadata.namespace`. */
  public readonly namespace: string;
  /** The identity's client ID (the `azure.workload.identity/client-id` annotation); undefined while the identity is pending. */
  public readonly clientId: string | undefined;
  /** The underlying L1 object. */
  public readonly apiObject: k8s.KubeServiceAccount;

  public constructor(scope: Construct, props: WorkloadServiceAccountProps) {
    const owner = `WorkloadServiceAccount ${String(props.namespace)}/${String(props.name)}`;
    const fail = (message: string): never => {
      throw new Error(`${owner}: ${message}`);
    };
    if (typeof props.name !== "string" || props.name.length > 253 || !DNS_SUBDOMAIN.test(props.name)) {
      fail(`name must be a lowercase DNS-1123 subdomain, got ${JSON.stringify(props.name)}`);
    }
    if (typeof props.namespace !== "string" || props.namespace.length > 63 || !DNS_LABEL.test(props.namespace)) {
      fail(`namespace must be a lowercase DNS-1123 label, got ${JSON.stringify(props.namespace)}`);
    }
    if (props.pendingIdentity === undefined && (typeof props.clientId !== "string" || !GUID.test(props.clientId))) {
      fail(`clientId must be the identity's client ID (a GUID), got ${JSON.stringify(props.clientId)}`);
    }
    if (props.pendingIdentity !== undefined && (props.clientId !== undefined || !DNS_LABEL.test(props.pendingIdentity))) {
      fail(`pendingIdentity (the key of an identity without a client ID yet) goes without clientId, got ${JSON.stringify({ clientId: props.clientId, pendingIdentity: props.pendingIdentity })}`);
    }
    if (props.tenantId !== undefined && !GUID.test(props.tenantId)) {
      fail(`tenantId must be a GUID, got ${JSON.stringify(props.tenantId)}`);
    }
    const extraAnnotations = props.annotations ?? {};
    for (const key of [CLIENT_ID_ANNOTATION, TENANT_ID_ANNOTATION, PENDING_IDENTITY_ANNOTATION]) {
      if (key in extraAnnotations) fail(`set ${key} through clientId/tenantId/pendingIdentity, not annotations`);
    }
    const labels = props.labels ?? {};
    if (USE_LABEL in labels) {
      fail(`the ${USE_LABEL} label does nothing on a ServiceAccount; put it on the pod template (workloadIdentityPodLabels())`);
    }

    super(scope, props.id ?? `serviceaccount.${props.namespace}.${props.name}`);
    this.name = props.name;
    this.namespace = props.namespace;
    this.clientId = props.clientId;

    const annotations: Record<string, string> = {
      ...extraAnnotations,
      ...(props.pendingIdentity === undefined ? { [CLIENT_ID_ANNOTATION]: props.clientId! } : { [PENDING_IDENTITY_ANNOTATION]: props.pendingIdentity }),
    };
    if (props.tenantId !== undefined) annotations[TENANT_ID_ANNOTATION] = props.tenantId;
    this.apiObject = new k8s.KubeServiceAccount(this, "Resource", {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
        annotations,
      },
      ...(props.automountServiceAccountToken === undefined ? {} : { automountServiceAccountToken: props.automountServiceAccountToken }),
    });
  }
}
