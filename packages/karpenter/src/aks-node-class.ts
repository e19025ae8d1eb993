import { Construct } from "constructs";
import * as azure from "./imports/azure.js";
import type { ImageFamily, KubeletOptions, NodeClassOptions } from "./model/options.js";
import { checkPoolName } from "./model/formats.js";
import { nodeClassProblems, throwProblems } from "./model/node-pool-checks.js";

/** The `nodeClassRef` of a NodePool that uses an AKSNodeClass. */
export interface NodeClassRef {
  /** Always `karpenter.azure.com`. */
  readonly group: string;
  /** Always `AKSNodeClass`. */
  readonly kind: string;
  /** `metadata.name` of the AKSNodeClass. */
  readonly name: string;
}

/**
 * Props of {@link AksNodeClass}: the node class settings and its name.
 *
 * @see https://learn.microsoft.com/azure/aks/node-autoprovision-aksnodeclass
 */
export interface AksNodeClassProps extends NodeClassOptions {
  /** `metadata.name` (a DNS label); NodePools refer to it in `nodeClassRef`. */
  readonly name: string;
  /**
   * Construct id in the scope.
   * @default `aksnodeclass.<name>`
   */
  readonly id?: string;
}

const IMAGE_FAMILIES: Record<ImageFamily, azure.AksNodeClassV1Beta1SpecImageFamily> = {
  Ubuntu: azure.AksNodeClassV1Beta1SpecImageFamily.UBUNTU,
  Ubuntu2204: azure.AksNodeClassV1Beta1SpecImageFamily.UBUNTU2204,
  Ubuntu2404: azure.AksNodeClassV1Beta1SpecImageFamily.UBUNTU2404,
  AzureLinux: azure.AksNodeClassV1Beta1SpecImageFamily.AZURE_LINUX,
};

/**
 * An `AKSNodeClass` (`karpenter.azure.com/v1beta1`, the storage version of the released provider):
 * how Karpenter builds the VMs of the NodePools that refer to it (image family, OS disk size,
 * subnet, max pods, tags, kubelet settings, GPU driver). The image family and OS disk size are
 * always written, so the rendered object says what nodes get.
 *
 * There is no `karpenter.azure.com/v1alpha1`, and no `osDiskType` or `dataDisks` field in any
 * released AKSNodeClass: the props only offer fields the vendored CRD has.
 *
 * @see https://github.com/Azure/karpenter-provider-azure/blob/v1.14.2/pkg/apis/v1beta1/aksnodeclass.go
 */
export class AksNodeClass extends Construct {
  /** API group of NodePool `nodeClassRef`s. */
  public static readonly GROUP = "karpenter.azure.com";
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = azure.AksNodeClassV1Beta1.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "AKSNodeClass" as const;
  /** `metadata.name`. */
  public readonly name: string;
  /** The underlying L1 object. */
  public readonly apiObject: azure.AksNodeClassV1Beta1;

  public constructor(scope: Construct, props: AksNodeClassProps) {
    const owner = `AksNodeClass ${JSON.stringify(props.name)}`;
    const nameProblem = checkPoolName(props.name);
    throwProblems(owner, [
      ...(nameProblem === undefined ? [] : [{ path: ["name"], message: nameProblem }]),
      // Paths relative to the props (the checks write them relative to a pool: nodeClass.…).
      ...nodeClassProblems(props, true).map((problem) => ({ ...problem, path: problem.path.slice(1) })),
    ]);
    const imageFamily = props.imageFamily ?? "Ubuntu";
    if (IMAGE_FAMILIES[imageFamily] === undefined) {
      throw new Error(`${owner}: imageFamily is one of ${Object.keys(IMAGE_FAMILIES).join(", ")}; got ${JSON.stringify(imageFamily)}`);
    }
    super(scope, props.id ?? `aksnodeclass.${props.name}`);
    this.name = props.name;
    this.apiObject = new azure.AksNodeClassV1Beta1(this, "Resource", {
      metadata: { name: props.name },
      spec: {
        imageFamily: IMAGE_FAMILIES[imageFamily],
        osDiskSizeGb: props.osDiskSizeGB ?? 128,
        vnetSubnetId: props.vnetSubnetID,
        maxPods: props.maxPods,
        tags: props.tags === undefined || Object.keys(props.tags).length === 0 ? undefined : { ...props.tags },
        kubelet: kubeletSpec(props.kubelet),
        gpu: props.gpuMode === undefined ? undefined : { mode: props.gpuMode === "None" ? azure.AksNodeClassV1Beta1SpecGpuMode.NONE : azure.AksNodeClassV1Beta1SpecGpuMode.DRIVER },
        security: props.encryptionAtHost === undefined ? undefined : { encryptionAtHost: props.encryptionAtHost },
      },
    });
  }

  /** The `nodeClassRef` of NodePools using this class. */
  public get ref(): NodeClassRef {
    return { group: AksNodeClass.GROUP, kind: this.kind, name: this.name };
  }
}

function kubeletSpec(kubelet: KubeletOptions | undefined): azure.AksNodeClassV1Beta1SpecKubelet | undefined {
  if (kubelet === undefined) return undefined;
  const spec: azure.AksNodeClassV1Beta1SpecKubelet = {
    cpuManagerPolicy: kubelet.cpuManagerPolicy as azure.AksNodeClassV1Beta1SpecKubeletCpuManagerPolicy | undefined,
    topologyManagerPolicy: kubelet.topologyManagerPolicy as azure.AksNodeClassV1Beta1SpecKubeletTopologyManagerPolicy | undefined,
    cpuCfsQuota: kubelet.cpuCFSQuota,
    imageGcHighThresholdPercent: kubelet.imageGCHighThresholdPercent,
    imageGcLowThresholdPercent: kubelet.imageGCLowThresholdPercent,
    containerLogMaxSize: kubelet.containerLogMaxSize,
    containerLogMaxFiles: kubelet.containerLogMaxFiles,
    podPidsLimit: kubelet.podPidsLimit,
    allowedUnsafeSysctls: kubelet.allowedUnsafeSysctls === undefined ? undefined : [...kubelet.allowedUnsafeSysctls],
  };
  return Object.values(spec).some((value) => value !== undefined) ? spec : undefined;
}
