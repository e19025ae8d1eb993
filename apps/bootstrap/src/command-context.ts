/**
 * What both commands share: how the CLI talks to the outside (output, environment, prompts),
 * loading the fleet's plan, and opening an ARM session with a checked credential.
 */
import { join, relative } from "node:path";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { RetryPolicy } from "./retry.js";
import { describeCredentialError } from "./credential-error.js";
import { ArmSession, AZURE_RESOURCE_MANAGER, type PipelinePolicy, type SdkRetryOptions } from "./arm-session.js";
import { type FleetSource, loadFleetPlan } from "./fleet-plan.js";
import { readEndpointHook } from "./test-hooks.js";
import type { CommandHints } from "@flotilla/fleet";
import type { IdentityPlan } from "@flotilla/workload-identity";

export interface CliEnvironment {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: Record<string, string | undefined>;
  /** The repository root: default fleet and outputs locations, and how paths are shown. */
  repoRoot: string;
  /** How messages spell the commands to run: the CLI's own (it owns their spelling). */
  commands: CommandHints;
  /** stdin and stderr are a terminal: apply may ask for confirmation (on stderr, never stdout). */
  interactive: boolean;
  confirm: (question: string) => Promise<boolean>;
  /** Aborted on Ctrl-C: apply starts no new write. */
  abortSignal?: AbortSignal | undefined;
  /**
   * TEST ONLY (in-process tests): stands in for DefaultAzureCredential. main.ts never sets it, so
   * the CLI always authenticates with DefaultAzureCredential.
   */
  credential?: TokenCredential | undefined;
  /** TEST ONLY: faster retries and extra pipeline policies (e.g. a loopback guard). */
  tuning?: Tuning | undefined;
}

export interface Tuning {
  sdkRetry?: Partial<SdkRetryOptions>;
  requestTimeoutMs?: number;
  additionalPolicies?: PipelinePolicy[];
  principalRetry?: RetryPolicy;
  ficConflictRetry?: RetryPolicy;
  concurrency?: number;
  /** How long apply waits for another apply's lock. */
  lockWaitMs?: number;
}

/** Exit codes: 0 success, 1 something failed or found (changes with --exit-code, a stale saved plan), 2 usage or environment error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

export interface CommonOptions {
  cluster: string[];
  fleet?: string | undefined;
  ca?: string | undefined;
}

export function displayPath(environment: CliEnvironment, path: string): string {
  const inRepo = relative(environment.repoRoot, path);
  return inRepo && !inRepo.startsWith("..") ? inRepo : path;
}

export function fleetSource(environment: CliEnvironment, fleetDir: string | undefined): FleetSource {
  if (fleetDir !== undefined) return { modulesDir: fleetDir, displayName: (file) => displayPath(environment, file) };
  return { modulesDir: join(environment.repoRoot, "apps/fleet/src/clusters"), displayName: (file) => displayPath(environment, file) };
}

/** The plan of the selected clusters, or null after printing why not (a UsageError for unknown clusters). */
export async function loadPlan(environment: CliEnvironment, options: CommonOptions): Promise<IdentityPlan | null> {
  const result = await loadFleetPlan(fleetSource(environment, options.fleet), options.cluster, environment.commands);
  if (result.ok) return result.plan;
  if (result.usage) throw new UsageError(result.message);
  environment.stderr(result.message);
  environment.stderr("Nothing was read or changed in Azure.");
  return null;
}

/**
 * Warns (stderr) about cluster issuer URLs without the trailing slash AKS reports: tokens carry
 * the issuer byte for byte, so a credential for the URL without it never matches (AADSTS70021).
 */
export function warnAboutIssuers(environment: CliEnvironment, plan: IdentityPlan): void {
  for (const cluster of plan.clusters) {
    if (cluster.identities.length === 0 || cluster.oidcIssuerUrl.endsWith("/")) continue;
    environment.stderr(
      `warning: cluster ${cluster.cluster}: azure.oidcIssuerUrl ${JSON.stringify(cluster.oidcIssuerUrl)} has no trailing slash; AKS reports its issuer with one ` +
        "(`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`) and tokens carry it byte for byte, so credentials for this URL would not match (AADSTS70021)",
    );
  }
}

/**
 * An ARM session authenticated with DefaultAzureCredential (or the injected test credential),
 * after getting one token to check sign-in — so a missing `az login` is one clear message, not
 * one error per resource. The token itself is never printed or kept here.
 */
export async function openSession(environment: CliEnvironment, options: CommonOptions): Promise<ArmSession | null> {
  const hook = await readEndpointHook(environment.env, options.ca);
  if (!hook.ok) throw new UsageError(hook.message);
  const credential = environment.credential ?? new DefaultAzureCredential();
  try {
    await credential.getToken(`${AZURE_RESOURCE_MANAGER}/.default`, { abortSignal: environment.abortSignal });
  } catch (error) {
    environment.stderr(`Cannot get an Azure token (DefaultAzureCredential): ${describeCredentialError(error)}`);
    environment.stderr("Sign in first (e.g. `az login`), set a service principal's AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run in an environment with a managed or workload identity.");
    return null;
  }
  const tuning = environment.tuning ?? {};
  return new ArmSession({
    credential,
    endpoint: hook.endpoint,
    caCertPem: hook.caCertPem,
    sdkRetry: tuning.sdkRetry,
    requestTimeoutMs: tuning.requestTimeoutMs,
    additionalPolicies: tuning.additionalPolicies,
  });
}
