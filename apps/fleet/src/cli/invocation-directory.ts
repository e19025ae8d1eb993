/**
 * `pnpm <script>` runs a root script in the repository root whatever directory it was typed in;
 * pnpm passes that directory as INIT_CWD. When this process is such a script (its command line is
 * a flotilla entry point), relative paths resolve from where the user typed the command.
 */
export function startFromInvocationDirectory(env: NodeJS.ProcessEnv = process.env): void {
  const typedIn = env.INIT_CWD;
  const script = env.npm_lifecycle_script ?? "";
  if (typedIn === undefined || !/\bflotilla\.m?js\b/.test(script) || typedIn === process.cwd()) return;
  try {
    process.chdir(typedIn);
  } catch {
    // The directory is gone: stay in the repository root.
  }
}
