import { resolveKubectl } from "@flotilla/helm";
import { repoRoot } from "./synth-cli.js";

/** The kubectl the commands use (the pinned v1.33.9 with kustomize v5.6.0, or PATH's elsewhere). */
export const kubectl = (await resolveKubectl({ cacheDir: `${repoRoot}node_modules/.cache/flotilla` })).path;
