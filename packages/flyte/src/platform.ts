import { definePlatform } from "@flotilla/fleet/platform";
import { podSchedulingFor } from "@flotilla/karpenter/model";
import { Flyte } from "./flyte.js";
import { FLYTE_CHART } from "./model/chart.js";
import { FLYTE_BACKEND_IDENTITY, FLYTE_TASKS_IDENTITY, flyteIdentityRequirements } from "./model/identities.js";
import { flyteWorkloads } from "./model/workloads.js";
import { checkFlyteSpec, FLYTE_DEFAULTS, flyteDefaults, flyteSecrets, flyteSpecSchema } from "./model/spec.js";

/** Flyte as a flotilla platform (`platforms.flyte`), registered in `@flotilla/platforms`. */
export const flytePlatform = definePlatform({
  key: "flyte",
  name: "flyte",
  title: "Flyte",
  spec: {
    schema: flyteSpecSchema,
    defaultNamespace: FLYTE_DEFAULTS.namespace,
    defaults: flyteDefaults,
    secrets: flyteSecrets,
    check: checkFlyteSpec,
  },
  chart: FLYTE_CHART,
  identities: (flyte) => flyteIdentityRequirements(flyte),
  workloads: (flyte) => flyteWorkloads(flyte),
  render(scope, { spec: flyte, cluster, identityAnnotation, podLabels }) {
    let gpuTolerations;
    if (flyte.gpuNodePool !== undefined) {
      const pool = cluster.nodePools.find((candidate) => candidate.name === flyte.gpuNodePool);
      if (pool === undefined) throw new Error(`cluster ${cluster.name}: platforms.flyte.gpuNodePool names node pool ${flyte.gpuNodePool}, which the cluster does not declare`);
      gpuTolerations = podSchedulingFor(pool).tolerations;
    }
    return new Flyte(scope, "flyte", {
      flyte,
      backendIdentity: identityAnnotation(FLYTE_BACKEND_IDENTITY),
      tasksIdentity: identityAnnotation(FLYTE_TASKS_IDENTITY),
      podLabels,
      ...(gpuTolerations === undefined ? {} : { gpuTolerations }),
    });
  },
});
