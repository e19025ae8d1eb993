/**
 * Azure VM size vocabulary as the Azure Karpenter provider labels it (its instancetype.go, which
 * parses size names with skewer): `Standard_D4pds_v5` has family `D`, series `Dpds_v5`, version
 * `5`. Pure string functions: every check returns a problem message or `undefined`.
 */

/** One letter: the first letter of the size name (`D` for `Standard_D4s_v5`). */
const FAMILY = /^[A-Z]$/;
/**
 * Family and sub-family (upper case, `D`, `NC`, `DC`), additive features (lower case: `a` AMD,
 * `p` ARM, `d` local disk, `s` premium storage, `l` low memory, ...) and `_v<version>` when the
 * size has a version: `Ds_v5`, `Dpds_v5`, `NCads_v4`, `Dv2` has none as a series (`D_v2`).
 */
const SERIES = /^([A-Z]+)([a-z]*)(_v[1-9][0-9]*)?$/;

/** Quoted for messages. */
function show(value: string): string {
  return JSON.stringify(value);
}

/** The series a mistyped series most likely means: `Dpsv5` → `Dps_v5`, `dps_V5` → `Dps_v5`. */
export function suggestSeries(value: string): string | undefined {
  const match = /^([A-Z]+|[a-z])([a-z]*)_?[vV]([1-9][0-9]*)$/.exec(value.trim());
  if (!match) return undefined;
  const [, lead = "", features = "", version = ""] = match;
  const suggestion = `${lead.toUpperCase()}${features}_v${version}`;
  return suggestion !== value ? suggestion : undefined;
}

/** Checks a `karpenter.azure.com/sku-family` value: exactly one upper-case letter. */
export function checkSkuFamily(value: string): string | undefined {
  if (FAMILY.test(value)) return undefined;
  if (/^[a-z]$/.test(value)) return `sku-family is one upper-case letter: write ${show(value.toUpperCase())}, not ${show(value)}`;
  const series = suggestSeries(value) ?? (SERIES.test(value) && value.length > 1 ? value : undefined);
  const first = /^[A-Za-z]/.exec(value)?.[0]?.toUpperCase();
  const family = first === undefined ? "" : `; the family of ${show(value)} is ${show(first)}`;
  const asSeries = series === undefined ? "" : `, or select the series with karpenter.azure.com/sku-series ${show(series)} (skuSeries)`;
  return `sku-family is only the first letter of the VM size (Standard_D4s_v5 → "D"), not ${show(value)}: no VM matches it and pods stay pending${family}${asSeries}`;
}

/** Checks a `karpenter.azure.com/sku-series` value: like `Dps_v5`, `Ds_v5`, `NCads_v4`. */
export function checkSkuSeries(value: string): string | undefined {
  if (SERIES.test(value)) return undefined;
  const suggestion = suggestSeries(value);
  const fix = suggestion === undefined ? "" : `: write ${show(suggestion)}`;
  return `sku-series is the family, sub-family and features followed by "_v" and the version, like "Dps_v5", "Ds_v5" or "NCads_v4" (Standard_D4ps_v5 → "Dps_v5"); ${show(value)} matches no VM and pods would stay pending${fix}`;
}

/** Whether a (valid) series is an ARM64 one: its features contain `p` (Ampere Altra, Cobalt). */
export function isArm64Series(series: string): boolean {
  const match = SERIES.exec(series);
  return match !== null && (match[2] ?? "").includes("p");
}

/** The family letter of a (valid) series: `Dps_v5` → `D`. */
export function seriesFamily(series: string): string {
  return series.charAt(0);
}

/** Checks a `karpenter.azure.com/sku-version` value: the number without `v`. */
export function checkSkuVersion(value: string): string | undefined {
  if (/^[1-9][0-9]*$/.test(value)) return undefined;
  const number = /^[vV]?([1-9][0-9]*)$/.exec(value)?.[1];
  const fix = number === undefined ? "" : `: write ${show(number)}`;
  return `sku-version is the version number without "v", like "5" for Standard_D4s_v5, not ${show(value)}${fix}`;
}

/** Checks a VM size name (`karpenter.azure.com/sku-name`, `node.kubernetes.io/instance-type`). */
export function checkSkuName(value: string): string | undefined {
  if (/^Standard_[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(value)) return undefined;
  const fix = /^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(value) ? `: write ${show(`Standard_${value}`)}` : "";
  return `expected a full VM size name like "Standard_D4s_v5", got ${show(value)}${fix}`;
}

/** Checks a whole number written as a string, e.g. sku-cpu `"8"`. `unit` names the unit for messages. */
export function checkWholeNumber(label: string, value: string, unit: string, example: string): string | undefined {
  if (/^(0|[1-9][0-9]*)$/.test(value)) return undefined;
  let fix = "";
  const quantity = /^([0-9]+)\s*(Gi|G|GiB|GB)$/i.exec(value);
  if (quantity && unit === "MiB") fix = `: ${show(value)} is ${show(String(Number(quantity[1]) * 1024))}`;
  const count = /^([0-9]+)\s*[A-Za-z -]*$/.exec(value);
  if (!fix && count && unit !== "MiB") fix = `: write ${show(count[1] ?? "")}`;
  return `${label} is a whole number of ${unit} written as a string, like ${show(example)}, not ${show(value)}${fix}`;
}
