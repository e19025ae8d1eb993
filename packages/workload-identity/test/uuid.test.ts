import { describe, expect, it } from "vitest";
import { FLOTILLA_GUID_NAMESPACE, uuidV5 } from "../src/index.js";
import { URL_NAMESPACE } from "../src/uuid.js";

describe("uuidV5", () => {
  it("matches the published vector (Python's uuid5(NAMESPACE_DNS, 'python.org'))", () => {
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });

  it("derives flotilla's namespace from its URL", () => {
    expect(uuidV5(URL_NAMESPACE, "https://flotilla.dev/workload-identity")).toBe(FLOTILLA_GUID_NAMESPACE);
  });

  it("is a lowercase version-5, RFC-variant UUID", () => {
    expect(uuidV5(FLOTILLA_GUID_NAMESPACE, "x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("rejects a namespace that is not a UUID", () => {
    expect(() => uuidV5("nope", "x")).toThrow(/namespace must be a UUID/);
  });
});
