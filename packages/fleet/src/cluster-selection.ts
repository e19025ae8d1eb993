/**
 * `--cluster a --cluster b` and `--cluster a,b` alike: the option's values so far plus this one's
 * comma-separated names (an option-argument parser, e.g. for commander).
 */
export function collectClusterNames(value: string, previous: readonly string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  ];
}

export type ClusterSelection = { ok: true; names: string[] } | { ok: false; message: string };

/**
 * The clusters a command works on: the `selected` names (each once, sorted), or every `known`
 * cluster when none is selected. A name not known is refused in one line that lists the known
 * clusters (a usage error); `where` says whose they are.
 */
export function selectClusters(known: readonly string[], selected: readonly string[], where = "the fleet"): ClusterSelection {
  const unknown = [...new Set(selected.filter((name) => !known.includes(name)))];
  if (unknown.length > 0) {
    return { ok: false, message: `unknown cluster(s) ${unknown.join(", ")}; ${where} has: ${[...known].sort().join(", ") || "(no clusters)"}` };
  }
  return { ok: true, names: [...new Set(selected.length > 0 ? selected : known)].sort() };
}
