import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { createValidator } from "../src/validate/index.js";

// A made-up CRD that exercises the structural-schema features the vendored CRDs barely use.
const WIDGET_CRD = parse(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1alpha1
      served: false
      storage: false
      schema:
        openAPIV3Schema: { type: object }
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              required: [size]
              x-kubernetes-validations:
                # CEL rules are evaluated (validate-cel.test.ts); this one holds for every widget below.
                - rule: "!has(self.name) || self.name != 'bad'"
                  message: name must not be bad
              properties:
                size:
                  type: integer
                  format: int32
                  minimum: 0
                  exclusiveMinimum: true
                  maximum: 10
                name: { type: string, minLength: 2, maxLength: 5 }
                homepage: { type: string, format: uri }
                note: { type: string, nullable: true }
                color: { type: string, enum: [red, green] }
                tags:
                  type: array
                  maxItems: 2
                  items: { type: string }
                  x-kubernetes-list-type: set
                empty: { type: object }
                labels:
                  type: object
                  additionalProperties: { type: string }
                target:
                  type: object
                  properties:
                    port: { x-kubernetes-int-or-string: true }
                    host: { type: string }
                  anyOf:
                    - required: [port]
                    - required: [host]
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    level: { type: integer }
            status:
              type: object
              properties:
                ready: { type: boolean }
`);

const validator = createValidator({ crds: [WIDGET_CRD] });

function widget(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 3, ...spec }, ...extra };
}

describe("structural schema semantics", () => {
  it("accepts a valid object, ignoring unknown formats", () => {
    const object = widget(
      {
        size: 1,
        name: "abc",
        homepage: "not a uri",
        note: null,
        color: "red",
        tags: ["a", "b"],
        labels: { a: "b" },
        target: { port: "http" },
        template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { any: "thing" } },
        extra: { level: 2, anything: { goes: [1] } },
      },
      { status: { ready: true } },
    );
    expect(validator.validate(object)).toEqual([]);
  });

  it("checks numeric bounds, including OpenAPI's boolean exclusiveMinimum and int32", () => {
    expect(validator.validate(widget({ size: 0 }))).toEqual([{ path: ".spec.size", message: "must be > 0; got number 0" }]);
    expect(validator.validate(widget({ size: 11 }))).toEqual([{ path: ".spec.size", message: "must be <= 10; got number 11" }]);
    const big = createValidator({ crds: [withSizeSchema({ type: "integer", format: "int32" })] });
    expect(big.validate(widget({ size: 2 ** 31 }))).toEqual([{ path: ".spec.size", message: "must be a valid int32; got number 2147483648" }]);
    expect(big.validate(widget({ size: 2 ** 31 - 1 }))).toEqual([]);
  });

  it("checks string lengths, nullability, enums and arrays", () => {
    expect(validator.validate(widget({ name: "toolong", color: null, tags: ["a", "a"] }))).toEqual([
      { path: ".spec.color", message: "expected string, got null" },
      { path: ".spec.name", message: 'must be at most 5 characters long; got string "toolong"' },
      { path: ".spec.tags", message: "must not contain duplicates (items 0 and 1 are equal)" },
    ]);
    expect(validator.validate(widget({ name: "a", color: "blue" }))).toEqual([
      { path: ".spec.color", message: 'must be one of "red", "green"; got string "blue"' },
      { path: ".spec.name", message: 'must be at least 2 characters long; got string "a"' },
    ]);
    expect(validator.validate(widget({ tags: ["a", "b", "c"] }))).toEqual([{ path: ".spec.tags", message: "must have at most 2 items; got 3" }]);
  });

  it("rejects any field in an object schema without properties", () => {
    expect(validator.validate(widget({ empty: { a: 1 } }))).toEqual([
      { path: ".spec.empty.a", message: "unknown field (no fields are allowed here)" },
    ]);
  });

  it("folds the alternatives of a failed anyOf into one problem", () => {
    expect(validator.validate(widget({ target: {} }))).toEqual([
      {
        path: ".spec.target",
        message: 'must match one of the allowed alternatives (.port: required field is missing | .host: required field is missing)',
      },
    ]);
    expect(validator.validate(widget({ target: { port: 1.5 } }))).toEqual([
      { path: ".spec.target.port", message: "expected integer or string, got number 1.5" },
    ]);
  });

  it("checks embedded resources: apiVersion and kind required, metadata is ObjectMeta", () => {
    expect(validator.validate(widget({ template: { metadata: { nam: "x" } } }))).toEqual([
      { path: ".spec.template.apiVersion", message: "required field is missing" },
      { path: ".spec.template.kind", message: "required field is missing" },
      { path: ".spec.template.metadata.nam", message: expect.stringContaining('did you mean "name"?') },
    ]);
  });

  it("keeps checking listed fields under x-kubernetes-preserve-unknown-fields", () => {
    expect(validator.validate(widget({ extra: { level: "high", other: 1 } }))).toEqual([
      { path: ".spec.extra.level", message: 'expected integer, got string "high"' },
    ]);
  });

  it("checks status like any other field, and rejects unknown top-level fields", () => {
    expect(validator.validate(widget({}, { status: { ready: "yes" }, bogus: 1 }))).toEqual([
      { path: ".bogus", message: expect.stringMatching(/^unknown field/) },
      { path: ".status.ready", message: 'expected boolean, got string "yes"' },
    ]);
  });

  it("does not serve versions marked served: false", () => {
    expect(validator.validate({ ...widget({}), apiVersion: "example.com/v1alpha1" })).toEqual([
      { path: "", message: "no schema is known for example.com/v1alpha1 Widget: the vendored CRD widgets.example.com serves v1, not this version" },
    ]);
  });

  it("compiles a CRD only when an object of its kind is validated", () => {
    const broken = withSizeSchema({ type: "not-a-json-type" });
    const lazy = createValidator({ crds: [broken] });
    expect(lazy.validate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } })).toEqual([]);
    expect(() => lazy.validate(widget({}))).toThrow();
  });
});

/** The Widget CRD with `.spec.size` replaced. */
function withSizeSchema(sizeSchema: Record<string, unknown>): unknown {
  const crd = structuredClone(WIDGET_CRD);
  crd.spec.versions[1].schema.openAPIV3Schema.properties.spec.properties.size = sizeSchema;
  return crd;
}
