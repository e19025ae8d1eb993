/**
 * Reads field names out of a zod schema, for "unknown field; did you mean ...?" messages.
 * Only the wrappers this package uses are followed (object, array, record, optional, nullable,
 * default, prefault, pipe) and, for allFields, the alternatives of a union.
 */

interface SchemaLike {
  readonly _zod: { readonly def: DefLike };
}

interface DefLike {
  readonly type: string;
  readonly shape?: Readonly<Record<string, SchemaLike>>;
  readonly element?: SchemaLike;
  readonly valueType?: SchemaLike;
  readonly innerType?: SchemaLike;
  readonly in?: SchemaLike;
  readonly options?: readonly SchemaLike[];
}

/** A field declared somewhere in a schema: its dotted location (`""` for the root) and name. */
export interface KnownField {
  /** Location of the object declaring the field, with `[]` for list items: `"namespaces[]"`. */
  readonly parent: string;
  /** The field name. */
  readonly key: string;
}

function unwrap(schema: SchemaLike): SchemaLike {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
}

/** The field names of the object found at `path` in `schema` (list indices allowed), if any. */
export function fieldsAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let current = unwrap(schema as SchemaLike);
  for (const segment of path) {
    const def = current._zod.def;
    const next =
      def.type === "object" && typeof segment === "string"
        ? def.shape?.[segment]
        : def.type === "array"
          ? def.element
          : def.type === "record"
            ? def.valueType
            : undefined;
    if (next === undefined) return undefined;
    current = unwrap(next);
  }
  const shape = current._zod.def.type === "object" ? current._zod.def.shape : undefined;
  return shape === undefined ? undefined : Object.keys(shape);
}

/** Every object field of `schema`, depth first, in declaration order. */
export function allFields(schema: unknown): KnownField[] {
  const found: KnownField[] = [];
  const visit = (node: SchemaLike, parent: string): void => {
    const def = unwrap(node)._zod.def;
    if (def.type === "object" && def.shape !== undefined) {
      for (const [key, child] of Object.entries(def.shape)) {
        found.push({ parent, key });
        visit(child, parent === "" ? key : `${parent}.${key}`);
      }
    } else if (def.type === "array" && def.element !== undefined) {
      visit(def.element, `${parent}[]`);
    } else if (def.type === "union" && def.options !== undefined) {
      // Each alternative's fields, once (a discriminated union's members share the discriminator).
      const start = found.length;
      for (const option of def.options) visit(option, parent);
      const ids = new Set<string>();
      for (const field of found.splice(start)) {
        const id = `${field.parent}\0${field.key}`;
        if (!ids.has(id)) found.push(field);
        ids.add(id);
      }
    }
  };
  visit(schema as SchemaLike, "");
  return found;
}
