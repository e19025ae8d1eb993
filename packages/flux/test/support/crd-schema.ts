/**
 * Test helper: validates emitted Flux manifests against the openAPIV3Schema of the
 * vendored CRDs (packages/flux/crds), strictly:
 *
 * - every object schema that declares `properties` (and neither preserves unknown fields
 *   nor declares its own `additionalProperties`) gets `additionalProperties: false`, so a
 *   misspelt field name fails validation instead of being pruned silently by the API server;
 * - the CEL rules (`x-kubernetes-validations`) of the schema nodes a manifest reaches are
 *   evaluated by small hand-written equivalents; a rule without an equivalent is reported as
 *   an error rather than skipped.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fluxCrdFiles } from "../../src/crd-files.js";
import type { Manifest } from "./synth.js";

type Schema = Record<string, unknown>;

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}
interface AjvValidateFn {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
interface AjvInstance {
  compile(schema: Schema): AjvValidateFn;
  addFormat(name: string, format: { type?: string; validate: (v: never) => boolean }): AjvInstance;
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvInstance;

interface YamlModule {
  parseAllDocuments(src: string): Array<{ toJSON(): unknown }>;
}

/**
 * ajv 8 and yaml are not declared dependencies of any workspace package; they are
 * installed as dependencies of cdk8s-cli (root devDependency) and, for yaml, bundled
 * with cdk8s. Use them directly if they ever become resolvable from here, else through
 * those packages.
 */
function loadFrom<T>(name: string, via: string[]): T {
  const here = createRequire(import.meta.url);
  const attempts: Array<() => unknown> = [() => here(name), ...via.map((pkg) => () => createRequire(here.resolve(pkg))(name))];
  for (const load of attempts) {
    try {
      const mod = load() as { default?: T } & T;
      return mod.default ?? mod;
    } catch {
      // try the next location
    }
  }
  throw new Error(`${name} could not be resolved (neither directly nor via ${via.join(", ")})`);
}

const loadAjv = (): AjvCtor => loadFrom<AjvCtor>("ajv", ["cdk8s-cli/package.json"]);
const loadYaml = (): YamlModule => loadFrom<YamlModule>("yaml", ["cdk8s", "cdk8s-cli/package.json"]);

/** Returns a deep copy of `schema` with `additionalProperties: false` on closed object schemas. */
export function strictSchema<T>(schema: T): T {
  if (Array.isArray(schema)) {
    return schema.map((s) => strictSchema(s)) as T;
  }
  if (schema === null || typeof schema !== "object") {
    return schema;
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema as Schema)) {
    if (k === "properties" && v !== null && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strictSchema(s)]));
    } else if (k === "enum" || k === "default" || k === "example" || k === "required" || k === "x-kubernetes-validations") {
      out[k] = v; // data, not schemas
    } else {
      out[k] = strictSchema(v);
    }
  }
  if (
    out.properties !== undefined &&
    out["x-kubernetes-preserve-unknown-fields"] !== true &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out as T;
}

const has = (o: unknown, k: string): boolean => o !== null && typeof o === "object" && (o as Record<string, unknown>)[k] !== undefined;
const get = (o: unknown, k: string): unknown => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined);

/** Hand-written equivalents of the CEL rules found in the vendored CRDs' spec schemas. */
const CEL_RULES: Record<string, (self: unknown) => boolean> = {
  // GitRepository spec
  "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))": (s) =>
    !has(s, "serviceAccountName") || (has(s, "provider") && (get(s, "provider") === "azure" || get(s, "provider") === "aws")),
  // HelmRelease spec
  "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))": (s) =>
    (has(s, "chart") && !has(s, "chartRef")) || (!has(s, "chart") && has(s, "chartRef")),
  // HelmRelease install.strategy / upgrade.strategy
  "!has(self.retryInterval) || self.name != 'RemediateOnFailure'": (s) => !has(s, "retryInterval") || get(s, "name") !== "RemediateOnFailure",
  "!has(self.retryInterval) || self.name == 'RetryOnFailure'": (s) => !has(s, "retryInterval") || get(s, "name") === "RetryOnFailure",
  // HelmRelease / Kustomization kubeConfig
  "has(self.configMapRef) || has(self.secretRef)": (s) => has(s, "configMapRef") || has(s, "secretRef"),
  "!has(self.configMapRef) || !has(self.secretRef)": (s) => !has(s, "configMapRef") || !has(s, "secretRef"),
  // HelmChart spec
  "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'": (s) => !has(s, "verify") || get(get(s, "sourceRef"), "kind") === "HelmRepository",
};

const normalizeRule = (rule: string): string => rule.replace(/\s+/g, " ").trim();

