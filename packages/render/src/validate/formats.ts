import type { Format } from "ajv";

const INT32_LIMIT = 2 ** 31;
// RFC 3339 date-time as used by metav1.Time.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The OpenAPI formats we check. Any other format (uri, duration, hostname, ...) is dropped from the
 * schema before compiling, i.e. not checked, like kubeconform does for formats it does not know.
 */
export const FORMATS: Record<string, Format> = {
  int32: { type: "number", validate: (value: number) => Number.isInteger(value) && value >= -INT32_LIMIT && value < INT32_LIMIT },
  int64: { type: "number", validate: (value: number) => Number.isInteger(value) },
  "date-time": { type: "string", validate: (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) },
  byte: { type: "string", validate: (value: string) => BASE64.test(value) },
};

export function isCheckedFormat(format: unknown): format is string {
  return typeof format === "string" && Object.hasOwn(FORMATS, format);
}
