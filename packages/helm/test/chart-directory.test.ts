import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartDirectory, unpackChart } from "../src/chart-directory.js";
import { readChartArchive, renderRelease, resolveHelm } from "../src/index.js";
import { archive, ARCHIVES, cacheDir, context, helmRelease, repoRoot } from "./support.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-chart-dir-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("Helm reading a chart from its directory, unpacked once", () => {
  it("renders each vendored chart exactly as from its archive", async () => {
    const chartsDir = join(work, "vendored");
    const helm = await resolveHelm({ cacheDir });
    for (const which of Object.keys(ARCHIVES) as (keyof typeof ARCHIVES)[]) {
      const chart = archive(which);
      const dir = await unpackChart(chart, chartsDir, helm);
      expect(dir, which).toBe(join(chartsDir, `${chart.digest}-helm-${helm.version}`, "chart"));
      // Helm's output, byte for byte (the chart's defaults, its crds/ included; metaflow's
      // PostgreSQL password fixed, the chart makes a random one)…
      const fixed = which === "metaflow" ? ["--set", "postgresql.auth.postgresPassword=fixed"] : [];
      const template = (path: string) => execFileSync(helm.path, ["template", which, path, "--namespace", which, "--include-crds", ...fixed], { encoding: "utf8", env: { ...process.env, HELM_CONFIG_HOME: join(work, "helm") } });
      const output = template(join(repoRoot, ARCHIVES[which]));
      expect(output.length, which).toBeGreaterThan(1000);
      expect(template(dir!), which).toBe(output);
      // …and the render (metaflow's defaults repeat a key kustomize refuses: the same problem either way).
      const values = which === "metaflow" ? { postgresql: { auth: { postgresPassword: "fixed" } } } : {};
      const release = helmRelease(which, chart.name, chart.version, { targetNamespace: which, install: { crds: "Create" }, values });
      const fromArchive = await renderRelease(release, await context());
      expect(await renderRelease(release, await context([], { chartsDir })), which).toEqual(fromArchive);
    }
    // Unpacked once: a second look finds the directory.
    expect(readdirSync(chartsDir).filter((entry) => !entry.startsWith("."))).toHaveLength(4);
  });

  it("is unpacked only on a chart's fourth render in a process, where it starts to pay", async () => {
    const chartsDir = join(work, "counted");
    const helm = await resolveHelm({ cacheDir });
    const chart = archive("flyte");
    for (let render = 1; render <= 3; render++) expect(await chartDirectory(chart, chartsDir, helm), `render ${render}`).toBeUndefined();
    expect(existsSync(chartsDir)).toBe(false);
    expect(await chartDirectory(chart, chartsDir, helm)).toBe(join(chartsDir, `${chart.digest}-helm-${helm.version}`, "chart"));
  });

  it("renders from the archive when the chart's .helmignore would leave one of its files out of the directory", async () => {
    // An archive not made by `helm package`: it holds a file its own .helmignore matches.
    const source = join(work, "source");
    await mkdir(join(source, "notes", "templates"), { recursive: true });
    await writeFile(join(source, "notes", "Chart.yaml"), "apiVersion: v2\nname: notes\nversion: 1.0.0\n");
    await writeFile(join(source, "notes", ".helmignore"), "*.txt\n");
    await writeFile(join(source, "notes", "greeting.txt"), "from the archive");
    await writeFile(join(source, "notes", "templates", "configmap.yaml"), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  greeting: {{ .Files.Get "greeting.txt" | quote }}\n');
    await create({ gzip: true, cwd: source, file: join(work, "notes-1.0.0.tgz"), portable: true }, ["notes"]);
    const chart = readChartArchive(await readFile(join(work, "notes-1.0.0.tgz")), "notes-1.0.0.tgz");
    const helm = await resolveHelm({ cacheDir });
    const chartsDir = join(work, "ignored");

    expect(await unpackChart(chart, chartsDir, helm)).toBeUndefined();
    expect(existsSync(join(chartsDir, `${chart.digest}-helm-${helm.version}.archive`))).toBe(true);
    // The check matters: Helm on the directory leaves the file out.
    const fromDirectory = execFileSync(helm.path, ["template", "notes", join(source, "notes")], { encoding: "utf8", env: { ...process.env, HELM_CONFIG_HOME: join(work, "helm") } });
    expect(fromDirectory).toContain('greeting: ""');

    const release = helmRelease("notes", "notes", "1.0.0");
    const rendered = await renderRelease(release, await context([], { chart: () => chart, chartsDir }));
    expect(rendered.problems).toEqual([]);
    expect(rendered.objects.map((object) => object.object.data)).toEqual([{ greeting: "from the archive" }]);
  });
});
