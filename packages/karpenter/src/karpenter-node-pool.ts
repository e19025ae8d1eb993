import { Construct } from "constructs";
import * as karpenter from "./imports/karpenter.js";
import { AksNodeClass, type NodeClassRef } from "./aks-node-class.js";
import { checkBudgetDuration, checkBudgetNodes, checkIntegerRange, checkKarpenterDuration, checkPoolName, checkQuantity } from "./model/formats.js";
import type { BudgetOptions, ConsolidationPolicy, RequirementOptions, TaintOptions } from "./model/options.js";
import { type ModelProblem, requirementProblems, requirementSetProblems } from "./model/requirement-checks.js";
import { throwProblems } from "./model/node-pool-checks.js";

/**
 * Props of {@link KarpenterNodePool}.
 *
 * @see https://karpenter.sh/docs/concepts/nodepools/
 */
export interface KarpenterNodePoolProps {
  /** `metadata.name` (a DNS label; also the value of the nodes' `karpenter.sh/nodepool` label). */
  readonly name: string;
  /**
   * The AKSNodeClass the nodes are built from: an {@link AksNodeClass} or its name.
   */
  readonly nodeClass: AksNodeClass | string;
  /**
   * Node selector requirements (which VM sizes, zones, capacity types). Keys are limited to the
   * Azure provider's labels and values are checked against their formats (see `REQUIREMENT_KEYS`).
   */
  readonly requirements: RequirementOptions[];
  /**
   * Taints of every node.
   * @default []
   */
  readonly taints?: TaintOptions[];
  /**
   * Taints present only while a node starts (removed by a DaemonSet, e.g. a CNI agent).
   * @default []
   */
  readonly startupTaints?: TaintOptions[];
  /**
   * Labels of every node.
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /**
   * Limits of the whole pool (`cpu`, `memory`, `nvidia.com/gpu`, `nodes`).
   * @default - no limits
   */
  readonly limits?: Record<string, string | number>;
  /**
   * Which nodes consolidation may remove.
   * @default "WhenEmptyOrUnderutilized"
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * How long a node must be consolidatable before Karpenter acts (s, m, h, or `"Never"`).
   * Always written: the CRD requires it whenever a disruption block is.
   * @default "1m"
   */
  readonly consolidateAfter?: string;
  /**
   * Disruption budgets.
   * @default [{ nodes: "10%" }]
   */
  readonly budgets?: BudgetOptions[];
  /**
   * Node lifetime (s, m, h, or `"Never"`).
   * @default "720h"
   */
  readonly expireAfter?: string;
  /**
   * Longest time a draining node waits for its pods before they are deleted.
   * @default - not set (waits indefinitely)
   */
  readonly terminationGracePeriod?: string;
  /**
   * Priority among pools, 1–100.
   * @default - not set
   */
  readonly weight?: number;
  /**
   * Construct id in the scope.
   * @default `nodepool.<name>`
   */
  readonly id?: string;
}

const OPERATORS = karpenter.NodePoolSpecTemplateSpecRequirementsOperator;

/**
 * A Karpenter `NodePool` (`karpenter.sh/v1`) on the Azure provider: requirements, taints, labels,
 * limits, disruption and expiry, referring to an AKSNodeClass (`group: karpenter.azure.com`,
 * `kind: AKSNodeClass`). Construction fails with every problem of the requirements the API server
 * would accept but no Azure VM could satisfy (unknown keys, `sku-family: "Dpsv5"`, `sku-memory:
 * "16Gi"`, ARM64 series with an amd64 architecture...). For the presets, see `PresetNodePool`.
 *
 * @see https://karpenter.sh/docs/concepts/nodepools/
 */
export class KarpenterNodePool extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = karpenter.NodePool.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "NodePool" as const;
  /** `metadata.name`. */
  public readonly name: string;
  /** The AKSNodeClass reference. */
  public readonly nodeClassRef: NodeClassRef;
  /** The underlying L1 object. */
  public readonly apiObject: karpenter.NodePool;

  public constructor(scope: Construct, props: KarpenterNodePoolProps) {
    const owner = `KarpenterNodePool ${JSON.stringify(props.name)}`;
    throwProblems(owner, nodePoolPropsProblems(props));
    super(scope, props.id ?? `nodepool.${props.name}`);
    this.name = props.name;
    const nodeClassName = typeof props.nodeClass === "string" ? props.nodeClass : props.nodeClass.name;
    this.nodeClassRef = { group: AksNodeClass.GROUP, kind: "AKSNodeClass", name: nodeClassName };
    const labels = props.labels ?? {};
    this.apiObject = new karpenter.NodePool(this, "Resource", {
      metadata: { name: props.name },
      spec: {
        template: {
          metadata: Object.keys(labels).length === 0 ? undefined : { labels: { ...labels } },
          spec: {
            nodeClassRef: { ...this.nodeClassRef },
            requirements: props.requirements.map((requirement) => ({
              key: requirement.key,
              operator: requirement.operator as karpenter.NodePoolSpecTemplateSpecRequirementsOperator,
              values: requirement.operator === OPERATORS.EXISTS || requirement.operator === OPERATORS.DOES_NOT_EXIST ? undefined : [...(requirement.values ?? [])],
              minValues: requirement.minValues,
            })),
            taints: taintsOf(props.taints) as karpenter.NodePoolSpecTemplateSpecTaints[] | undefined,
            startupTaints: taintsOf(props.startupTaints) as karpenter.NodePoolSpecTemplateSpecStartupTaints[] | undefined,
            expireAfter: props.expireAfter ?? "720h",
            terminationGracePeriod: props.terminationGracePeriod,
          },
        },
        limits: limitsOf(props.limits),
        disruption: {
          consolidationPolicy: (props.consolidationPolicy ?? "WhenEmptyOrUnderutilized") as karpenter.NodePoolSpecDisruptionConsolidationPolicy,
          consolidateAfter: props.consolidateAfter ?? "1m",
          budgets: (props.budgets ?? [{ nodes: "10%" }]).map((budget) => ({
            nodes: budget.nodes,
            schedule: budget.schedule,
            duration: budget.duration,
            reasons: budget.reasons === undefined ? undefined : (budget.reasons.map((reason) => reason) as karpenter.NodePoolSpecDisruptionBudgetsReasons[]),
          })),
        },
        weight: props.weight,
      },
    });
  }
}

