import { Command, CommanderError, Option } from "commander";
import { KeyVaultAccessError, SopsError } from "@flotilla/sops";
import { commandSet } from "./command-set.js";
import { commandSopsConfig } from "./command-sops-config.js";
import { commandUpdateKeys } from "./command-updatekeys.js";
import { commandView } from "./command-view.js";
import { withSecretsLock } from "./lock.js";
import { CliError, type GlobalOptions, type SecretCliDeps } from "./context.js";

const collect = (value: string, previous: string[]) => [...previous, value];

function program(deps: SecretCliDeps): Command {
  const root = new Command("secret")
    .description("SOPS-encrypted Kubernetes Secrets of the fleet (apps/fleet/secrets/<cluster>/<namespace>/<name>.sops.yaml).")
    .option("--fleet <dir>", "directory of cluster modules to use instead of the example fleet (secrets in <dir>/secrets)")
    .option("--secrets <dir>", "directory of the encrypted secrets (default apps/fleet/secrets)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => deps.stdout(text.trimEnd()), writeErr: (text) => deps.stderr(text.trimEnd()) });

  root
    .command("set")
    .description("encrypt values for a cluster's recipients and store the Secret; values are never printed or written in plaintext")
    .argument("<cluster>", "cluster name")
    .argument("<namespace/name>", "the Secret")
    .option("--from-literal <key=value>", "a value on the command line (it stays in your shell history: prefer --from-stdin)", collect, [])
    .option("--from-file <[key=]path>", "a file's bytes (key defaults to the file name)", collect, [])
    .option("--from-env-file <path>", "KEY=VALUE lines", collect, [])
    .option("--from-stdin <key>", "read the value of <key> from standard input (hidden prompt on a terminal)")
    .option("--type <type>", "Secret type", "Opaque")
    .option("--label <key=value>", "a label (in clear text)", collect, [])
    .option("--annotation <key=value>", "an annotation (in clear text)", collect, [])
    .option("--replace", "write only the given keys (drop the others); needed when the existing file cannot be decrypted here", false)
    .action(async (cluster: string, target: string, options: Record<string, unknown>, command: Command) => {
      const all = { ...(command.optsWithGlobals() as object), ...options } as unknown as Parameters<typeof commandSet>[2];
      await withSecretsLock("secret set", all, deps, () => commandSet(cluster, target, all, deps));
    });

  root
    .command("view")
    .description("decrypt a Secret with your key (SOPS_AGE_KEY_FILE / SOPS_AGE_KEY, sops' default age keys file, or Azure Key Vault) and print it to the terminal")
    .argument("<cluster>", "cluster name")
    .argument("<namespace/name>", "the Secret")
    .option("--key <key>", "print only this key's value, its bytes as they are")
    .option("-o, --output <format>", "yaml or json", "yaml")
    .option("--pipe", "print even when stdout is not a terminal (a pipe or a file then holds the plaintext)")
    .action(async (cluster: string, target: string, options: Record<string, unknown>, command: Command) => {
      await commandView(cluster, target, { ...(command.optsWithGlobals() as object), ...options } as unknown as Parameters<typeof commandView>[2], deps);
    });

  root
    .command("updatekeys")
    .description("re-wrap every secret's data key for the cluster's current recipients, values unchanged (needs a key that decrypts them now)")
    .argument("[clusters...]", "cluster names")
    .addOption(new Option("--all", "every cluster with recipients"))
    .action(async (clusters: string[], options: { all?: boolean }, command: Command) => {
      const all: GlobalOptions & { all?: boolean } = { ...(command.optsWithGlobals() as GlobalOptions), ...options };
      await withSecretsLock("secret updatekeys", all, deps, () => commandUpdateKeys(clusters, all, deps));
    });

  root
    .command("sops-config")
    .description("write .sops.yaml (creation rules per cluster) for people who use the sops CLI")
    .option("--check", "change nothing; exit 1 if .sops.yaml is out of date")
    .action(async (options: { check?: boolean }, command: Command) => {
      await commandSopsConfig({ ...(command.optsWithGlobals() as object), ...options }, deps);
    });
  return root;
}

/** `flotilla secret …`: the same as {@link runSecretCli}, under the name the one CLI calls. */
export const runSecret = (argv: string[], deps: SecretCliDeps): Promise<number> => runSecretCli(argv, deps);

/**
 * Runs `secret <argv>`; returns the exit code (0 done, 1 a problem, 2 usage or environment).
 * Never calls process.exit; writes only through `deps`. Errors are printed as one message, never
 * with values.
 */
export async function runSecretCli(argv: string[], deps: SecretCliDeps): Promise<number> {
  try {
    await program(deps).parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      deps.stderr(`secret: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof SopsError) {
      deps.stderr(`secret: ${error.message}`);
      // Key Vault unreachable or no Azure sign-in: an environment error.
      return error instanceof KeyVaultAccessError && error.environment ? 2 : 1;
    }
    throw error;
  }
}