/** Evaluates the CEL rules of every schema node `data` reaches; returns error strings. */
function checkCel(schema: Schema, data: unknown, path: string): string[] {
  const errors: string[] = [];
  const rules = (schema["x-kubernetes-validations"] as Array<{ rule: string; message?: string }> | undefined) ?? [];
  for (const { rule, message } of rules) {
    const check = CEL_RULES[normalizeRule(rule)];
    if (check === undefined) {
      errors.push(`${path || "/"}: CEL rule has no test equivalent (add one to CEL_RULES): ${rule}`);
    } else if (!check(data)) {
      errors.push(`${path || "/"}: CEL rule failed: ${message ?? rule}`);
    }
  }
  if (Array.isArray(data) && schema.items !== undefined) {
    data.forEach((item, i) => errors.push(...checkCel(schema.items as Schema, item, `${path}/${i}`)));
  } else if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      const child = props[k] ?? (typeof schema.additionalProperties === "object" ? (schema.additionalProperties as Schema) : undefined);
      if (child !== undefined) {
        errors.push(...checkCel(child, v, `${path}/${k}`));
      }
    }
  }
  return errors;
}

interface CrdEntry {
  file: string;
  apiVersion: string;
  kind: string;
  specSchema: Schema;
  /** Compiled on first use: compiling every CRD up front costs seconds. */
  validate?: AjvValidateFn;
}

/** Validator for manifests of the kinds defined by a set of CRD files. */
export class CrdValidator {
  private readonly byGvk = new Map<string, CrdEntry>();
  private readonly ajv: AjvInstance;

  public constructor(files: string[] = fluxCrdFiles()) {
    const Ajv = loadAjv();
    const ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv = ajv;
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    ajv.addFormat("date-time", { type: "string", validate: (s: string) => !Number.isNaN(Date.parse(s)) });
    const yaml = loadYaml();
    for (const file of files) {
      for (const doc of yaml.parseAllDocuments(readFileSync(file, "utf8"))) {
        const crd = doc.toJSON() as Manifest | null;
        if (crd?.kind !== "CustomResourceDefinition") {
          continue;
        }
        for (const version of crd.spec.versions as Manifest[]) {
          if (!version.served) {
            continue;
          }
          const specSchema = version.schema?.openAPIV3Schema?.properties?.spec as Schema | undefined;
          if (specSchema === undefined) {
            throw new Error(`${file}: version ${version.name} has no openAPIV3Schema.properties.spec`);
          }
          const apiVersion = `${crd.spec.group}/${version.name}`;
          const kind = crd.spec.names.kind as string;
          this.byGvk.set(`${apiVersion}|${kind}`, { file, apiVersion, kind, specSchema });
        }
      }
    }
  }

  /** The `apiVersion|kind` pairs this validator knows. */
  public get kinds(): string[] {
    return [...this.byGvk.keys()].sort();
  }

  /** Returns the validation errors of one manifest (empty when valid). */
  public errors(manifest: Manifest): string[] {
    const id = `${manifest?.kind} ${manifest?.metadata?.namespace}/${manifest?.metadata?.name}`;
    const entry = this.byGvk.get(`${manifest?.apiVersion}|${manifest?.kind}`);
    if (entry === undefined) {
      return [`${id}: no served CRD version for apiVersion ${manifest?.apiVersion} kind ${manifest?.kind}`];
    }
    const errors: string[] = [];
    const topLevel = Object.keys(manifest).filter((k) => !["apiVersion", "kind", "metadata", "spec"].includes(k));
    if (topLevel.length > 0) {
      errors.push(`${id}: unexpected top-level fields ${topLevel.join(", ")}`);
    }
    if (typeof manifest.metadata?.name !== "string" || typeof manifest.metadata?.namespace !== "string") {
      errors.push(`${id}: metadata.name and metadata.namespace must be set`);
    }
    if (manifest.spec === undefined) {
      errors.push(`${id}: spec is missing`);
      return errors;
    }
    entry.validate ??= this.ajv.compile(strictSchema(entry.specSchema));
    if (!entry.validate(manifest.spec)) {
      for (const e of entry.validate.errors ?? []) {
        const extra = e.params?.additionalProperty !== undefined ? ` (${String(e.params.additionalProperty)})` : "";
        errors.push(`${id}: spec${e.instancePath} ${e.message ?? "invalid"}${extra}`);
      }
    }
    errors.push(...checkCel(entry.specSchema, manifest.spec, "").map((e) => `${id}: spec${e}`));
    return errors;
  }

  /** Throws one error listing every problem of every manifest. */
  public assertValid(manifests: Manifest[]): void {
    const errors = manifests.flatMap((m) => this.errors(m));
    if (errors.length > 0) {
      throw new Error(`manifests do not match the vendored CRD schemas:\n  ${errors.join("\n  ")}`);
    }
  }
}

let shared: CrdValidator | undefined;

/** A lazily created validator over all vendored CRDs. */
export function crdValidator(): CrdValidator {
  shared ??= new CrdValidator();
  return shared;
}

/** Asserts that every manifest validates against its (strict) CRD schema. */
export function expectValidManifests(manifests: Manifest[]): void {
  crdValidator().assertValid(manifests);
}
