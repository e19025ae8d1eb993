import { distance as editDistance } from "fastest-levenshtein";

const MAX_LISTED_FIELDS = 8;

/** "unknown field (did you mean "interval"? known fields: interval, path, prune, ...)" */
export function describeUnknownField(field: string, knownFields: readonly string[]): string {
  if (knownFields.length === 0) return "unknown field (no fields are allowed here)";
  const byDistance = knownFields
    .map((name) => ({ name, distance: editDistance(field.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  const listed = byDistance.slice(0, MAX_LISTED_FIELDS).map(({ name }) => name);
  const more = knownFields.length > listed.length ? ", ..." : "";
  const closest = byDistance[0];
  const suggestion =
    closest && closest.distance <= Math.max(2, Math.floor(field.length / 3)) ? `did you mean "${closest.name}"? ` : "";
  return `unknown field (${suggestion}known fields: ${listed.join(", ")}${more})`;
}
