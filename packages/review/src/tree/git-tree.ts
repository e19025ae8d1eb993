import { runGit } from "./git.js";
import type { TreeFiles } from "./tree-files.js";

const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads the files under `prefix` (a repository-relative directory such as `clusters`) as they are
 * in `commit`, with one `git ls-tree` and one `git cat-file --batch`. Paths are relative to
 * `prefix`; a commit without the directory gives an empty tree. Symlinks and submodules are left
 * out, as readTreeFiles leaves them out on disk.
 */
export async function readGitTree(repo: string, commit: string, prefix: string): Promise<TreeFiles> {
  const listing = (await runGit(repo, ["ls-tree", "-r", "-z", "--full-tree", "-l", commit, "--", `${prefix}/`])).toString("utf8");
  const blobs: { path: string; sha: string }[] = [];
  for (const entry of listing.split("\0")) {
    // "<mode> <type> <sha> <size>\t<path>"
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)\t(.*)$/s.exec(entry);
    if (!match) continue;
    const [, mode, type, sha, size, path] = match as unknown as [string, string, string, string, string, string];
    if (type !== "blob" || mode === "120000" || Number(size) > MAX_FILE_BYTES) continue;
    if (!path.startsWith(`${prefix}/`)) continue;
    blobs.push({ path: path.slice(prefix.length + 1), sha });
  }
  const files: TreeFiles = new Map();
  if (blobs.length === 0) return files;
  const output = await runGit(repo, ["cat-file", "--batch"], blobs.map((blob) => `${blob.sha}\n`).join(""));
  let offset = 0;
  for (const blob of blobs) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, headerEnd).toString("utf8");
    const size = Number(header.split(" ")[2]);
    if (!header.startsWith(blob.sha) || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected answer ${JSON.stringify(header)} for ${blob.path}`);
    files.set(blob.path, output.subarray(headerEnd + 1, headerEnd + 1 + size).toString("utf8"));
    offset = headerEnd + 1 + size + 1;
  }
  return files;
}