function taintsOf(taints: TaintOptions[] | undefined): { key: string; value?: string; effect: string }[] | undefined {
  if (taints === undefined || taints.length === 0) return undefined;
  return taints.map((taint) => ({ key: taint.key, value: taint.value, effect: taint.effect }));
}

function limitsOf(limits: Record<string, string | number> | undefined): Record<string, karpenter.NodePoolSpecLimits> | undefined {
  if (limits === undefined || Object.keys(limits).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(limits).map(([resource, quantity]) => [
      resource,
      typeof quantity === "number" ? karpenter.NodePoolSpecLimits.fromNumber(quantity) : karpenter.NodePoolSpecLimits.fromString(quantity),
    ]),
  );
}

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const POLICIES = ["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"];

/** Every problem of the props, with paths relative to them. */
function nodePoolPropsProblems(props: KarpenterNodePoolProps): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const add = (path: (string | number)[], message: string | undefined) => {
    if (message !== undefined) problems.push({ path, message });
  };
  add(["name"], checkPoolName(props.name));
  const nodeClass = typeof props.nodeClass === "string" ? props.nodeClass : props.nodeClass?.name;
  add(["nodeClass"], typeof nodeClass === "string" ? checkPoolName(nodeClass) : "nodeClass is required: an AksNodeClass or its name");
  if (!Array.isArray(props.requirements)) {
    add(["requirements"], "requirements is required: a list of node selector requirements");
  } else {
    props.requirements.forEach((requirement, index) => problems.push(...requirementProblems(requirement, ["requirements", index])));
    problems.push(
      ...requirementSetProblems(props.requirements.map((requirement, index) => ({ requirement, path: ["requirements", index], valuePath: (value) => ["requirements", index, "values", value] }))),
    );
  }
  for (const [field, taints] of [["taints", props.taints], ["startupTaints", props.startupTaints]] as const) {
    taints?.forEach((taint, index) => {
      if (!EFFECTS.includes(taint.effect)) add([field, index, "effect"], `effect is one of ${EFFECTS.join(", ")}; got ${JSON.stringify(taint.effect)}`);
    });
  }
  for (const [resource, quantity] of Object.entries(props.limits ?? {})) add(["limits", resource], checkQuantity(quantity));
  if (props.consolidationPolicy !== undefined && !POLICIES.includes(props.consolidationPolicy)) {
    add(["consolidationPolicy"], `consolidationPolicy is one of ${POLICIES.join(", ")}; got ${JSON.stringify(props.consolidationPolicy)}`);
  }
  if (props.consolidateAfter !== undefined) add(["consolidateAfter"], checkKarpenterDuration(props.consolidateAfter, "consolidateAfter"));
  props.budgets?.forEach((budget, index) => {
    add(["budgets", index, "nodes"], checkBudgetNodes(budget.nodes));
    if ((budget.schedule === undefined) !== (budget.duration === undefined)) add(["budgets", index], "set schedule and duration together, or neither");
    if (budget.duration !== undefined) add(["budgets", index, "duration"], checkBudgetDuration(budget.duration));
  });
  if (props.expireAfter !== undefined) add(["expireAfter"], checkKarpenterDuration(props.expireAfter, "expireAfter"));
  if (props.terminationGracePeriod !== undefined && !/^([0-9]+(s|m|h))+$/.test(props.terminationGracePeriod)) {
    add(["terminationGracePeriod"], `terminationGracePeriod is a duration in s, m or h like "24h"; got ${JSON.stringify(props.terminationGracePeriod)}`);
  }
  if (props.weight !== undefined) add(["weight"], checkIntegerRange(props.weight, 1, 100, "weight"));
  return problems;
}
