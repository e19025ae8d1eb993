import { createRequire } from "node:module";
import type { Ajv as AjvClass } from "ajv";
import { indexCustomResources } from "../validate/custom-resources.js";
import { KUBERNETES_VERSIONS } from "../kubernetes-versions/index.js";
import { definitionUnitKey, kubernetesUnit, loadKubernetesSchema } from "../validate/kubernetes-schema.js";
import { kubernetesPatternEngine } from "../validate/pattern-engine.js";
import { addCustomResourceUnits } from "../validate/root-schemas.js";
import { type SchemaUnit, UNIT_COMPILER_OPTIONS, unitDigest } from "../validate/schema-units.js";

/** The module the generated code requires for the pattern engine and the formats. */
const RUNTIME = "@flotilla/render/validator-runtime";

/**
 * Compiles, ahead of time, every schema unit `createValidator({ crds })` can need: every served
 * version of the CRDs and every definition of every Kubernetes version's schema (a definition that
 * did not change between versions is one unit). Returns ajv's standalone code
 * (CommonJS, requiring `ajv` and `@flotilla/render/validator-runtime`) by `unitDigest`; loaded
 * through the validator's `precompiled` option, a unit is never compiled at run time.
 */
export function precompileSchemaUnits(crds: readonly unknown[]): Map<string, string> {
  const require = createRequire(import.meta.url);
  const { Ajv, _ } = require("ajv") as typeof import("ajv");
  const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: AjvClass, validate: unknown) => string }).default;
  const ajv = new Ajv({
    ...UNIT_COMPILER_OPTIONS,
    code: {
      ...UNIT_COMPILER_OPTIONS.code,
      source: true,
      regExp: Object.assign((pattern: string, flags: string) => kubernetesPatternEngine(pattern, flags), {
        code: `require(${JSON.stringify(RUNTIME)}).kubernetesPatternEngine`,
      }),
      formats: _`require(${RUNTIME}).FORMATS`,
    },
  });
  const code = new Map<string, string>();
  for (const unit of allUnits(crds)) {
    const digest = unitDigest(unit.schema);
    if (!code.has(digest)) code.set(digest, standaloneCode(ajv, ajv.compile(unit.schema)));
  }
  return code;
}

function allUnits(crds: readonly unknown[]): SchemaUnit[] {
  const units = new Map<string, SchemaUnit>();
  for (const [key, { openApiSchema }] of indexCustomResources(crds).served) addCustomResourceUnits(openApiSchema, key, units);
  const definitions = KUBERNETES_VERSIONS.flatMap((version) => {
    const kubernetes = loadKubernetesSchema(version);
    return Object.keys(kubernetes.definitions).flatMap((name) => kubernetesUnit(kubernetes, definitionUnitKey(name)) ?? []);
  });
  return [...units.values(), ...definitions];
}
