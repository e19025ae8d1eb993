import { parse } from "yaml";
import { type DuplicateKey, duplicateKeysIn, isConfigFileText } from "./duplicate-keys.js";

/**
 * What the checks read from the config files ConfigMaps carry, each text parsed once per run: a
 * fleet's clusters render the same charts, so most of their config texts are the same. Every
 * answer is a function of the text alone; values are shared, never to be modified.
 */
export class ConfigTexts {
  private readonly duplicates = new Map<string, readonly DuplicateKey[]>();
  private readonly mappings = new Map<string, boolean>();
  private readonly values = new Map<string, { value: unknown } | { error: true }>();

  /** Every key written twice in one mapping of the text (duplicateKeysIn). */
  duplicateKeys(text: string): readonly DuplicateKey[] {
    let found = this.duplicates.get(text);
    if (found === undefined) this.duplicates.set(text, (found = duplicateKeysIn(text)));
    return found;
  }

  /** Whether a multi-line entry is a YAML mapping (isConfigFileText). */
  isMapping(text: string): boolean {
    let mapping = this.mappings.get(text);
    if (mapping === undefined) this.mappings.set(text, (mapping = isConfigFileText(text)));
    return mapping;
  }

  /** The text's value as YAML/JSON, or an error when it does not parse. */
  value(text: string): { value: unknown } | { error: true } {
    let parsed = this.values.get(text);
    if (parsed === undefined) {
      try {
        parsed = { value: parse(text) as unknown };
      } catch {
        parsed = { error: true };
      }
      this.values.set(text, parsed);
    }
    return parsed;
  }
}
