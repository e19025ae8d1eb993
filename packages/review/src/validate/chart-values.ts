import { describeUnknownField, jsonPathKey } from "@flotilla/render";

/** The chart a HelmRelease installs. */
export interface ChartRef {
  name: string;
  /** As written in the HelmRelease (`0.47.5`, `v1.16.8`), or a range; undefined when not given. */
  version?: string;
}

/**
 * A plug-in that checks a HelmRelease's `spec.values` for one chart (and versions it knows). The
 * platform packages register one per chart version they vendor; validate asks the registry.
 */
export interface ChartValuesChecker {
  /** Shown in messages, e.g. `argo-workflows 0.47.5 (packages/argo-workflows/charts/argo-workflows-0.47.5.tgz)`. */
  readonly description: string;
  matches(chart: ChartRef): boolean;
  /** Problems with paths relative to the values (`.controller.replicas`). */
  check(values: unknown): { path: string; message: string }[];
  /**
   * The chart's default at `path` (keys from the values root); when values.yaml has no such value,
   * the first `missing` key and the keys `known` beside it (for "did you mean").
   */
  defaultAt(path: readonly string[]): { found: true; value: unknown } | { found: false; missing: string; known: string[] };
}

/** The checkers validate consults: the first that matches a chart checks its values. */
export class ChartValuesRegistry {
  readonly #checkers: ChartValuesChecker[] = [];

  register(checker: ChartValuesChecker): this {
    this.#checkers.push(checker);
    return this;
  }

  find(chart: ChartRef): ChartValuesChecker | undefined {
    return this.#checkers.find((checker) => checker.matches(chart));
  }

  get size(): number {
    return this.#checkers.length;
  }
}

export interface VendoredValues {
  chart: string;
  /** The vendored version (Chart.yaml `version`); matched exactly, a leading `v` ignored. */
  version: string;
  /** The chart's defaults: its values.yaml with its subcharts' (chartFacts of @flotilla/helm). */
  defaults: unknown;
  /** Where the chart archive is, for messages. */
  source: string;
  /**
   * Value paths below which any key is allowed, beyond the free-form maps values.yaml itself
   * shows (`{}` or null defaults): dotted, `*` for one key, e.g. `configmap.*`, `flyteadmin.env`.
   */
  freeForm?: readonly string[];
}

const stripV = (version: string) => version.replace(/^v/, "");

/**
 * The generic checker for a vendored values.yaml: every key path of `spec.values` must exist in
 * values.yaml, except below free-form maps (an empty map `{}` or a null default in values.yaml,
 * a list, or a path listed in `freeForm`), and `global` at the top (Helm passes it to subcharts).
 * A map given where values.yaml has a scalar is reported too.
 */
export function vendoredValuesChecker(vendored: VendoredValues): ChartValuesChecker {
  const freeForm = (vendored.freeForm ?? []).map((pattern) => pattern.split("."));
  const isFreeForm = (path: string[]) =>
    freeForm.some((pattern) => pattern.length <= path.length && pattern.every((part, index) => part === "*" || part === path[index]));
  return {
    description: `${vendored.chart} ${vendored.version} (${vendored.source})`,
    matches: (chart) => chart.name === vendored.chart && chart.version !== undefined && stripV(chart.version) === stripV(vendored.version),
    check(values) {
      const problems: { path: string; message: string }[] = [];
      const walk = (value: unknown, defaults: unknown, path: string[]) => {
        if (!isMap(value) || isFreeForm(path)) return;
        if (!isMap(defaults)) {
          if (defaults !== null && defaults !== undefined && !Array.isArray(defaults) && path.length > 0) {
            problems.push({ path: toPath(path), message: `${vendored.chart} ${vendored.version} expects a ${typeof defaults} here (values.yaml default ${JSON.stringify(defaults)}), not a map` });
          }
          return;
        }
        if (Object.keys(defaults).length === 0) return; // `{}` in values.yaml: a free-form map
        for (const [key, item] of Object.entries(value)) {
          const at = [...path, key];
          if (Object.hasOwn(defaults, key)) walk(item, defaults[key], at);
          else if (!(path.length === 0 && key === "global") && !isFreeForm(at)) {
            problems.push({ path: toPath(at), message: `${describeUnknownField(key, Object.keys(defaults))}: not a value of ${vendored.chart} ${vendored.version} (${vendored.source})` });
          }
        }
      };
      walk(values, vendored.defaults, []);
      return problems;
    },
    defaultAt(path) {
      let value: unknown = vendored.defaults;
      for (const key of path) {
        if (!isMap(value) || !Object.hasOwn(value, key)) return { found: false, missing: key, known: isMap(value) ? Object.keys(value) : [] };
        value = value[key];
      }
      return { found: true, value };
    },
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function toPath(path: string[]): string {
  return path.map(jsonPathKey).join("");
}
