export * as source from "./imports/source.js";
