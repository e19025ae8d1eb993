import type { IConstruct } from "constructs";

const settings = new WeakMap<IConstruct, string>();

/**
 * Records the setting of the cluster file that `construct` renders (like `nodePools[0]` or
 * `platforms.flyte`): problems with its objects, or any object below it, name that setting.
 * Returns `construct`.
 */
export function renderedFrom<T extends IConstruct>(construct: T, setting: string): T {
  settings.set(construct, setting);
  return construct;
}

/** The setting recorded on `construct` or its nearest scope that has one (see `renderedFrom`). */
export function settingOf(construct: IConstruct): string | undefined {
  const scope = construct.node.scopes.findLast((candidate) => settings.has(candidate));
  return scope === undefined ? undefined : settings.get(scope);
}
