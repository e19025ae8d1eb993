import { describe, expect, it } from "vitest";
import { checkImageValues } from "../src/validate/image-values-check.js";
import { formatProblem } from "../src/validate/problem.js";
import type { TreeView } from "../src/validate/types.js";

describe("checkImageValues", () => {
  it("reports a value whose chart has no HelmRelease at the cluster's directory of the tree, naming images.yaml", () => {
    const tree: TreeView = { files: new Map(), manifests: [], clusters: ["dev"], treePrefix: "clusters" };
    const expected = new Map([["dev", [{ chart: "metaflow", path: ["metaflow-service", "image", "tag"], value: "v2.4.13", source: "apps/fleet/images/dev/images.yaml" }]]]);
    const problems = checkImageValues(tree, expected);
    expect(problems.map((problem) => formatProblem(problem, "clusters"))).toEqual([
      "clusters/dev/: no HelmRelease of chart metaflow, which apps/fleet/images/dev/images.yaml sets .spec.values.metaflow-service.image.tag of; run `synth` and commit clusters/dev/ [images]",
    ]);
  });
});
