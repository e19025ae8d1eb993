#!/usr/bin/env node
// Generates packages/render/schemas/kubernetes-1.28.json from the Kubernetes types that
// cdk8s-plus-28 ships (lib/imports/k8s.d.ts + k8s.js). cdk8s-plus-28 has no JSON schema of its
// own, so the d.ts interfaces (with their `@schema` JSDoc tags) give the structure and the
// `toJson_*` functions in k8s.js give the real JSON keys (e.g. `clusterIp` -> `clusterIP`).
//
// Usage (from the repository root): node packages/render/scripts/generate-k8s-schema.mjs [output-file]
// The output (default: packages/render/schemas/kubernetes-1.28.json) is deterministic: re-running
// the script yields identical bytes.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const outputFile = process.argv[2] ?? join(packageRoot, "schemas", "kubernetes-1.28.json");

const require = createRequire(join(packageRoot, "package.json"));
const cdk8sPlusMain = require.resolve("cdk8s-plus-28");
const cdk8sPlusRoot = join(dirname(cdk8sPlusMain), "..");
const cdk8sPlusVersion = JSON.parse(readFileSync(join(cdk8sPlusRoot, "package.json"), "utf8")).version;
const declarationsFile = join(cdk8sPlusRoot, "lib", "imports", "k8s.d.ts");
const implementationFile = join(cdk8sPlusRoot, "lib", "imports", "k8s.js");

// Hand-written schemas for the two value classes of k8s.d.ts.
const SPECIAL_CLASSES = {
  IntOrString: { type: ["integer", "string"] },
  Quantity: { type: ["number", "string"] },
};

function schemaTag(node) {
  const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === "schema");
  const comment = typeof tag?.comment === "string" ? tag.comment : undefined;
  return comment?.trim();
}

/** Parses `function toJson_X(obj) { ... 'jsonKey': ...obj.propName... }` into X -> (propName -> jsonKey). */
function readJsonKeyMappings(source) {
  const mappings = new Map();
  const functionPattern = /^function toJson_(\w+)\(obj\) \{\n([\s\S]*?)\n\}\n/gm;
  for (const [, typeName, body] of source.matchAll(functionPattern)) {
    const keys = new Map();
    for (const [, jsonKey, propName] of body.matchAll(/^\s*'([^']+)': .*?\bobj\.(\w+)/gm)) {
      keys.set(propName, jsonKey);
    }
    mappings.set(typeName, keys);
  }
  return mappings;
}

/** Parses `KubeX.GVK = { apiVersion: '...', kind: '...', };` */
function readGroupVersionKinds(source) {
  const gvks = new Map();
  const pattern = /^(Kube\w+)\.GVK = \{\s*apiVersion: '([^']+)',\s*kind: '([^']+)',\s*\};/gm;
  for (const [, className, apiVersion, kind] of source.matchAll(pattern)) {
    gvks.set(className, { apiVersion, kind });
  }
  return gvks;
}

function readDeclarations(sourceFile) {
  const interfaces = new Map(); // TS name -> { schemaName, node }
  const enums = new Map(); // TS name -> string values
  const kindClasses = []; // Kube* API object classes
  const specialSchemaNames = new Map(); // TS name -> schema name
  for (const statement of sourceFile.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const schemaName = schemaTag(statement);
      if (schemaName) interfaces.set(statement.name.text, { schemaName, node: statement });
    } else if (ts.isEnumDeclaration(statement)) {
      const values = statement.members.map((member) => {
        if (!member.initializer || !ts.isStringLiteral(member.initializer)) {
          throw new Error(`enum ${statement.name.text}: only string members are supported`);
        }
        return member.initializer.text;
      });
      enums.set(statement.name.text, values);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const name = statement.name.text;
      if (name in SPECIAL_CLASSES) {
        specialSchemaNames.set(name, schemaTag(statement) ?? name);
      } else if (name.startsWith("Kube")) {
        kindClasses.push(name);
      }
    }
  }
  return { interfaces, enums, kindClasses, specialSchemaNames };
}

