import { distance as editDistance } from "fastest-levenshtein";

/**
 * The candidate closest to `input`, compared case-insensitively and ignoring '-' and '_', if it
 * is close enough to be a likely typo (at most a third of the longer name, minimum 1 edit).
 * Ties go to the earlier candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const norm = (value: string) => value.toLowerCase().replace(/[-_]/g, "");
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(norm(input), norm(candidate));
    const limit = Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
