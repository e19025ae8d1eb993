import { Construct } from "constructs";
import * as image from "./imports/image.js";
import { checkDuration, checkName, checkNamespace, resolveIdentity, type FluxResourceProps, type NamespacedNameRef } from "./common.js";

/** Default commit message: the images Flux changed, one line each. */
export const DEFAULT_IMAGE_UPDATE_MESSAGE =
  "Update images of {{ .AutomationObject.Name }}\n\n{{ range .Changed.Changes -}}\n- {{ .OldValue }} -> {{ .NewValue }}\n{{ end -}}\n";

/** Author of the commits an {@link ImageUpdateAutomationFor} pushes. */
export interface ImageUpdateCommitAuthor {
  /**
   * Commit author name.
   * @default "fluxcdbot"
   */
  readonly name?: string;
  /**
   * Commit author email.
   * @default "fluxcdbot@users.noreply.github.com"
   */
  readonly email?: string;
}

/**
 * Props of {@link ImageUpdateAutomationFor}.
 *
 * @see https://fluxcd.io/flux/components/image/imageupdateautomations/
 */
export interface ImageUpdateAutomationForProps extends FluxResourceProps {
  /**
   * The GitRepository cloned, changed and pushed to. Its Secret must allow pushing: an Azure DevOps
   * PAT with Code (Read & Write), a GitHub token with contents write, or an ssh deploy key with
   * write access.
   *
   * @see https://fluxcd.io/flux/components/image/imageupdateautomations/#source-reference
   */
  readonly sourceRef: NamespacedNameRef;
  /**
   * Branch checked out before the markers are updated (`git.checkout.ref.branch`).
   *
   * @see https://fluxcd.io/flux/components/image/imageupdateautomations/#checkout
   */
  readonly branch: string;
  /**
   * Branch the commit is pushed to (`git.push.branch`). The same branch as `branch` commits
   * straight to it; another branch collects updates for a pull request.
   *
   * @default - `branch`
   * @see https://fluxcd.io/flux/components/image/imageupdateautomations/#push
   */
  readonly pushBranch?: string;
  /**
   * Directory (relative to the repository root, `./…`) whose YAML files carry the
   * `# {"$imagepolicy": "<namespace>:<name>"}` markers. Only files below it are changed.
   *
   * @see https://fluxcd.io/flux/components/image/imageupdateautomations/#update
   */
  readonly path: string;
  /**
   * `spec.policySelector`: only the ImagePolicies (of this object's namespace) with these labels
   * are applied.
   *
   * @default - every ImagePolicy of the namespace
   */
  readonly policySelector?: { readonly matchLabels: Readonly<Record<string, string>> };
  /**
   * Commit author.
   *
   * @default { name: "fluxcdbot", email: "fluxcdbot@users.noreply.github.com" }
   */
  readonly author?: ImageUpdateCommitAuthor;
  /**
   * Go template of the commit message (fields of Flux's `TemplateData`: `.AutomationObject`,
   * `.Changed.Changes` with `.OldValue`/`.NewValue`, …).
   *
   * @default DEFAULT_IMAGE_UPDATE_MESSAGE ("Update images of <name>" and one line per change)
   * @see https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template
   */
  readonly messageTemplate?: string;
  /**
   * How often the automation runs (it also runs when a policy it uses changes).
   *
   * @default "10m"
   */
  readonly interval?: string;
}

/**
 * An `ImageUpdateAutomation` (`image.toolkit.fluxcd.io/v1`) with the Setters strategy: it clones
 * `branch` of the GitRepository, sets every field marked `# {"$imagepolicy": "<namespace>:<name>"}`
 * in the YAML files below `path` to the image the ImagePolicy (of this object's namespace) selects,
 * and pushes a commit to `pushBranch`.
 *
 * @see https://fluxcd.io/flux/components/image/imageupdateautomations/
 * @see https://fluxcd.io/flux/guides/image-update/#configure-image-update-for-custom-resources
 */
export class ImageUpdateAutomationFor extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = image.ImageUpdateAutomation.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "ImageUpdateAutomation" as const;
  /** `metadata.name` of the ImageUpdateAutomation. */
  public readonly name: string;
  /** `metadata.namespace` of the ImageUpdateAutomation. */
  public readonly namespace: string;
  /** The underlying L1 object. */
  public readonly apiObject: image.ImageUpdateAutomation;

  public constructor(scope: Construct, props: ImageUpdateAutomationForProps) {
    const { id, name, namespace, owner } = resolveIdentity("ImageUpdateAutomationFor", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    const branch = checkBranch(owner, "branch", props.branch);
    const pushBranch = checkBranch(owner, "pushBranch", props.pushBranch ?? branch);
    if (typeof props.path !== "string" || !/^\.\/[^\s]*$/.test(props.path) || props.path.split("/").includes("..")) {
      throw new Error(`${owner}: path must be a directory of the repository starting with "./" (no ".."), e.g. "./fleet/images/dev"; got ${JSON.stringify(props.path)}`);
    }
    const sourceNamespace = props.sourceRef.namespace === undefined ? undefined : checkNamespace(owner, "sourceRef.namespace", props.sourceRef.namespace);
    const email = props.author?.email ?? "fluxcdbot@users.noreply.github.com";
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`${owner}: author.email must be an email address; got ${JSON.stringify(email)}`);
    this.apiObject = new image.ImageUpdateAutomation(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        interval: checkDuration(owner, "interval", props.interval ?? "10m"),
        sourceRef: {
          kind: image.ImageUpdateAutomationSpecSourceRefKind.GIT_REPOSITORY,
          name: checkName(owner, "sourceRef.name", props.sourceRef.name),
          ...(sourceNamespace === undefined || sourceNamespace === namespace ? {} : { namespace: sourceNamespace }),
        },
        git: {
          checkout: { ref: { branch } },
          commit: {
            author: { name: props.author?.name ?? "fluxcdbot", email },
            messageTemplate: props.messageTemplate ?? DEFAULT_IMAGE_UPDATE_MESSAGE,
          },
          push: { branch: pushBranch },
        },
        update: { strategy: image.ImageUpdateAutomationSpecUpdateStrategy.SETTERS, path: props.path },
        ...(props.policySelector === undefined ? {} : { policySelector: { matchLabels: { ...props.policySelector.matchLabels } } }),
      },
    });
  }
}

function checkBranch(owner: string, field: string, value: string): string {
  if (typeof value !== "string" || value === "" || /[\s~^:?*[\\]|\.\.|^\/|\/$|\.lock$|^-/.test(value)) {
    throw new Error(`${owner}: ${field} must be a Git branch name such as "main"; got ${JSON.stringify(value)}`);
  }
  return value;
}
