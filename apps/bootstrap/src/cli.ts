/**
 * The command line: `plan` and `apply`, parsed with commander. Returns the exit code instead of
 * exiting: 0 success, 1 something failed or found (changes with --exit-code, a stale saved plan),
 * 2 usage or environment error (bad flags, unknown cluster, no confirmation off a terminal, no
 * Azure sign-in). Writes only through `environment` (never process.*), so the `flotilla` CLI can
 * call it as `runBootstrap(argv, io)`.
 */
import { Command, CommanderError, Option } from "commander";
import { collectClusterNames } from "@flotilla/fleet";
import { runApply } from "./command-apply.js";
import { type CliEnvironment, EXIT, UsageError } from "./command-context.js";
import { runPlan } from "./command-plan.js";

/** `flotilla bootstrap …`: the same as {@link runCli}, under the name the one CLI calls. */
export const runBootstrap = (argv: readonly string[], environment: CliEnvironment): Promise<number> => runCli(argv, environment);

export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command("bootstrap")
    .description("Create the Azure side of the fleet's workload identities: managed identities, federated credentials, role definitions and assignments.")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.stdout(text.replace(/\n$/, "")),
      writeErr: (text) => environment.stderr(text.replace(/\n$/, "")),
    })
    .showHelpAfterError("(run with --help for usage)");

  const common = (command: Command) =>
    command
      .option("--cluster <name>", "only this cluster (repeatable, or a comma-separated list); default: every cluster", collectClusterNames)
      .option("--fleet <dir>", "directory of compiled cluster modules to use instead of the example fleet")
      // Test hook (test-hooks.ts): a CA for FLOTILLA_ARM_ENDPOINT. Not shown in --help.
      .addOption(new Option("--ca <file>").hideHelp());

  common(program.command("plan").description("read Azure and show what apply would do, per resource: + create, ~ update or adopt, - delete (--prune), with the attributes that change"))
    .option("--prune", "also list what flotilla created and no longer plans (to delete), and why each is flotilla's")
    .option("--offline", "print the desired state from the fleet alone, without credentials or network (not a plan of changes)")
    .option("--json", "print the plan as JSON (stdout carries only the document)")
    .option("--out <file>", "save the plan for `apply <file>`, which makes exactly these changes")
    .option("--exit-code", "exit 1 when the plan has changes, 0 when it has none (like terraform's -detailed-exitcode)")
    .addOption(new Option("--detailed-exitcode", "alias of --exit-code").hideHelp())
    .action(async (options) => {
      exitCode = await runPlan(environment, { ...options, exitCode: options.exitCode || options.detailedExitcode, cluster: options.cluster ?? [] });
    });

  common(program.command("apply").description("show the plan, ask, then create or update everything it lists and write apps/fleet/identity-outputs/<cluster>.json"))
    .argument("[plan-file]", "a plan saved with `plan --out`: apply exactly it (refused when Azure changed since), without asking")
    .option("--prune", "delete what flotilla created and no longer plans (listed in the plan first)")
    .option("--yes", "do not ask for confirmation (required when not run from a terminal)")
    .option("--outputs-dir <dir>", "where to write <cluster>.json (default: apps/fleet/identity-outputs)")
    .action(async (planFile: string | undefined, options) => {
      exitCode = await runApply(environment, { ...options, cluster: options.cluster ?? [] }, planFile);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return EXIT.ok;
      // (help) without a command, commander exits 1: that is a usage error too.
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      environment.stderr(`bootstrap: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
