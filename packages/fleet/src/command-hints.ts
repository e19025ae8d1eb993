/**
 * The commands that messages tell people to run, spelled as the program printing them calls them:
 * the CLI passes its own (its aliases); packages never spell a command line themselves.
 */
export interface CommandHints {
  /** Renders the tree again. */
  synth: string;
  /** Encrypts a Secret; followed by ` <cluster> <namespace>/<name> …`. */
  secretSet: string;
  /** Re-encrypts a cluster's Secrets for its current recipients; followed by ` <cluster>`. */
  secretUpdateKeys: string;
  /** Creates a cluster's identities in Azure and writes its outputs; followed by ` --cluster <name>`. */
  bootstrapApply: string;
}

/** The commands by their flotilla names alone, for callers that pass none. */
export const COMMAND_NAMES: CommandHints = { synth: "synth", secretSet: "secret set", secretUpdateKeys: "secret updatekeys", bootstrapApply: "bootstrap apply" };
