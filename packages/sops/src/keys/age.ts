/** age-encryption, loaded on first use so that reading and checking files stays cheap. */
const age = () => import("age-encryption");
import type { SopsMetadata } from "../metadata.js";
import type { KeyUnwrapper, KeyWrapper } from "./types.js";

/** An X25519 (`age1…`) or post-quantum hybrid (`age1pq1…`) recipient, Bech32 lower case. */
const AGE_RECIPIENT = /^age1(pq1)?[023456789acdefghjklmnpqrstuvwxyz]+$/;

/** A problem with an age recipient string, or `undefined` when it looks valid. */
export function checkAgeRecipient(value: string): string | undefined {
  if (!AGE_RECIPIENT.test(value)) {
    return `expected an age recipient ("age1…", the public key printed by \`age-keygen\`), got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 79)}…` : value)}`;
  }
  return undefined;
}

/** Wraps the data key for an age recipient: an armored age file holding the 32 key bytes, as sops writes it. */
export function ageRecipient(recipient: string): KeyWrapper {
  const problem = checkAgeRecipient(recipient);
  if (problem !== undefined) throw new Error(problem);
  return {
    kind: "age",
    id: recipient,
    matches: (stanza) => stanza.kind === "age" && stanza.stanza.recipient === recipient,
    async wrap(dataKey) {
      const { armor, Encrypter } = await age();
      const encrypter = new Encrypter();
      encrypter.addRecipient(recipient);
      const enc = armor.encode(await encrypter.encrypt(dataKey));
      return { kind: "age", stanza: { recipient, enc } };
    },
  };
}

/**
 * Unwraps the data key with age identities (`AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…`
 * lines; comments and blank lines of a keys file are ignored). Tries every age stanza of the
 * file whose recipient belongs to one of the identities.
 */
export async function ageIdentities(keysText: string): Promise<KeyUnwrapper> {
  const identities = keysText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  for (const identity of identities) {
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(identity)) {
      throw new Error("an age keys file may contain only AGE-SECRET-KEY-… lines, comments (#) and blank lines");
    }
  }
  const { armor, Decrypter, identityToRecipient } = await age();
  const recipients = new Set(await Promise.all(identities.map((identity) => identityToRecipient(identity))));
  return {
    description: `age identities (${identities.length})`,
    appliesTo: (metadata: SopsMetadata) => metadata.age.length > 0,
    async unwrap(metadata: SopsMetadata) {
      for (const stanza of metadata.age) {
        if (!recipients.has(stanza.recipient)) continue;
        const decrypter = new Decrypter();
        for (const identity of identities) decrypter.addIdentity(identity);
        const key = await decrypter.decrypt(armor.decode(stanza.enc));
        if (key.length !== 32) throw new Error(`the age stanza for ${stanza.recipient} holds ${key.length} bytes, not a 32-byte data key`);
        return key;
      }
      return undefined;
    },
  };
}

/** The recipient (`age1…`) of an age identity. */
export async function ageRecipientOf(identity: string): Promise<string> {
  const { identityToRecipient } = await age();
  return identityToRecipient(identity.trim());
}
