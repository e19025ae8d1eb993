/**
 * Turns node pool options into the resolved pool: preset defaults filled, requirements in the
 * order they are rendered. Pure; assumes `nodePoolProblems(options)` found nothing.
 */
import type { LocatedRequirement, ProblemPath } from "./requirement-checks.js";
import type { NodePoolOptions, ResolvedNodePool, ResolvedRequirement, ResolvedTaint } from "./options.js";
import { PRESETS } from "./presets.js";
import { ARCHITECTURE, CAPACITY_TYPE, OPERATING_SYSTEM, SKU_FAMILY, SKU_SERIES } from "./requirement-keys.js";

/**
 * Every requirement of a pool with where it comes from in the options (`preset` for the preset's
 * own), preset requirements first: capacity type, architecture, OS, families, series, the preset's
 * extra ones, then `requirements`.
 */
export function locatedRequirements(options: NodePoolOptions): LocatedRequirement[] {
  const preset = PRESETS[options.preset];
  const fromPreset = (requirement: ResolvedRequirement, path: ProblemPath = ["preset"]): LocatedRequirement => ({
    requirement,
    path,
    valuePath: () => path,
  });
  const architecture = options.architecture ?? preset.architecture;
  const located: LocatedRequirement[] = [
    fromPreset({ key: CAPACITY_TYPE, operator: "In", values: [preset.capacityType] }),
    fromPreset({ key: ARCHITECTURE, operator: "In", values: [architecture] }, options.architecture === undefined ? ["preset"] : ["architecture"]),
    fromPreset({ key: OPERATING_SYSTEM, operator: "In", values: ["linux"] }),
  ];
  const families = options.skuFamilies ?? [...preset.skuFamilies];
  located.push({
    requirement: { key: SKU_FAMILY, operator: "In", values: families },
    path: options.skuFamilies === undefined ? ["preset"] : ["skuFamilies"],
    valuePath: (index) => (options.skuFamilies === undefined ? ["preset"] : ["skuFamilies", index]),
  });
  if (options.skuSeries !== undefined) {
    located.push({ requirement: { key: SKU_SERIES, operator: "In", values: options.skuSeries }, path: ["skuSeries"], valuePath: (index) => ["skuSeries", index] });
  }
  located.push(...preset.requirements.map((requirement) => fromPreset(requirement)));
  (options.requirements ?? []).forEach((requirement, index) => {
    located.push({ requirement, path: ["requirements", index], valuePath: (value) => ["requirements", index, "values", value] });
  });
  return located;
}

function sameTaint(a: ResolvedTaint, b: ResolvedTaint): boolean {
  return a.key === b.key && a.effect === b.effect && (a.value ?? "") === (b.value ?? "");
}

/** The pool with every default filled: what `PresetNodePool` renders and `podSchedulingFor` reads. */
export function resolveNodePool(options: NodePoolOptions): ResolvedNodePool {
  const preset = PRESETS[options.preset];
  const requirements = locatedRequirements(options).map(({ requirement }): ResolvedRequirement => {
    const resolved: ResolvedRequirement = { key: requirement.key, operator: requirement.operator as ResolvedRequirement["operator"], values: [...(requirement.values ?? [])] };
    if (requirement.minValues !== undefined) resolved.minValues = requirement.minValues;
    return resolved;
  });
  const taints: ResolvedTaint[] = preset.taints.map((taint) => ({ ...taint }));
  for (const taint of options.taints ?? []) {
    const resolved: ResolvedTaint = { key: taint.key, effect: taint.effect, ...(taint.value === undefined ? {} : { value: taint.value }) };
    if (!taints.some((existing) => sameTaint(existing, resolved))) taints.push(resolved);
  }
  const limits: Record<string, string> = { ...preset.limits };
  for (const [resource, quantity] of Object.entries(options.limits ?? {})) limits[resource] = String(quantity);
  const disruption = options.disruption ?? {};
  const { nodeClass = {} } = options;
  return {
    name: options.name,
    preset: options.preset,
    architecture: options.architecture ?? preset.architecture,
    capacityType: preset.capacityType,
    requirements,
    taints,
    labels: { ...(options.labels ?? {}) },
    limits,
    disruption: {
      consolidationPolicy: disruption.consolidationPolicy ?? preset.consolidationPolicy,
      consolidateAfter: disruption.consolidateAfter ?? preset.consolidateAfter,
      budgets: (disruption.budgets ?? preset.budgets).map((budget) => ({ ...budget })),
    },
    expireAfter: options.expireAfter ?? preset.expireAfter,
    weight: options.weight,
    nodeClass: {
      ...nodeClass,
      imageFamily: nodeClass.imageFamily ?? preset.imageFamily,
      osDiskSizeGB: nodeClass.osDiskSizeGB ?? preset.osDiskSizeGB,
      tags: { ...(nodeClass.tags ?? {}) },
    },
  };
}

/** Whether `pool` is a resolved pool (`ClusterSpec.nodePools[i]`) rather than pool options. */
export function isResolvedNodePool(pool: NodePoolOptions | ResolvedNodePool): pool is ResolvedNodePool {
  const candidate = pool as Partial<ResolvedNodePool>;
  return typeof candidate.capacityType === "string" && Array.isArray(candidate.requirements) && Array.isArray(candidate.taints) && typeof candidate.disruption?.consolidateAfter === "string";
}
