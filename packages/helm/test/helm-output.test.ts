import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { HOOK_ANNOTATION, headSection, idOf, splitManifests } from "../src/helm-output.js";
import { resolveHelm } from "../src/index.js";
import { ARCHIVES, cacheDir, repoRoot } from "./support.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-helm-output-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

/** The head as the whole document gives it: what splitManifests must answer, however it reads it. */
function wholeDocumentHead(text: string): { hooks?: string[]; id?: string } {
  try {
    const [document] = parseAllDocuments(text, { uniqueKeys: false });
    const value = document?.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || typeof value !== "object") return {};
    const hook = (value as { metadata?: { annotations?: Record<string, unknown> } }).metadata?.annotations?.[HOOK_ANNOTATION];
    return { ...(typeof hook === "string" ? { hooks: hook.split(",") } : {}), id: idOf(value as Record<string, unknown>) };
  } catch {
    return {};
  }
}

function headsOf(output: string) {
  return splitManifests(output).map(({ text, hooks, id }) => ({ text, head: { ...(hooks ? { hooks } : {}), ...(id === undefined ? {} : { id }) } }));
}

describe("the heads of Helm's documents (hook annotation and id)", () => {
  it("are, for every document every vendored chart renders, what the whole document gives; most are read from their head alone", async () => {
    const helm = await resolveHelm({ cacheDir });
    let documents = 0;
    let fromHead = 0;
    for (const which of Object.keys(ARCHIVES) as (keyof typeof ARCHIVES)[]) {
      const fixed = which === "metaflow" ? ["--set", "postgresql.auth.postgresPassword=fixed"] : [];
      const output = execFileSync(helm.path, ["template", which, join(repoRoot, ARCHIVES[which]), "--namespace", which, "--include-crds", ...fixed], { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, HELM_CONFIG_HOME: join(work, "helm") } });
      for (const { text, head } of headsOf(output)) {
        expect(head, `${which}: ${text.slice(0, 200)}`).toEqual(wholeDocumentHead(text));
        documents += 1;
        if (headSection(text) !== undefined) fromHead += 1;
      }
    }
    expect(documents).toBeGreaterThan(50);
    expect(fromHead / documents).toBeGreaterThan(0.8);
  });

  const HEAD = "# Source: c/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install,test\n";
  const cases: Record<string, string> = {
    "plain": `${HEAD}data:\n  a: b\n`,
    "a later kind": `${HEAD}data:\n  a: b\nkind: Secret\n`,
    "a later metadata, spaced": `${HEAD}data: {}\nmetadata :\n  name: y\n`,
    "a later quoted key": `${HEAD}data: {}\n"kind": Secret\n`,
    "a later explicit key": `${HEAD}data: {}\n? kind\n: Secret\n`,
    "an alias to no anchor": `${HEAD}data:\n  a: *nowhere\n`,
    "an alias past the limit": `${HEAD}data:\n  a: &a [x]\n  b: [${Array.from({ length: 1200 }, () => "*a").join(", ")}]\n`,
    "a tag": `${HEAD}data:\n  a: !!binary aGk=\n`,
    "a quoted value running past the head": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    a: \"b\nspec: c\"\n  labels: {}\n",
    "a quoted value running past the head, holding the name": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    a: \"b\ndata: c\"\n  name: real\n",
    "a flow mapping running past the head, holding the name": "apiVersion: v1\nkind: ConfigMap\nmetadata: {a: b,\ndata: c, name: real}\n",
    "a block scalar of a head key": "apiVersion: v1\nkind: ConfigMap\nmetadata: |\nspec: x\n",
    "a flow mapping running past the head": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x,\nspec: y}\n",
    "metadata after the spec": "apiVersion: v1\nspec:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: late\nstatus: {}\n",
    "an indented document": "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n  data: {}\n",
    "a document end": `${HEAD}...\nkind: Secret\n`,
    "a sequence at the top": `apiVersion: v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups: [""]\n  verbs: ["*"]\n`,
    "a duplicate head key": "apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n  name: y\ndata: {}\n",
    "an error in the head": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\ndata: {}\n",
    "an error after the head": `${HEAD}data:\n  a: [x\n`,
    "CRLF lines": HEAD.replaceAll("\n", "\r\n") + "data: {}\r\n",
    "a tab": `${HEAD}data:\n\ta: b\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`are what the whole document gives: ${name}`, () => {
      const [manifest] = headsOf(text.startsWith("# Source:") ? text : `# Source: c/templates/x.yaml\n${text}`);
      expect(manifest?.head).toEqual(wholeDocumentHead(text));
    });
  }

  it("are read from the head alone when the rest cannot change them", () => {
    expect(headSection(cases.plain!)).toBe(HEAD);
    expect(headSection(cases["a sequence at the top"]!)).toBeDefined();
    for (const name of ["a later kind", "a later metadata, spaced", "a later quoted key", "a later explicit key", "an alias to no anchor", "a tag", "a document end"]) expect(headSection(cases[name]!), name).toBeUndefined();
  });
});
