// Compiles every schema unit the validator can need (the vendored CRDs and the Kubernetes schema)
// ahead of time into dist/validators/<digest>.cjs, with dist/validators/index.json listing them:
// synth and validate then load a unit's code instead of compiling it (ajv is not even loaded).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { precompileSchemaUnits } from "@flotilla/render/precompile";
import { PRECOMPILED_DIR, PRECOMPILED_INDEX, readVendoredCrds } from "../dist/schema-validator.js";

const code = precompileSchemaUnits(await readVendoredCrds());
await rm(PRECOMPILED_DIR, { recursive: true, force: true });
await mkdir(PRECOMPILED_DIR, { recursive: true });
for (const [digest, source] of code) await writeFile(join(PRECOMPILED_DIR, `${digest}.cjs`), source);
await writeFile(join(PRECOMPILED_DIR, PRECOMPILED_INDEX), `${JSON.stringify([...code.keys()].sort())}\n`);
