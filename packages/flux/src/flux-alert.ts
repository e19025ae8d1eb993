import { Construct } from "constructs";
import * as notification from "./imports/notification.js";
import { checkName, resolveIdentity, type FluxResourceProps } from "./common.js";
import type { NotificationProvider } from "./notification-provider.js";

/** An object (or all objects, `name: "*"`) whose events an Alert forwards. */
export interface AlertEventSource {
  /** `Kustomization` or `HelmRelease`. */
  readonly kind: "Kustomization" | "HelmRelease";
  /** Object name, or `"*"` for all of that kind in the namespace. */
  readonly name: string;
  /**
   * Namespace of the objects.
   * @default the Alert's namespace
   */
  readonly namespace?: string;
}

/**
 * Props of {@link FluxAlert}.
 *
 * @see https://fluxcd.io/flux/components/notification/alerts/
 */
export interface FluxAlertProps extends FluxResourceProps {
  /** The Provider events are sent to (same namespace). */
  readonly provider: NotificationProvider;
  /** Objects whose events are sent; at least one. */
  readonly eventSources: readonly AlertEventSource[];
  /**
   * Lowest severity sent: `info` sends everything, `error` only failures.
   * @default "error"
   */
  readonly severity?: "info" | "error";
}

/** A Flux Alert (`notification.toolkit.fluxcd.io/v1beta3`). */
export class FluxAlert extends Construct {
  public readonly kind = "Alert" as const;
  public readonly name: string;
  public readonly namespace: string;
  public readonly apiObject: notification.Alert;

  public constructor(scope: Construct, props: FluxAlertProps) {
    const { id, name, namespace, owner } = resolveIdentity("FluxAlert", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    if (props.provider.namespace !== namespace) {
      throw new Error(`${owner}: the Provider must be in the Alert's namespace ${namespace}, got ${props.provider.namespace}`);
    }
    if (props.eventSources.length === 0) throw new Error(`${owner}: eventSources must list at least one object`);
    this.apiObject = new notification.Alert(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        providerRef: { name: props.provider.name },
        eventSeverity: props.severity === "info" ? notification.AlertSpecEventSeverity.INFO : notification.AlertSpecEventSeverity.ERROR,
        eventSources: props.eventSources.map((source) => ({
          kind: source.kind === "Kustomization" ? notification.AlertSpecEventSourcesKind.KUSTOMIZATION : notification.AlertSpecEventSourcesKind.HELM_RELEASE,
          name: source.name === "*" ? "*" : checkName(owner, "eventSources[].name", source.name),
          namespace: source.namespace,
        })),
      },
    });
  }
}
