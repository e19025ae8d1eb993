/**
 * The command line: `plan` and `apply`, parsed with commander. Returns the exit code instead of
 * exiting: 0 success, 1 something failed, 2 usage error (bad flags, unknown cluster, prune
 * without consent).
 */
import { Command, CommanderError, Option } from "commander";
import { runApply } from "./command-apply.js";
import { type CliEnvironment, EXIT, UsageError } from "./command-context.js";
import { runPlan } from "./command-plan.js";

/** `--cluster a --cluster b` and `--cluster a,b` alike. */
const collectClusters = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== ""),
];

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
      .option("--cluster <name>", "only this cluster (repeatable, or a comma-separated list); default: every cluster", collectClusters)
      .option("--fleet <dir>", "directory of compiled cluster modules to use instead of the example fleet")
      // Test hook (test-hooks.ts): a CA for FLOTILLA_ARM_ENDPOINT. Not shown in --help.
      .addOption(new Option("--ca <file>").hideHelp());

  common(program.command("plan").description("show what apply would create, update, leave unchanged or delete (with --prune), per resource"))
    .option("--prune", "also show flotilla-created federated credentials and role assignments that are no longer planned (to delete)")
    .option("--offline", "print the desired state from the fleet alone, without credentials or network")
    .action(async (options) => {
      exitCode = await runPlan(environment, { ...options, cluster: options.cluster ?? [] });
    });

  common(program.command("apply").description("create or update everything the plan lists, then write apps/fleet/identity-outputs/<cluster>.json"))
    .option("--prune", "delete flotilla-created federated credentials and role assignments that are no longer planned (listed first)")
    .option("--yes", "with --prune: delete without asking (required when not run from a terminal)")
    .option("--outputs-dir <dir>", "where to write <cluster>.json (default: apps/fleet/identity-outputs)")
    .action(async (options) => {
      exitCode = await runApply(environment, { ...options, cluster: options.cluster ?? [] });
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