function createTypeConverter({ interfaces, enums, specialSchemaNames }) {
  const refTo = (schemaName) => ({ $ref: `#/definitions/${schemaName}` });
  const convert = (typeNode) => {
    switch (typeNode.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: "string" };
      case ts.SyntaxKind.NumberKeyword:
        return { type: "number" };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: "boolean" };
      case ts.SyntaxKind.AnyKeyword:
        return {};
    }
    if (ts.isArrayTypeNode(typeNode)) return { type: "array", items: convert(typeNode.elementType) };
    if (ts.isParenthesizedTypeNode(typeNode)) return convert(typeNode.type);
    if (ts.isUnionTypeNode(typeNode)) {
      const types = typeNode.types.map((member) => convert(member).type);
      if (types.some((type) => typeof type !== "string")) throw new Error(`unsupported union: ${typeNode.getText()}`);
      return { type: [...new Set(types)].sort() };
    }
    if (ts.isTypeLiteralNode(typeNode)) {
      const [member, ...rest] = typeNode.members;
      if (!member || rest.length > 0 || !ts.isIndexSignatureDeclaration(member) || !member.type) {
        throw new Error(`unsupported type literal: ${typeNode.getText()}`);
      }
      return { type: "object", additionalProperties: convert(member.type) };
    }
    if (ts.isTypeReferenceNode(typeNode) && ts.isIdentifier(typeNode.typeName)) {
      const name = typeNode.typeName.text;
      const target = interfaces.get(name);
      if (target) return refTo(target.schemaName);
      if (specialSchemaNames.has(name)) return refTo(specialSchemaNames.get(name));
      const values = enums.get(name);
      if (values) return { type: "string", enum: values };
      // k8s.js serialises Date values with toISOString().
      if (name === "Date") return { type: "string", format: "date-time" };
    }
    throw new Error(`unsupported type: ${typeNode.getText()}`);
  };
  return convert;
}

function buildSchema() {
  const declarationsSource = readFileSync(declarationsFile, "utf8");
  const implementationSource = readFileSync(implementationFile, "utf8");
  const sourceFile = ts.createSourceFile(declarationsFile, declarationsSource, ts.ScriptTarget.Latest, true);
  const declarations = readDeclarations(sourceFile);
  const jsonKeys = readJsonKeyMappings(implementationSource);
  const gvks = readGroupVersionKinds(implementationSource);
  const convertType = createTypeConverter(declarations);

  const definitions = {};
  for (const [className, schema] of Object.entries(SPECIAL_CLASSES)) {
    definitions[declarations.specialSchemaNames.get(className)] = schema;
  }
  for (const [typeName, { schemaName, node }] of declarations.interfaces) {
    if (definitions[schemaName]) throw new Error(`duplicate @schema ${schemaName} (${typeName})`);
    const keys = jsonKeys.get(typeName);
    if (!keys) throw new Error(`no toJson_${typeName} in k8s.js`);
    const properties = {};
    const required = [];
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.type) throw new Error(`${typeName}: unsupported member`);
      const propName = member.name.getText(sourceFile);
      const jsonKey = keys.get(propName);
      if (!jsonKey) throw new Error(`${typeName}.${propName}: no JSON key in toJson_${typeName}`);
      properties[jsonKey] = convertType(member.type);
      if (!member.questionToken) required.push(jsonKey);
    }
    definitions[schemaName] = { type: "object", properties, additionalProperties: false };
    if (required.length > 0) definitions[schemaName].required = required.sort();
  }

  const kinds = {};
  for (const className of declarations.kindClasses) {
    const gvk = gvks.get(className);
    const props = declarations.interfaces.get(`${className}Props`);
    if (!gvk || !props) throw new Error(`${className}: missing GVK or ${className}Props`);
    const definition = definitions[props.schemaName];
    definition.properties.apiVersion = { type: "string" };
    definition.properties.kind = { type: "string" };
    kinds[gvk.apiVersion] ??= {};
    if (kinds[gvk.apiVersion][gvk.kind]) throw new Error(`duplicate kind ${gvk.apiVersion} ${gvk.kind}`);
    kinds[gvk.apiVersion][gvk.kind] = props.schemaName;
  }

  return {
    $comment: `Generated by packages/render/scripts/generate-k8s-schema.mjs from cdk8s-plus-28@${cdk8sPlusVersion} lib/imports/k8s.d.ts and k8s.js. Do not edit.`,
    definitions,
    kinds,
  };
}

function sortKeysDeep(value) {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeysDeep(value[key])]),
  );
}

const schema = sortKeysDeep(buildSchema());
writeFileSync(outputFile, `${JSON.stringify(schema, null, 1)}\n`);
const kindCount = Object.values(schema.kinds).reduce((sum, byKind) => sum + Object.keys(byKind).length, 0);
console.log(
  `wrote ${outputFile}: ${Object.keys(schema.definitions).length} definitions, ${kindCount} kinds (cdk8s-plus-28@${cdk8sPlusVersion})`,
);
