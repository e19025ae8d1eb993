import { Construct } from "constructs";
import * as notification from "./imports/notification.js";
import { checkName, checkOneOf, resolveIdentity, type FluxResourceProps } from "./common.js";

/** Provider types offered (values of the vendored CRD's `spec.type` enum). */
export type NotificationProviderType = "msteams" | "azureeventhub" | "azuredevops" | "github";

const TYPES: Record<NotificationProviderType, notification.ProviderSpecType> = {
  msteams: notification.ProviderSpecType.MSTEAMS,
  azureeventhub: notification.ProviderSpecType.AZUREEVENTHUB,
  azuredevops: notification.ProviderSpecType.AZUREDEVOPS,
  github: notification.ProviderSpecType.GITHUB,
};

/** Git commit status providers: they need the repository's https URL as `address`. */
export const COMMIT_STATUS_TYPES: readonly NotificationProviderType[] = ["azuredevops", "github"];

/**
 * Props of {@link NotificationProvider}.
 *
 * @see https://fluxcd.io/flux/components/notification/providers/
 */
export interface NotificationProviderProps extends FluxResourceProps {
  /** Provider type: `msteams`, `azureeventhub`, or a Git commit status provider `azuredevops` / `github`. */
  readonly type: NotificationProviderType;
  /**
   * Secret (same namespace) with the credentials: `address` (Teams webhook URL, Event Hub
   * connection string) or `token` (commit status). Never put them in `address`.
   */
  readonly secretRef: string;
  /**
   * `spec.address`: required for commit status providers, the repository's https URL
   * (`https://github.com/<org>/<repo>`, `https://dev.azure.com/<org>/<project>/_git/<repo>`).
   * @default - none (read from the Secret's `address`)
   */
  readonly address?: string;
}

/** A Flux notification Provider (`notification.toolkit.fluxcd.io/v1beta3`). */
export class NotificationProvider extends Construct {
  public readonly kind = "Provider" as const;
  public readonly name: string;
  public readonly namespace: string;
  /** The provider type. */
  public readonly type: NotificationProviderType;
  public readonly apiObject: notification.Provider;

  public constructor(scope: Construct, props: NotificationProviderProps) {
    const { id, name, namespace, owner } = resolveIdentity("NotificationProvider", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.type = checkOneOf(owner, "type", props.type, Object.keys(TYPES) as NotificationProviderType[]);
    const commitStatus = COMMIT_STATUS_TYPES.includes(this.type);
    if (commitStatus && (props.address === undefined || !/^https:\/\/.+/.test(props.address))) {
      throw new Error(`${owner}: a ${this.type} commit status provider needs address: the repository's https:// URL; got ${JSON.stringify(props.address)}`);
    }
    this.apiObject = new notification.Provider(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        type: TYPES[this.type],
        secretRef: { name: checkName(owner, "secretRef", props.secretRef) },
        address: props.address,
      },
    });
  }
}
