import { createHash } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based UUID, version 5 (SHA-1, RFC 9562 §5.5): the same namespace and name always give
 * the same UUID, lowercase.
 */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new Error(`uuidV5: namespace must be a UUID, got ${JSON.stringify(namespace)}`);
  const bytes = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 9562's namespace for URLs. */
export const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/**
 * flotilla's namespace for deterministic Azure GUIDs: `uuidV5(URL_NAMESPACE,
 * "https://flotilla.dev/workload-identity")`. Never change it: every role assignment and custom
 * role definition name derives from it.
 */
export const FLOTILLA_GUID_NAMESPACE = "bb1c3d7e-47b8-5c7b-9309-f87ae52451b7";
