import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generatedHeader } from "../src/header.js";
import { readTree } from "../src/read-tree.js";
import { compareTree } from "../src/compare-tree.js";
import { TreeConflictError, writeTree } from "../src/write-tree.js";

const header = generatedHeader("src/dev.ts");
let parent: string;
let root: string;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), "flotilla-write-"));
  root = join(parent, "clusters");
});
afterEach(async () => rm(parent, { recursive: true, force: true }));

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), path)));
    else out.push(path);
  }
  return out.sort();
}

const plan = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, header + v]));

describe("writeTree", () => {
  it("creates the tree when there is none", async () => {
    const changes = await writeTree(root, plan({ "dev/a.yaml": "a: 1\n", "dev/x/b.yaml": "b: 1\n" }));
    expect(changes.missing).toEqual(["dev/a.yaml", "dev/x/b.yaml"]);
    expect(await readFile(join(root, "dev/x/b.yaml"), "utf8")).toBe(`${header}b: 1\n`);
  });

  it("removes stale generated files, keeps files it did not write, and leaves no staging directory", async () => {
    await put("dev/old.yaml", `${header}old: 1\n`);
    await put("dev/flux-system/gotk-sync.yaml", "kind: GitRepository\n");
    await put("gone/old.yaml", `${header}gone: 1\n`);
    const changes = await writeTree(root, plan({ "dev/a.yaml": "a: 1\n" }));
    expect(changes.stale).toEqual(["dev/old.yaml", "gone/old.yaml"]);
    expect(await listFiles(root)).toEqual(["dev/a.yaml", "dev/flux-system/gotk-sync.yaml"]);
    expect(await readFile(join(root, "dev/flux-system/gotk-sync.yaml"), "utf8")).toBe("kind: GitRepository\n");
    expect(await readdir(parent)).toEqual(["clusters"]);
  });

  it("does not touch the tree when nothing changed", async () => {
    await put("dev/a.yaml", `${header}a: 1\n`);
    const before = await stat(join(root, "dev/a.yaml"));
    const changes = await writeTree(root, plan({ "dev/a.yaml": "a: 1\n" }));
    expect(Object.values(changes).flat()).toEqual([]);
    expect((await stat(join(root, "dev/a.yaml"))).ino).toBe(before.ino);
  });

  it("refuses to overwrite a file it did not write and changes nothing", async () => {
    await put("dev/a.yaml", "hand written\n");
    await put("dev/b.yaml", `${header}b: 0\n`);
    await expect(writeTree(root, plan({ "dev/a.yaml": "a: 1\n", "dev/b.yaml": "b: 1\n" }))).rejects.toBeInstanceOf(TreeConflictError);
    expect(await readFile(join(root, "dev/a.yaml"), "utf8")).toBe("hand written\n");
    expect(await readFile(join(root, "dev/b.yaml"), "utf8")).toBe(`${header}b: 0\n`);
  });

  it("leaves the previous tree intact when writing the new one fails", async () => {
    await put("dev/a.yaml", `${header}a: 0\n`);
    // A planned path below an existing planned file cannot be created: the write fails mid-way.
    await expect(writeTree(root, plan({ "dev/a.yaml": "a: 1\n", "dev/a.yaml/b.yaml": "b: 1\n" }))).rejects.toThrow();
    expect(await listFiles(root)).toEqual(["dev/a.yaml"]);
    expect(await readFile(join(root, "dev/a.yaml"), "utf8")).toBe(`${header}a: 0\n`);
    expect(await readdir(parent)).toEqual(["clusters"]);
  });

  it("completes a swap that was interrupted after the old tree was moved aside", async () => {
    await put("dev/a.yaml", `${header}a: 0\n`);
    await import("node:fs/promises").then((fs) => fs.rename(root, join(parent, ".clusters.flotilla-old")));
    await writeTree(root, plan({ "dev/a.yaml": "a: 0\n" }));
    expect(await readFile(join(root, "dev/a.yaml"), "utf8")).toBe(`${header}a: 0\n`);
    expect(await readdir(parent)).toEqual(["clusters"]);
  });
});

describe("compareTree", () => {
  it("lists drifted, missing, stale and conflicting files", async () => {
    await put("dev/drift.yaml", `${header}x: edited\n`);
    await put("dev/same.yaml", `${header}x: 1\n`);
    await put("dev/stale.yaml", `${header}x: 1\n`);
    await put("dev/foreign.yaml", "mine\n");
    const changes = compareTree(
      plan({ "dev/drift.yaml": "x: 1\n", "dev/same.yaml": "x: 1\n", "dev/new.yaml": "x: 1\n", "dev/foreign.yaml": "x: 1\n" }),
      await readTree(root),
    );
    expect(changes).toEqual({ drifted: ["dev/drift.yaml"], missing: ["dev/new.yaml"], stale: ["dev/stale.yaml"], conflicts: ["dev/foreign.yaml"] });
  });
});
