import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { Parser } from "tar";
import type { ChartArchive } from "./chart-archive.js";
import { runTool } from "./run-tool.js";
import type { Tool } from "./tools.js";

/** Helm's limits on what it unpacks (pkg/chart/loader/archive): beyond them its messages differ for a directory. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_CHART_BYTES = 100 * 1024 * 1024;

const known = new Map<string, Promise<string | undefined>>();
const renders = new Map<string, number>();
/** Renders of a chart from its archive before it is unpacked (see chartDirectory). */
const ARCHIVE_RENDERS = 3;

/**
 * The archive unpacked once per digest into `<chartsDir>/<digest>-helm-<version>/chart/`, for
 * `helm template` to load as a directory: Helm reads a directory in about half the time it reads
 * the archive (argo's 7.6 MB of files: 75 ms of CPU against 160 ms). Unpacking and checking costs
 * about what two renders from the archive cost, so a process renders a chart from its archive
 * until its fourth render (a cold synth of the example fleet, two of each, never unpacks). Undefined
 * while it is not (yet) worth it, and when Helm would not load the directory as it loads the
 * archive: then the archive is rendered.
 *
 * The two loaders (pkg/chart/v2/loader) differ in what they skip: from a directory Helm leaves out
 * what the chart's `.helmignore` (and its default `templates/.?*`) matches, and it refuses
 * irregular files, where from the archive it reads every entry (a link as an empty file). So the
 * directory is used only when the archive holds nothing but regular files with clean paths within
 * Helm's limits, and `helm package` of the directory, which loads it with the same loader and
 * writes every file it loaded, writes exactly the archive's paths: then Helm loads the same files
 * with the same bytes either way. The verdict is kept per Helm version (`<digest>-helm-<version>.archive`
 * marks an archive to render as it is).
 */
export async function chartDirectory(archive: ChartArchive, chartsDir: string, helm: Tool): Promise<string | undefined> {
  const key = `${chartsDir}\0${archive.digest}\0${helm.path}`;
  const unpacked = known.get(key);
  if (unpacked) return unpacked;
  const chart = join(directoryOf(archive, chartsDir, helm), "chart");
  if (await exists(join(chart, "Chart.yaml"))) return chart;
  const count = (renders.get(key) ?? 0) + 1;
  renders.set(key, count);
  return count > ARCHIVE_RENDERS ? unpackChart(archive, chartsDir, helm) : undefined;
}

/** Unpacks the archive for Helm now, where chartDirectory waits until it pays: the directory, or undefined when Helm must read the archive. */
export function unpackChart(archive: ChartArchive, chartsDir: string, helm: Tool): Promise<string | undefined> {
  const key = `${chartsDir}\0${archive.digest}\0${helm.path}`;
  let found = known.get(key);
  if (!found) {
    found = locate(archive, chartsDir, helm);
    known.set(key, found);
  }
  return found;
}

function directoryOf(archive: ChartArchive, chartsDir: string, helm: Tool): string {
  // The verdict is Helm's: another Helm's loader may skip other files.
  return join(chartsDir, `${archive.digest}-helm-${helm.version}`);
}

async function locate(archive: ChartArchive, chartsDir: string, helm: Tool): Promise<string | undefined> {
  const dir = directoryOf(archive, chartsDir, helm);
  const chart = join(dir, "chart");
  if (await exists(join(chart, "Chart.yaml"))) return chart;
  if (await exists(`${dir}.archive`)) return undefined;
  try {
    await mkdir(chartsDir, { recursive: true });
    const temp = await mkdtemp(join(chartsDir, ".unpack-"));
    try {
      const usable = await unpackVerified(archive, join(temp, "chart"), join(temp, "package"), helm);
      if (!usable) {
        await writeFile(`${dir}.archive`, "");
        return undefined;
      }
      await rm(join(temp, "package"), { recursive: true, force: true });
      try {
        await rename(temp, dir);
      } catch (error) {
        // Another process unpacked it first.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      }
      return chart;
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  } catch {
    // A cache directory that cannot be written only costs time.
    return undefined;
  }
}

async function unpackVerified(archive: ChartArchive, chart: string, packageDir: string, helm: Tool): Promise<boolean> {
  const files = chartFiles(archive.bytes);
  if (!files) return false;
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(chart, path)), { recursive: true });
    await writeFile(join(chart, path), bytes);
  }
  await mkdir(packageDir, { recursive: true });
  const packaged = await runTool(helm.path, ["package", chart, "--destination", packageDir], helmHomes(packageDir));
  if (!packaged.ok) return false;
  const [output] = (await readdir(packageDir)).filter((file) => file.endsWith(".tgz"));
  if (output === undefined) return false;
  const written = chartFiles(await readFile(join(packageDir, output)));
  if (!written) return false;
  const paths = [...files.keys()].sort();
  const writtenPaths = [...written.keys()].sort();
  return paths.length === writtenPaths.length && paths.every((path, index) => path === writtenPaths[index]);
}

/**
 * The archive's files by their path inside the chart (the first path element stripped, as Helm
 * does), or undefined unless every entry is a regular file or a directory with a clean relative
 * path, no path comes twice, and the sizes are within Helm's limits.
 */
function chartFiles(bytes: Buffer): Map<string, Buffer> | undefined {
  const files = new Map<string, Buffer>();
  let usable = true;
  let total = 0;
  const parser = new Parser({
    strict: true,
    onwarn: () => {
      usable = false;
    },
    onReadEntry(entry) {
      if (entry.type === "Directory") {
        entry.resume();
        return;
      }
      const path = entry.path.split("/").slice(1).join("/");
      const clean = path !== "" && !path.includes("\\") && !path.endsWith("/") && posix.normalize(path) === path && !path.startsWith("../") && !posix.isAbsolute(path);
      total += entry.size;
      if ((entry.type !== "File" && entry.type !== "OldFile") || !clean || files.has(path) || entry.size > MAX_FILE_BYTES || total >= MAX_CHART_BYTES) {
        usable = false;
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.set(path, Buffer.concat(chunks)));
    },
  });
  parser.on("error", () => {
    usable = false;
  });
  parser.end(bytes);
  return usable && files.size > 0 ? files : undefined;
}

/** Helm's own directories, inside `dir` (nothing of the user's Helm setup changes a render). */
export function helmHomes(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HELM_CACHE_HOME: join(dir, ".helm-cache"), HELM_CONFIG_HOME: join(dir, ".helm-config"), HELM_DATA_HOME: join(dir, ".helm-data"), KUBECONFIG: "/dev/null" };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
