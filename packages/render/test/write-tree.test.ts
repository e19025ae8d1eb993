import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentProcess } from "@flotilla/lock";
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

  it("repairs a generated file an editor saved with a byte order mark, as drift", async () => {
    await put("dev/a.yaml", `\uFEFF${header}a: 1\n`);
    const changes = await writeTree(root, plan({ "dev/a.yaml": "a: 1\n" }));
    expect(changes.drifted).toEqual(["dev/a.yaml"]);
    expect(await readFile(join(root, "dev/a.yaml"), "utf8")).toBe(`${header}a: 1\n`);
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

describe("writeTree: modes, durability, interruption", () => {
  const built = fileURLToPath(new URL("../dist/index.js", import.meta.url));
  const before = { "dev/a.yaml": "a: 0\n", "dev/keep.yaml": "keep: 0\n", "dev/old/x.yaml": "x: 0\n", "prod/b.yaml": "b: 0\n" };
  const after = { "dev/a.yaml": "a: 1\n", "dev/keep.yaml": "keep: 0\n", "dev/new/y.yaml": "y: 1\n", "prod/b.yaml": "b: 1\n", "stage/c.yaml": "c: 1\n" };

  /** Runs writeTree in a child process that SIGKILLs itself at the `nth` occurrence of `step`. */
  function writeAndDie(entries: Record<string, string>, step: string, nth: number): number | null {
    const script = `
      import { writeTree } from ${JSON.stringify(built)};
      const planned = new Map(Object.entries(${JSON.stringify(Object.fromEntries(plan(entries)))}));
      let seen = 0;
      await writeTree(${JSON.stringify(root)}, planned, {
        onStep: (step) => { if (step === ${JSON.stringify(step)} && ++seen === ${nth}) process.kill(process.pid, "SIGKILL"); },
      });`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (child.status !== null) throw new Error(`the writer was not killed: ${child.status} ${child.stderr}`);
    return child.status;
  }

  async function contentOf(path: string): Promise<string | undefined> {
    return readFile(join(root, path), "utf8").catch(() => undefined);
  }

  it("creates directories 0755 and files 0644 (less the umask), the root included", async () => {
    const umask = process.umask();
    await writeTree(root, plan({ "dev/x/b.yaml": "b: 1\n" }));
    await writeTree(root, plan({ "dev/x/b.yaml": "b: 2\n", "dev/y/c.yaml": "c: 1\n" }));
    for (const dir of ["", "dev", "dev/x", "dev/y"]) expect(((await stat(join(root, dir))).mode & 0o777).toString(8)).toBe((0o755 & ~umask).toString(8));
    for (const file of ["dev/x/b.yaml", "dev/y/c.yaml"]) expect(((await stat(join(root, file))).mode & 0o777).toString(8)).toBe((0o644 & ~umask).toString(8));
  });

  it("never leaves the tree missing: killed between any two replacements, every file is old or new, and the next write finishes the commit", async () => {
    const replacements = 5; // 1 stale removal + 4 files in
    for (let nth = 1; nth <= replacements; nth++) {
      await rm(root, { recursive: true, force: true });
      await writeTree(root, plan(before));
      await put("dev/flux-system/gotk-sync.yaml", "kind: GitRepository\n");
      writeAndDie(after, "replaced", nth);
      expect((await stat(root)).isDirectory()).toBe(true);
      for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
        const content = await contentOf(path);
        const allowed = [before[path as keyof typeof before], after[path as keyof typeof after]].map((body) => (body === undefined ? undefined : header + body));
        expect(allowed, `${path} after ${nth} replacements`).toContain(content);
      }
      await writeTree(root, plan(after));
      expect(await listFiles(root)).toEqual([...Object.keys(after), "dev/flux-system/gotk-sync.yaml"].sort());
      for (const [path, body] of Object.entries(after)) expect(await contentOf(path)).toBe(header + body);
      expect(await readdir(parent)).toEqual(["clusters"]);
    }
  });

  it("a writer killed before its commit point changes nothing, and its staging directory is discarded", async () => {
    await writeTree(root, plan(before));
    writeAndDie(after, "staged", 1);
    expect((await readdir(parent)).filter((entry) => entry.includes("staging"))).toHaveLength(1);
    expect(await listFiles(root)).toEqual(Object.keys(before).sort());
    await writeTree(root, plan(before));
    expect(await readdir(parent)).toEqual(["clusters"]);
  });

  it("recovery leaves the staging directory of a live writer alone", async () => {
    const live = join(parent, `.clusters.flotilla-staging-${process.pid}-live`);
    await mkdir(join(live, "files"), { recursive: true });
    await writeFile(join(live, "owner.json"), JSON.stringify(currentProcess("synth")));
    await writeFile(join(live, "commit.json"), JSON.stringify({ write: ["dev/a.yaml"], remove: [] }));
    await writeFile(join(live, "files", "a.yaml"), "not yet");
    await writeTree(root, plan(before));
    expect((await readdir(parent)).sort()).toEqual([".clusters.flotilla-staging-" + process.pid + "-live", "clusters"]);
    expect(await contentOf("dev/a.yaml")).toBe(header + before["dev/a.yaml"]);
  });

  it("deletes a new tree an earlier version staged and never swapped in (.clusters.flotilla-new-*)", async () => {
    const abandoned = join(parent, ".clusters.flotilla-new-Ab12Cd");
    await mkdir(join(abandoned, "dev"), { recursive: true });
    await writeFile(join(abandoned, "dev", "a.yaml"), "half written");
    await writeTree(root, plan(before));
    expect(await readdir(parent)).toEqual(["clusters"]);
    expect(await contentOf("dev/a.yaml")).toBe(header + before["dev/a.yaml"]);
  });

  it("turns a stale generated file into a directory and back", async () => {
    await writeTree(root, plan({ "dev/x": "x: 0\n" }));
    await writeTree(root, plan({ "dev/x/a.yaml": "a: 0\n" }));
    expect(await listFiles(root)).toEqual(["dev/x/a.yaml"]);
    await writeTree(root, plan({ "dev/x": "x: 0\n" }));
    expect(await listFiles(root)).toEqual(["dev/x"]);
  });

  it("refuses to put a file where a directory of foreign files is, or below a foreign file", async () => {
    await put("dev/mine/notes.txt", "mine\n");
    await put("dev/file", "mine\n");
    await expect(writeTree(root, plan({ "dev/mine": "a: 1\n", "dev/file/a.yaml": "a: 1\n" }))).rejects.toMatchObject({ conflicts: ["dev/file/a.yaml", "dev/mine"] });
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
