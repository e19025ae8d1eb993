/**
 * The commands the rules' fixes name, spelled as the program printing them calls them (the CLI
 * passes its own; structurally a subset of @flotilla/fleet's CommandHints, which sops does not depend on).
 */
export interface SecretCommands {
  /** Renders the tree again. */
  synth: string;
  /** Encrypts a Secret; followed by ` <cluster> <namespace>/<name> …`. */
  secretSet: string;
  /** Re-encrypts a cluster's Secrets for its current recipients; followed by ` <cluster>`. */
  secretUpdateKeys: string;
}

/** The commands by their flotilla names alone (as @flotilla/fleet's COMMAND_NAMES), for callers that pass none. */
export const SECRET_COMMAND_NAMES: SecretCommands = { synth: "synth", secretSet: "secret set", secretUpdateKeys: "secret updatekeys" };
