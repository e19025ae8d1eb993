import { spawn } from "node:child_process";

/** A git command that failed: its arguments and what git said. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed: ${stderr.trim() || "no output"}`);
  }
}

/** Runs git in `cwd` and returns its stdout (bytes), feeding `input` to stdin. */
export function runGit(cwd: string, args: readonly string[], input?: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => reject(new GitError(args, `could not run git (${error.message}); is git installed and on PATH?`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args, Buffer.concat(err).toString("utf8")));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** The full commit ID a ref names, or undefined when it names no commit. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).toString("utf8").trim();
  } catch {
    return undefined;
  }
}

/** The top-level directory of the work tree that contains `cwd`. */
export async function workTreeRoot(cwd: string): Promise<string> {
  return (await runGit(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
}

/** The best common ancestor of two commits, or undefined when they have none. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ["merge-base", a, b])).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
