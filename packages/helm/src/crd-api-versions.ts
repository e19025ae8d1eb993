import type { ChartArchive } from "./chart-archive.js";

const cache = new WeakMap<ChartArchive, string[]>();

/**
 * The API versions the CRDs of a chart add to a cluster, as `--api-versions` entries
 * (`group/version` and `group/version/Kind`): the CRDs in its `crds/` directories (its own and its
 * subcharts') and in its templates, read from the files' text (`spec.group`, `spec.names.kind`,
 * the served `spec.versions[].name`) without rendering, so every release of a cluster can be
 * rendered at once. Parsing these files as YAML takes seconds (argo-workflows' CRDs are megabytes);
 * the fields are read line by line instead, and a templated group or kind is skipped.
 */
export function crdApiVersions(archive: ChartArchive): string[] {
  let found = cache.get(archive);
  if (!found) {
    const versions = new Set<string>();
    for (const [path, bytes] of archive.files) {
      if (!/\.(ya?ml)$/.test(path) || !/(^|\/)(crds|templates)\//.test(path)) continue;
      const text = bytes.toString("utf8");
      if (!text.includes("CustomResourceDefinition")) continue;
      for (const document of text.split(/^---[ \t]*$/m)) {
        if (!/^kind:\s*["']?CustomResourceDefinition["']?\s*$/m.test(document)) continue;
        const group = /^ {2}group:\s*["']?([a-z0-9.-]+)["']?\s*$/m.exec(document)?.[1];
        const kind = /^ {2}names:\s*\n(?: {4}.*\n)*? {4}kind:\s*["']?([A-Za-z0-9]+)["']?\s*$/m.exec(document)?.[1];
        const list = /^ {2}versions:\s*\n((?:(?: {2,}.*)?\n?)*)/m.exec(document)?.[1] ?? "";
        if (!group || !kind) continue;
        const indent = /^( *)- /m.exec(list)?.[1] ?? "  ";
        for (const item of list.split(new RegExp(`^${indent}- `, "m")).slice(1)) {
          const name = /^(?:name:\s*["']?(v\d+(?:(?:alpha|beta)\d+)?)["']?\s*$)|(?:^\s+name:\s*["']?(v\d+(?:(?:alpha|beta)\d+)?)["']?\s*$)/m.exec(item);
          const version = name?.[1] ?? name?.[2];
          if (!version || new RegExp(`^${indent} {2}served:\\s*false\\s*$`, "m").test(item)) continue;
          versions.add(`${group}/${version}`);
          versions.add(`${group}/${version}/${kind}`);
        }
      }
    }
    found = [...versions].sort();
    cache.set(archive, found);
  }
  return found;
}

/** The same entries for CRD objects (vendored CRD files, or CRDs a cluster renders). */
export function apiVersionsOfCrds(crds: readonly unknown[]): string[] {
  const versions = new Set<string>();
  for (const object of crds as { kind?: unknown; spec?: { group?: unknown; names?: { kind?: unknown }; versions?: { name?: unknown; served?: unknown }[] } }[]) {
    if (object?.kind !== "CustomResourceDefinition" || typeof object.spec?.group !== "string" || typeof object.spec.names?.kind !== "string") continue;
    for (const version of object.spec.versions ?? []) {
      if (typeof version?.name !== "string" || version.served === false) continue;
      versions.add(`${object.spec.group}/${version.name}`);
      versions.add(`${object.spec.group}/${version.name}/${object.spec.names.kind}`);
    }
  }
  return [...versions].sort();
}
