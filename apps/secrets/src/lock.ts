import { describeHolder, LockBusyError, withLock } from "@flotilla/lock";
import { CliError, type GlobalOptions, locations, type SecretCliDeps } from "./context.js";

/**
 * Runs a command that writes encrypted secrets (and .sops.yaml) holding the lock of the secrets
 * directory (`apps/fleet/secrets` → `apps/fleet/.secrets.lock`): one writer at a time. A second
 * one waits, then stops (exit 2) naming the holder.
 */
export async function withSecretsLock<T>(operation: string, options: GlobalOptions, deps: SecretCliDeps, task: () => Promise<T>): Promise<T> {
  const where = locations(deps, options);
  try {
    return await withLock(
      where.secretsDir,
      {
        operation,
        waitMs: deps.lockWaitMs,
        onWait: (holder) => deps.stderr(`Waiting for the lock of ${where.displayName(where.secretsDir)} (held by ${describeHolder(holder)})…`),
      },
      task,
    );
  } catch (error) {
    if (error instanceof LockBusyError) throw new CliError(`${error.message} Nothing was written.`, 2);
    throw error;
  }
}
