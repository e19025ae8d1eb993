// What code compiled ahead of time (`@flotilla/render/precompile`) requires at run time: the
// pattern engine and formats the units were compiled with. Nothing else: loading it loads no ajv.
export { FORMATS } from "../validate/formats.js";
export { kubernetesPatternEngine } from "../validate/pattern-engine.js";
