import type { CommandHints } from "@flotilla/fleet";

/**
 * The commands as the user types them (the repository root's `pnpm` aliases), for the packages'
 * messages; the same spelling as the fleet CLI's COMMAND_HINTS (apps/fleet, which depends on this app).
 */
export const COMMAND_HINTS: CommandHints = {
  synth: "pnpm synth",
  secretSet: "pnpm secret set",
  secretUpdateKeys: "pnpm secret updatekeys",
  bootstrapApply: "pnpm bootstrap apply",
};
