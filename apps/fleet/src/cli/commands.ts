// The `flotilla` commands: synth, diff, validate, bootstrap and secret. stdout carries only each
// command's output; diagnostics go to stderr; exit codes follow cli/exit-codes.ts.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { describeEnvironmentError } from "./environment-errors.js";
import { EXIT } from "./exit-codes.js";
import { COMMAND_HINTS } from "./command-hints.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/**
 * Each command's module, loaded only when that command runs (or when all are listed, for help and
 * unknown commands): a synth does not load what diff and validate need.
 */
const COMMANDS: Record<string, () => Promise<(done: (code: number) => void) => Command>> = {
  synth: async () => (await import("../main.js")).synthCommand,
  diff: async () => (await import("../diff.js")).diffCommand,
  validate: async () => (await import("../validate.js")).validateCommand,
};
const named = process.argv[2];
const loaded = await Promise.all((named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS)).map((name) => COMMANDS[name]!()));

let exitCode: number = EXIT.ok;
const done = (code: number) => {
  exitCode = code;
};

/** Commander's messages on stderr, help on stdout; a usage error ends the parse instead of the process. */
function conventional(command: Command): Command {
  return command
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError("(add --help for usage)");
}

/** A command whose arguments another app's command line parses (bootstrap, secret). */
function delegated(name: string, description: string, run: () => Promise<(argv: string[]) => Promise<number>>): Command {
  return new Command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[arguments...]")
    .action(async (args: string[]) => done(await (await run())(args)));
}

const program = conventional(new Command("flotilla"))
  .description("Render, check and review the GitOps tree of a fleet of AKS clusters, and create the Azure side of its identities.")
  .version(`flotilla ${version}`, "-V, --version", "print the version")
  .enablePositionalOptions();
for (const command of loaded) program.addCommand(conventional(command(done)));
program
  .addCommand(
    delegated("bootstrap", "plan | apply: create the Azure side of workload identity and write the identity outputs (see `flotilla bootstrap --help`)", async () => {
      const { main } = await import("@flotilla/app-bootstrap/main");
      return (argv) => main(argv, COMMAND_HINTS);
    }),
  )
  .addCommand(
    delegated("secret", "set | updatekeys | sops-config: SOPS-encrypted Secrets of the fleet (see `flotilla secret --help`)", async () => {
      const { main } = await import("@flotilla/app-secrets/main");
      return (argv) => main(argv, COMMAND_HINTS);
    }),
  );

// `flotilla diff | head`: a reader that stops early is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(exitCode);
  throw error;
});
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (error) {
  if (error instanceof CommanderError) {
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const described = describeEnvironmentError(error);
    if (described === undefined) throw error;
    process.stderr.write(`flotilla: ${described}\n`);
    exitCode = EXIT.usage;
  }
}
process.exitCode = exitCode;
