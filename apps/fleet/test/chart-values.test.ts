import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRenderedChartValues, vendoredChartValues } from "../src/chart-values.js";
import { repoRoot } from "../src/repo-paths.js";

const chartDirs = vendoredChartValues([join(repoRoot, "packages/flyte/charts")]);

function release(values: Record<string, unknown>, version = "v1.16.8") {
  return {
    cluster: "alpha",
    source: "apps/fleet/src/clusters/alpha.ts",
    dirs: ["", "platform-flyte"],
    documents: [
      {
        dir: "platform-flyte",
        object: {
          apiVersion: "helm.toolkit.fluxcd.io/v2",
          kind: "HelmRelease",
          metadata: { name: "flyte-core", namespace: "flux-system" },
          spec: { chart: { spec: { chart: "flyte-core", version, sourceRef: { kind: "HelmRepository", name: "flyte" } } }, values },
        },
      },
    ],
  };
}

describe("synth's chart values check", () => {
  it("fails a misspelled key with the cluster file, the HelmRelease, the path and the nearest valid key", async () => {
    const problems = await checkRenderedChartValues([release({ flytepropeller: { podLables: { a: "b" } } })], chartDirs);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe("apps/fleet/src/clusters/alpha.ts");
    expect(problems[0]!.path).toBe("HelmRelease flux-system/flyte-core .spec.values.flytepropeller.podLables");
    expect(problems[0]!.message).toMatch(/did you mean "podLabels"\?.*not a value of flyte-core v1\.16\.8 \(packages\/flyte\/charts\/flyte-core-v1\.16\.8\.tgz\)/);
  });

  it("names the setting that renders the release (its document's origin), not only the generated object", async () => {
    const rendered = release({ flytepropeller: { podLables: { a: "b" } } });
    const [problem] = await checkRenderedChartValues([{ ...rendered, documents: rendered.documents.map((document) => ({ ...document, origin: "platforms.flyte" })) }], chartDirs);
    expect(problem!.path).toBe("platforms.flyte");
    expect(problem!.message).toMatch(/^HelmRelease flux-system\/flyte-core \.spec\.values\.flytepropeller\.podLables: .*did you mean "podLabels"\?/);
  });

  it("accepts keys under free-form maps: `{}` defaults and the package's free-form.yaml", async () => {
    const values = {
      flyteadmin: { serviceAccount: { annotations: { anything: "x" } } },
      db: { admin: { database: { options: "sslmode=require", passwordPath: "/etc/db/pass.txt" } } },
      configmap: { k8s: { plugins: { k8s: { "default-labels": { a: "b" } } } } },
    };
    expect(await checkRenderedChartValues([release(values)], chartDirs)).toEqual([]);
  });

  it("does not check charts nobody vendored (another version)", async () => {
    expect(await checkRenderedChartValues([release({ nonsense: true }, "v1.15.0")], chartDirs)).toEqual([]);
  });
});
