import { CliError } from "./context.js";

/** `<namespace>/<name>` of a Secret (lowercase Kubernetes names), or a usage error. */
export function parseTarget(target: string): { namespace: string; name: string } {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(target);
  if (!match || target.length > 253 + 64) throw new CliError(`expected <namespace>/<name> (lowercase Kubernetes names), got ${JSON.stringify(target)}`, 2);
  return { namespace: match[1]!, name: match[3]! };
}
