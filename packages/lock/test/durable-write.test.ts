import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { writeFileDurable } from "../src/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flotilla-durable-"));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

it("replaces a file whole, creates its directories 0755 and the file 0644, and leaves no temporary file", async () => {
  const umask = process.umask();
  const target = join(dir, "a", "b", "c.json");
  await writeFileDurable(target, "one\n");
  await writeFileDurable(target, "two\n");
  expect(await readFile(target, "utf8")).toBe("two\n");
  expect((await stat(target)).mode & 0o777).toBe(0o644 & ~umask);
  expect((await stat(join(dir, "a", "b"))).mode & 0o777).toBe(0o755 & ~umask);
  expect(await readdir(join(dir, "a", "b"))).toEqual(["c.json"]);
});
