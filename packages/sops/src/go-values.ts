/**
 * Values as sops (Go) sees them. The MAC and the ENC[...] `type:` field depend on the Go type a
 * value decodes to, so a plain YAML scalar is resolved the way gopkg.in/yaml.v3 resolves it into
 * `interface{}`, and values are turned into bytes the way sops' `ToBytes` does.
 */

/** A leaf value of a sops tree, tagged with the Go type sops works with. */
export type SopsValue =
  | { type: "str"; value: string }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "bytes"; value: Uint8Array }
  | { type: "null" };

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const INFINITIES = new Set([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
const NEGATIVE_INFINITIES = new Set(["-.inf", "-.Inf", "-.INF"]);
const NANS = new Set([".nan", ".NaN", ".NAN"]);
/** yaml.v3's `yamlStyleFloat`. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`: decimal, 0x, 0o, 0b and leading-0 octal. */
function parseGoInt(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match as unknown as [string, string, string];
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value < INT64_MIN || value > UINT64_MAX || (sign === "-" && value < INT64_MIN)) return undefined;
  return value;
}

/**
 * The value a plain (unquoted) YAML scalar decodes to in Go (yaml.v3 into `interface{}`).
 * Quoted and block scalars are always strings; call this only for plain ones. Timestamps stay
 * strings, as yaml.v3 keeps them for `interface{}`.
 */
export function resolvePlainScalar(text: string): SopsValue {
  if (NULLS.has(text)) return { type: "null" };
  if (TRUES.has(text)) return { type: "bool", value: true };
  if (FALSES.has(text)) return { type: "bool", value: false };
  if (INFINITIES.has(text)) return { type: "float", value: Infinity };
  if (NEGATIVE_INFINITIES.has(text)) return { type: "float", value: -Infinity };
  if (NANS.has(text)) return { type: "float", value: NaN };
  const first = text[0] ?? "";
  if (/[-+.0-9]/.test(first)) {
    const plain = text.replaceAll("_", "");
    const int = parseGoInt(plain);
    if (int !== undefined) return { type: "int", value: int };
    if (YAML_FLOAT.test(plain)) return { type: "float", value: Number(plain) };
    const binary = /^(-?)0b([01]+)$/.exec(plain);
    if (binary) return { type: "int", value: (binary[1] === "-" ? -1n : 1n) * BigInt(`0b${binary[2]}`) };
  }
  return { type: "str", value: text };
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest round-tripping digits, never an exponent. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Object.is(value, -0)) return "-0";
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = "", exponentText] = match as unknown as [string, string, string, string | undefined, string];
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  const point = 1 + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const encoder = new TextEncoder();

/** The bytes sops hashes into the MAC and encrypts for a value (`sops.ToBytes`). */
export function valueBytes(value: SopsValue): Uint8Array {
  switch (value.type) {
    case "str":
      return encoder.encode(value.value);
    case "int":
      return encoder.encode(value.value.toString());
    case "float":
      return encoder.encode(formatGoFloat(value.value));
    case "bool":
      return encoder.encode(value.value ? "True" : "False");
    case "bytes":
      return value.value;
    case "null":
      throw new Error("a null value cannot be encrypted or hashed by sops; give it a value or remove it");
  }
}

/** The value as plain JavaScript (for the decrypted tree). */
export function toPlain(value: SopsValue): unknown {
  switch (value.type) {
    case "str":
    case "bool":
    case "float":
      return value.value;
    case "int":
      return value.value >= BigInt(Number.MIN_SAFE_INTEGER) && value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : value.value;
    case "bytes":
      return value.value;
    case "null":
      return null;
  }
}
