import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { fluxCrdFiles, readFluxCrds } from "../src/crd-files.js";

describe("crds/crds.json", () => {
  it("holds exactly the CRDs of the vendored YAML files, in file order (so it cannot drift from them)", async () => {
    const fromYaml = fluxCrdFiles().flatMap((file) =>
      parseAllDocuments(readFileSync(file, "utf8")).map((document) => {
        expect(document.errors, file).toEqual([]);
        return document.toJS() as unknown;
      }),
    );
    const crds = fromYaml.filter((document) => document !== null && document !== undefined);
    expect(crds.length).toBe(fluxCrdFiles().length);
    expect(await readFluxCrds()).toEqual(crds);
  });
});
