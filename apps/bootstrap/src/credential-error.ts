import { describeError, redactSecrets } from "./arm-errors.js";

/** Sentences of the SDK's credential messages that send the reader elsewhere rather than say what failed. */
const ADVICE = /^(To troubleshoot|To mitigate|Please visit|Ensure |For more|See )/;
const MAX_REASON = 160;

/**
 * Why no token could be had, on one line. DefaultAzureCredential's AggregateAuthenticationError
 * carries one error per credential it tried, each a paragraph of advice and links (and, for the
 * managed identity probe, a proxy's raw answer): each becomes its first sentences, links and
 * advice left out, so the line says what was tried and why each failed.
 */
export function describeCredentialError(error: unknown): string {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return describeError(error);
  return `no credential of the chain worked: ${errors.map(reasonOf).join("; ")}`;
}

function reasonOf(error: unknown): string {
  const raw = (error as { message?: unknown } | null)?.message;
  const text = redactSecrets(String(typeof raw === "string" ? raw : error).replace(/\s+/g, " ").trim()).replace(/^Error: /, "");
  const sentences = text.split(/(?<=\.)\s+/).filter((sentence) => !ADVICE.test(sentence) && !/https?:\/\//.test(sentence));
  const reason = sentences.slice(0, 2).join(" ").replace(/\.$/, "") || text;
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
