import { createHash } from "node:crypto";
import { Parser } from "tar";
import { parse } from "yaml";

/** A packaged chart (`helm package` output) held in memory: the one source of everything chart-derived. */
export interface ChartArchive {
  /** Chart.yaml `name`. */
  readonly name: string;
  /** Chart.yaml `version`, as written (`v1.16.8`, `0.47.5`). */
  readonly version: string;
  /** sha256 of the archive bytes, hex. */
  readonly digest: string;
  readonly bytes: Buffer;
  /** Archive paths (`<name>/values.yaml`, `<name>/charts/<sub>/values.yaml`) → contents; unpacked on first use. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Where the archive came from, for messages (`packages/flyte/charts/flyte-core-v1.16.8.tgz`). */
  readonly source: string;
  /** Its file on disk, for a vendored archive. */
  readonly path?: string;
}

/** Reads a chart archive (a gzipped tar, through node-tar); throws with `source` on anything that is not one. */
export function readChartArchive(bytes: Buffer, source: string): ChartArchive {
  const files = untar(bytes, source);
  const { name, version } = chartYamlOf(files, source);
  return { name, version, digest: sha256(bytes), bytes, files, source };
}

/**
 * A vendored archive named `<name>-<version>.tgz`: its name and version from the file name (a
 * test holds every vendored archive to its Chart.yaml), its files unpacked only when asked for,
 * so a render served from the cache never unpacks it.
 */
export function vendoredChartArchive(bytes: Buffer, source: string, name: string, version: string, path?: string): ChartArchive {
  let files: ReadonlyMap<string, Buffer> | undefined;
  return {
    ...(path === undefined ? {} : { path }),
    name,
    version,
    digest: sha256(bytes),
    bytes,
    source,
    get files() {
      return (files ??= untar(bytes, source));
    },
  };
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function untar(bytes: Buffer, source: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let failure: Error | undefined;
  const parser = new Parser({
    strict: true,
    onwarn: (_code, message) => {
      failure ??= new Error(message);
    },
    onReadEntry(entry) {
      if (entry.type !== "File" && entry.type !== "OldFile") {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.set(entry.path, Buffer.concat(chunks)));
    },
  });
  parser.on("error", (error: Error) => {
    failure ??= error;
  });
  parser.end(bytes);
  if (failure) throw new Error(`${source}: not a chart archive: ${failure.message}`);
  return files;
}

function chartYamlOf(files: ReadonlyMap<string, Buffer>, source: string): { name: string; version: string } {
  const chartYaml = [...files.keys()].find((path) => /^[^/]+\/Chart\.yaml$/.test(path));
  if (!chartYaml) throw new Error(`${source}: not a chart archive: no <chart>/Chart.yaml at the top`);
  const chart = parse(files.get(chartYaml)!.toString("utf8")) as { name?: unknown; version?: unknown };
  if (typeof chart.name !== "string" || typeof chart.version !== "string") throw new Error(`${source}: ${chartYaml} needs a name and a version`);
  return { name: chart.name, version: chart.version };
}

/** Chart.yaml's name and version, read from the archive (for a vendored archive: to check its file name). */
export function chartYamlIdentity(archive: ChartArchive): { name: string; version: string } {
  return chartYamlOf(archive.files, archive.source);
}

/** A file of the chart by its path inside the chart directory (`values.yaml`, `charts/metaflow-ui/values.yaml`). */
export function chartFile(archive: ChartArchive, path: string): string | undefined {
  return archive.files.get(`${topDir(archive)}/${path}`)?.toString("utf8");
}

function topDir(archive: ChartArchive): string {
  for (const path of archive.files.keys()) if (/^[^/]+\/Chart\.yaml$/.test(path)) return path.split("/")[0]!;
  return archive.name;
}

const defaultsCache = new WeakMap<ChartArchive, unknown>();

/**
 * The chart's default values as Helm coalesces them: values.yaml, and for each dependency
 * shipped in `charts/<name>/` (recursively) its defaults under its name or alias, overridden by
 * the parent's values for that key. Dependencies packaged as nested archives are read too.
 */
export function chartDefaults(archive: ChartArchive): unknown {
  if (!defaultsCache.has(archive)) defaultsCache.set(archive, defaultsOf(archive.files, `${topDir(archive)}/`, archive.source));
  return defaultsCache.get(archive);
}

function defaultsOf(files: ReadonlyMap<string, Buffer>, dir: string, source: string): unknown {
  const valuesText = files.get(`${dir}values.yaml`)?.toString("utf8");
  const values = (valuesText === undefined ? {} : (parse(valuesText) as unknown)) ?? {};
  const chart = parse(files.get(`${dir}Chart.yaml`)?.toString("utf8") ?? "{}") as { dependencies?: { name?: unknown; alias?: unknown; condition?: unknown }[] };
  if (!Array.isArray(chart.dependencies) || !isMap(values)) return values;
  const merged: Record<string, unknown> = { ...values };
  for (const dependency of chart.dependencies) {
    if (typeof dependency?.name !== "string") continue;
    const key = typeof dependency.alias === "string" ? dependency.alias : dependency.name;
    const sub = subchartFiles(files, dir, dependency.name, source);
    if (sub) merged[key] = mergeValues(defaultsOf(sub.files, sub.dir, source), merged[key]);
    // A dependency's `condition` (e.g. metaflow-ui.enabled) is a value of the parent: Helm enables
    // the dependency when the path is absent, so its default is true.
    for (const path of typeof dependency.condition === "string" ? dependency.condition.split(",") : []) setDefault(merged, path.trim().split("."), true);
  }
  return merged;
}

function setDefault(values: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined || head === "") return;
  if (rest.length === 0) {
    if (values[head] === undefined) values[head] = value;
    return;
  }
  const child = values[head];
  if (child !== undefined && !isMap(child)) return;
  const next: Record<string, unknown> = { ...(child ?? {}) };
  values[head] = next;
  setDefault(next, rest, value);
}

function subchartFiles(files: ReadonlyMap<string, Buffer>, dir: string, name: string, source: string): { files: ReadonlyMap<string, Buffer>; dir: string } | undefined {
  if (files.has(`${dir}charts/${name}/Chart.yaml`)) return { files, dir: `${dir}charts/${name}/` };
  for (const [path, bytes] of files) {
    if (!path.startsWith(`${dir}charts/`) || !path.endsWith(".tgz") || path.slice(dir.length + 7).includes("/")) continue;
    const nested = untar(bytes, `${source}!${path}`);
    if (chartYamlOf(nested, `${source}!${path}`).name === name) {
      const top = [...nested.keys()].find((file) => /^[^/]+\/Chart\.yaml$/.test(file))!.split("/")[0]!;
      return { files: nested, dir: `${top}/` };
    }
  }
  return undefined;
}

/** Helm's coalescing of defaults: maps merge key by key, anything else from `override` when given. */
function mergeValues(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeValues(base[key], value);
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
