import { describe, expect, expectTypeOf, it } from "vitest";
import { type ClusterSpec, type ClusterSpecInput, clusterSpecSchema, defineCluster } from "../src/index.js";
import type * as z from "zod";
import { validSpec } from "./fixtures.js";

describe("defineCluster", () => {
  it("returns its input unchanged", () => {
    const spec = validSpec();
    expect(defineCluster(spec)).toBe(spec);
  });

  it("never throws, even for invalid input", () => {
    const bad = { ...validSpec(), name: "NOT VALID" };
    expect(() => defineCluster(bad)).not.toThrow();
  });

  it("has the schema's input and output types", () => {
    expectTypeOf(defineCluster).parameter(0).toEqualTypeOf<z.input<typeof clusterSpecSchema>>();
    expectTypeOf<z.output<typeof clusterSpecSchema>>().toEqualTypeOf<ClusterSpec>();
    expectTypeOf<ClusterSpecInput["git"]["secretRef"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ClusterSpec["git"]["path"]>().toEqualTypeOf<string>();
    // @ts-expect-error a node pool needs a preset, so editors flag the entry
    defineCluster({ ...validSpec(), nodePools: [{ name: "gpu" }] });
    // Platform packages add their keys (declaration merging); this package knows none of them.
    expectTypeOf<keyof NonNullable<ClusterSpecInput["platforms"]>>().toEqualTypeOf<never>();
  });
});
