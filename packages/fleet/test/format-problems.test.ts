import { describe, expect, it } from "vitest";
import { formatFleetProblems } from "../src/index.js";

describe("formatFleetProblems", () => {
  it("prints one sorted line per problem and a count line", () => {
    const text = formatFleetProblems([
      { file: "clusters/prod.ts", path: "git.url", message: "bad url" },
      { file: "clusters/dev.ts", path: "namespaces[10].name", message: "ten" },
      { file: "clusters/dev.ts", path: "namespaces[2].name", message: "two" },
      { file: "clusters/dev.ts", path: "", message: "whole file" },
      { file: "clusters/dev.ts", path: "azure.location", message: "bad location" },
    ]);
    expect(text).toBe(
      [
        "clusters/dev.ts: whole file",
        "clusters/dev.ts: azure.location: bad location",
        "clusters/dev.ts: namespaces[2].name: two",
        "clusters/dev.ts: namespaces[10].name: ten",
        "clusters/prod.ts: git.url: bad url",
        "5 problems in 2 files",
      ].join("\n"),
    );
  });

  it("uses singular nouns for one problem", () => {
    expect(formatFleetProblems([{ file: "a.ts", path: "name", message: "m" }])).toBe("a.ts: name: m\n1 problem in 1 file");
  });

  it("says so when there are no problems", () => {
    expect(formatFleetProblems([])).toBe("no problems");
  });

  it("does not reorder its argument", () => {
    const problems = [
      { file: "b.ts", path: "", message: "b" },
      { file: "a.ts", path: "", message: "a" },
    ];
    formatFleetProblems(problems);
    expect(problems.map((p) => p.file)).toEqual(["b.ts", "a.ts"]);
  });
});
