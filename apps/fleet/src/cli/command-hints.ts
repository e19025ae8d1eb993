import type { CommandHints } from "@flotilla/fleet";

/**
 * The commands as the user types them: the `pnpm <command>` aliases of the repository root. The
 * CLI owns their spelling and passes it to the packages, whose messages and headers name them.
 */
export const COMMAND_HINTS: CommandHints & { diff: string } = {
  synth: "pnpm synth",
  secretSet: "pnpm secret set",
  secretUpdateKeys: "pnpm secret updatekeys",
  bootstrapApply: "pnpm bootstrap apply",
  diff: "pnpm diff",
};
