export type { ObjectValidator, SchemaProblem, ValidatorOptions } from "./types.js";
export { createValidator } from "./validator.js";
