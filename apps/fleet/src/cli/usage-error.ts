/** A mistake in how a command was called (an unknown `--cluster`): one line on stderr, exit 2. */
export class UsageError extends Error {}
