import { describe, expect, it } from "vitest";
import { describeValue, looksLikeSecret, truncate } from "../src/describe-value.js";
import { problemsOf, specWith } from "./fixtures.js";

describe("describeValue", () => {
  it.each([
    [undefined, "nothing"],
    [null, "null"],
    [42, "number 42"],
    [false, "false"],
    ["dev", '"dev"'],
    [[], "an empty list"],
    [[1, 2], "a list of 2"],
    [{ password: "hunter2" }, "an object"],
  ])("describes %j as %s", (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it("truncates long strings", () => {
    const shown = describeValue("x".repeat(500));
    expect(shown.length).toBeLessThan(70);
    expect(shown).toContain("…");
    expect(truncate("abc", 3)).toBe("abc");
    expect(truncate("abcd", 3)).toBe("ab…");
  });

  it.each([
    "ghp_0123456789abcdefABCDEF0123456789abcd",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5",
    "https://x.blob.core.windows.net/c?sv=2020&sig=abcdef",
  ])("withholds secret-looking value %s", (value) => {
    expect(looksLikeSecret(value)).toBe(true);
    expect(describeValue(value)).toBe("a value that looks like a secret (not shown)");
  });

  it.each([
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/",
    "ssh://git@github.com/contoso/ml-fleet.git",
    "rg-ml-dev",
  ])("shows ordinary value %s", (value) => {
    expect(looksLikeSecret(value)).toBe(false);
  });

  it("masks URL passwords", () => {
    expect(describeValue("https://user:hunter2@example.com/x")).toBe('"https://user:***@example.com/x"');
  });

  it("never prints a token pasted into a field", () => {
    const token = "ghp_0123456789abcdefABCDEF0123456789abcd";
    const problems = problemsOf(specWith((s) => ((s.git.secretRef = token), (s.name = token), (s.git.url = token))));
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of problems) expect(problem.message).not.toContain("0123456789abcdef");
  });
});
