/**
 * What a platform states about the workloads its chart runs, for the checks over rendered
 * releases (`@flotilla/review/rendered`): which need Azure (and so workload identity), which pods
 * its programs create at run time, and which objects they create at run time. Each entry says why,
 * from the upstream docs, so a reviewer can check the claim.
 */
export interface PlatformWorkloads {
  /** The platform key under `platforms`, e.g. "flyte". */
  platform: string;
  /** Rendered workloads (Deployments, StatefulSets, …) that call Azure APIs and so need workload identity. */
  azure: AzureWorkload[];
  /** Pods the platform's programs create at run time (not in any chart output), e.g. Flyte task pods. */
  runTimePods: RunTimePod[];
  /** Objects the platform's programs create at run time, which rendered pods may refer to. */
  runTimeObjects: RunTimeObject[];
}

export interface AzureWorkload {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob";
  namespace: string;
  name: string;
  /** Why it needs Azure (what it reads or writes), with the upstream source. */
  reason: string;
}

/** Where a run-time setting is configured: a key of a rendered ConfigMap, parsed as YAML/JSON, at a path. */
export interface ConfigSetting {
  configMap: { namespace: string; name: string };
  key: string;
  /** Keys from the parsed document down to the value. */
  path: string[];
  /** The value the setting must have. */
  equals: string;
}

export interface RunTimePod {
  /** Who creates them, e.g. "flytepropeller (one pod per task)". */
  createdBy: string;
  namespace: string;
  serviceAccount: string;
  /** Whether the platform labels them `azure.workload.identity/use: "true"`, and where that is configured. */
  labelledBy?: ConfigSetting;
  /** Where the ServiceAccount they run as is configured, when not fixed by the program. */
  serviceAccountBy?: ConfigSetting;
  reason: string;
}

export interface RunTimeObject {
  kind: "Secret" | "ConfigMap" | "ServiceAccount" | "PersistentVolumeClaim";
  namespace: string;
  name: string;
  createdBy: string;
  reason: string;
}
