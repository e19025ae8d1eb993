import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { resolveHelm, resolveKubectl } from "../src/index.js";
import { toolYamlDocuments } from "../src/tool-yaml.js";
import { ARCHIVES, cacheDir, repoRoot } from "./support.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-tool-yaml-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

/** What the yaml library reads, as every caller read tool output before: its documents, and whether it found an error. */
function yamlLibrary(text: string): { documents: unknown[]; errors: boolean } {
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  return { documents: documents.map((document) => document.toJS({ maxAliasCount: 1000 }) as unknown), errors: documents.some((document) => document.errors.length > 0) };
}

/** The fast read is either refused or exactly the yaml library's, on text the yaml library reads without an error. */
function expectSameAsYamlLibrary(text: string): boolean {
  const fast = toolYamlDocuments(text);
  if (fast === undefined) return false;
  const library = yamlLibrary(text);
  expect(library.errors, `the yaml library finds an error in ${JSON.stringify(text)}`).toBe(false);
  expect(fast, JSON.stringify(text)).toStrictEqual(library.documents);
  return true;
}

const SCALARS = [
  "0", "-0", "+0", "012", "0o17", "0o8", "0x1F", "0xg", "0b101", "1_000", "1e3", "1E-3", ".5", "-.5", "+.5e2", "5.", "1.0", "1.50", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "nan", "inf",
  "~", "null", "Null", "NULL", "nULL", "", "true", "True", "TRUE", "tRue", "yes", "no", "on", "off", "y", "n", "2024-01-01", "12:30", "1:20:30", "0.1.2", "=", "<<", "12345678901234567890",
  "-", "+", ".", "0x", "0o", "1e", "e3", "'1'", '"1"', '"a\\tb"', "'it''s'", "a b", "[1, 2]", "{a: 1}", "[]", "{}", "|\n  x\n  y", ">\n  x\n  y\n", "|-\n  x", ">+\n  x\n\n",
];

describe("toolYamlDocuments: kustomize's output read by js-yaml as the yaml library reads it", () => {
  it("resolves every plain scalar as the yaml library's core schema does (js-yaml's own reads 0b1 and 1_000 as numbers)", () => {
    let fast = 0;
    for (const scalar of SCALARS) for (const text of [`k: ${scalar}\n`, `- ${scalar}\n`, `a:\n  b: ${scalar}\n  c: [${scalar.includes("\n") ? "x" : scalar}]\n`]) if (expectSameAsYamlLibrary(text)) fast += 1;
    expect(fast).toBeGreaterThan(SCALARS.length * 2);
    expect(toolYamlDocuments("a: 0b101\nb: 1_000\nc: 0o17\nd: 0x1F\ne: +12\nf: 1e3\ng: yes\nh: 2024-01-01\ni: ~\n")).toStrictEqual([{ a: "0b101", b: "1_000", c: 15, d: 31, e: 12, f: 1000, g: "yes", h: "2024-01-01", i: null }]);
  });

  it("reads documents, keys and strings as the yaml library does", () => {
    const texts = [
      "", "a: 1\n---\nb: 2\n", "---\na: 1\n---\nb: [x, {c: d}]\n", "a: 1\n...\n", "__proto__: 1\n", "a: {__proto__: {x: 1}}\n", "1: a\n2.5: b\ntrue: c\n0x10: d\n",
      "a:\n- b\n- c: d\n  e: f\n", "a: |\n  line\n\n  x\n", "a: 'multi\n  line'\n", 'a: "esc \\u00e9 \\x41"\n', "key with spaces: v\n", '"quoted key": v\n', "a: b # c\n", "a: 'b' # c\n",
    ];
    for (const text of texts) expect(expectSameAsYamlLibrary(text), JSON.stringify(text)).toBe(true);
  });

  it("leaves to the yaml library what the two read differently, an empty document, a key twice and errors", () => {
    const refused = [
      "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: !!binary aGk=\n", "%YAML 1.1\n---\na: yes\n", "? a\n: b\n", "~: x\n", "null: x\n", ": x\n", "[a]: b\n", "{a: 1}: b\n",
      "\"null\": x\n", "a:\n  ~: x\n", "# only a comment\n", "a: 1\n---\n", "a: 1\na: 2\n", "a: {b: 1, b: 2}\n", "a: [b\n", "a: b: c\n", "a:\n b: 1\n  c: 2\n",
      // js-yaml reads this (a quoted scalar continued on an unindented line); the yaml library refuses it.
    ];
    for (const text of refused) expect(toolYamlDocuments(text), JSON.stringify(text)).toBeUndefined();
  });

  it("is, for every document kustomize prints of every vendored chart's rendered templates, what the yaml library reads; nearly all read fast", async () => {
    const [helm, kubectl] = await Promise.all([resolveHelm({ cacheDir }), resolveKubectl({ cacheDir })]);
    let documents = 0;
    let fast = 0;
    for (const which of Object.keys(ARCHIVES) as (keyof typeof ARCHIVES)[]) {
      const dir = join(work, which);
      await mkdir(dir, { recursive: true });
      const fixed = which === "metaflow" ? ["--set", "postgresql.auth.postgresPassword=fixed"] : [];
      const rendered = execFileSync(helm.path, ["template", which, join(repoRoot, ARCHIVES[which]), "--namespace", which, ...fixed], { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, HELM_CONFIG_HOME: join(work, "helm") } });
      // metaflow's defaults repeat labels, which kustomize refuses (the example fleet's values avoid them).
      const parsable = rendered.split(/^---[ \t]*$/m).filter((text) => parseAllDocuments(text).every((document) => document.errors.length === 0));
      await writeFile(join(dir, "helm-output.yaml"), parsable.join("\n---\n"));
      await writeFile(join(dir, "origin-labels.yaml"), JSON.stringify({ apiVersion: "builtin", kind: "LabelTransformer", metadata: { name: "origin-labels" }, labels: { "helm.toolkit.fluxcd.io/name": which }, fieldSpecs: [{ path: "metadata/labels", create: true }] }));
      await writeFile(join(dir, "kustomization.yaml"), JSON.stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["helm-output.yaml"], transformers: ["origin-labels.yaml"], sortOptions: { order: "fifo" } }));
      const output = execFileSync(kubectl.path, ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, KUBECONFIG: "/dev/null" } });
      for (const text of output.split(/^---[ \t]*$/m)) {
        documents += 1;
        if (expectSameAsYamlLibrary(text)) fast += 1;
      }
    }
    expect(documents).toBeGreaterThan(50);
    expect(fast / documents).toBeGreaterThan(0.9);
  });
});
