/**
 * Semantic checks of node selector requirements beyond the CRD schema: only the Azure provider's
 * keys, values in the formats its labels have, operators that fit the key, and ARM64 series only
 * with the arm64 architecture. Each problem names where it is and the correct form.
 */
import type { RequirementOperator } from "./options.js";
import { ARCHITECTURE, checkRequirementKey, REQUIREMENT_KEYS, SKU_SERIES } from "./requirement-keys.js";
import { isArm64Series } from "./sku.js";

/** A path inside the checked value, like `["requirements", 0, "values", 1]`. */
export type ProblemPath = (string | number)[];

/** One problem, at a path relative to the checked object. */
export interface ModelProblem {
  path: ProblemPath;
  message: string;
}

/** A requirement as checked: its parts may be missing in values from JavaScript. */
export interface CheckedRequirement {
  key: string;
  operator: RequirementOperator | string;
  values?: readonly string[] | undefined;
  minValues?: number | undefined;
}

const VALUE_OPERATORS = new Set(["In", "NotIn"]);
const NUMBER_OPERATORS = new Set(["Gt", "Lt", "Gte", "Lte"]);
const EXISTENCE_OPERATORS = new Set(["Exists", "DoesNotExist"]);

/** Problems of one requirement, at paths relative to `at`. */
export function requirementProblems(requirement: CheckedRequirement, at: ProblemPath = []): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  const keyProblem = checkRequirementKey(key);
  if (keyProblem !== undefined) return [{ path: [...at, "key"], message: keyProblem }];
  const known = REQUIREMENT_KEYS[key]!;

  if (VALUE_OPERATORS.has(operator)) {
    if (values.length === 0 && operator === "In") {
      problems.push({ path: [...at, "values"], message: `operator In needs at least one value; to require that ${key} is set at all, use operator Exists` });
    }
    values.forEach((value, index) => {
      const message = known.checkValue?.(value);
      if (message !== undefined) problems.push({ path: [...at, "values", index], message });
    });
  } else if (NUMBER_OPERATORS.has(operator)) {
    if (!known.numeric) {
      problems.push({ path: [...at, "operator"], message: `${operator} compares numbers, but ${key} (${known.description}) is not numeric; use In or NotIn` });
    } else if (values.length !== 1 || !/^(0|[1-9][0-9]*)$/.test(values[0] ?? "")) {
      const message = values.length === 1 ? known.checkValue?.(values[0] ?? "") : undefined;
      problems.push({
        path: values.length === 1 ? [...at, "values", 0] : [...at, "values"],
        message: message ?? `${operator} takes exactly one whole number, like values: ["8"]; got ${JSON.stringify(values)}`,
      });
    }
  } else if (EXISTENCE_OPERATORS.has(operator)) {
    if (values.length > 0) problems.push({ path: [...at, "values"], message: `${operator} takes no values; remove values, or use In/NotIn` });
  } else {
    problems.push({ path: [...at, "operator"], message: `operator is one of In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte; got ${JSON.stringify(operator)}` });
  }

  if (requirement.minValues !== undefined) {
    const { minValues } = requirement;
    if (!Number.isInteger(minValues) || minValues < 1 || minValues > 50) {
      problems.push({ path: [...at, "minValues"], message: `minValues must be a whole number from 1 to 50; got ${String(minValues)}` });
    } else if (operator !== "In") {
      problems.push({ path: [...at, "minValues"], message: "minValues only applies to operator In" });
    } else if (values.length < minValues) {
      problems.push({ path: [...at, "minValues"], message: `minValues ${minValues} needs at least ${minValues} values; ${values.length} given` });
    }
  }
  return problems;
}

/** A requirement with where its values came from, for {@link requirementSetProblems}. */
export interface LocatedRequirement {
  requirement: CheckedRequirement;
  /** Path of value `index` (for spec fields such as `skuSeries[index]`). */
  valuePath: (index: number) => ProblemPath;
  /** Path of the requirement as a whole (for the architecture). */
  path: ProblemPath;
}

/**
 * Problems of a pool's requirements together: ARM64 series (`Dps_v5`, `Epds_v5`: a `p` in the
 * features) only with the arm64 architecture, and with the arm64 architecture only ARM64 series
 * (any other series has no ARM64 size, so nothing could be created).
 */
export function requirementSetProblems(requirements: readonly LocatedRequirement[]): ModelProblem[] {
  const architecture = requirements.find((entry) => entry.requirement.key === ARCHITECTURE && entry.requirement.operator === "In");
  const architectures = architecture?.requirement.values ?? [];
  const armOnly = architectures.length > 0 && architectures.every((value) => value === "arm64");
  const allowsArm = architectures.length === 0 || architectures.includes("arm64");
  const problems: ModelProblem[] = [];
  for (const entry of requirements) {
    if (entry.requirement.key !== SKU_SERIES || entry.requirement.operator !== "In") continue;
    (entry.requirement.values ?? []).forEach((series, index) => {
      const arm = isArm64Series(series);
      if (arm && !allowsArm) {
        problems.push({
          path: entry.valuePath(index),
          message: `${JSON.stringify(series)} is an ARM64 series (the "p" in its name: Ampere Altra/Cobalt), but the pool's architecture is ${architectures.join(", ")}: no VM would match. Use preset "arm64" (or architecture: "arm64" for spot), or an x64 series such as ${JSON.stringify(series.replace("p", ""))}`,
        });
      } else if (!arm && armOnly && /^[A-Z]+[a-z]*(_v[0-9]+)?$/.test(series)) {
        problems.push({
          path: entry.valuePath(index),
          message: `${JSON.stringify(series)} has no ARM64 sizes, but the pool is arm64-only: no VM would match. ARM64 series have a "p" after the family, e.g. "Dps_v5", "Dpds_v5", "Eps_v5", "Dps_v6"`,
        });
      }
    });
  }
  return problems;
}
