export { Flyte, type FlyteProps } from "./flyte.js";
export { flytePlatform } from "./platform.js";
export * from "./model/index.js";
