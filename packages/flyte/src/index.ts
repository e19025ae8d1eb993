export { Flyte, type FlyteProps } from "./flyte.js";
export * from "./model/index.js";
