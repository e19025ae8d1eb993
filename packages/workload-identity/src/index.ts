export { identityResourceId, isSameOrInsideScope, roleDefinitionId, scopeId } from "./arm-ids.js";
export {
  customRoleAzureName,
  externalCredentialName,
  FEDERATED_CREDENTIAL_NAME_PATTERN,
  identityAzureName,
  MANAGED_BY,
  MAX_FEDERATED_CREDENTIALS_PER_IDENTITY,
  roleAssignmentDescription,
  roleDefinitionDescription,
  serviceAccountCredentialName,
  serviceAccountSubject,
  TAGS,
} from "./naming.js";
export {
  bootstrapApplyCommand,
  type ClusterOutputsResult,
  identityOutputsFileName,
  identityOutputsFor,
  type IdentityOutputsProblem,
  type IdentityOutputsResult,
  parseIdentityOutputs,
  serializeIdentityOutputs,
  validateIdentityOutputs,
} from "./outputs.js";
export {
  AZURE_AD_TOKEN_EXCHANGE_AUDIENCE,
  type ClusterIdentityPlanResult,
  type IdentityPlanProblem,
  type IdentityPlanResult,
  planClusterIdentities,
  planIdentities,
} from "./plan.js";
export type * from "./plan-types.js";
export {
  addWorkloadIdentityPodLabel,
  CLIENT_ID_ANNOTATION,
  TENANT_ID_ANNOTATION,
  USE_LABEL,
  workloadIdentityPodLabels,
} from "./pod-labels.js";
export { type PlannedServiceAccount, plannedServiceAccounts } from "./service-accounts.js";
export { type IdentityAnnotation, identityAnnotation, PENDING_IDENTITIES_ANNOTATION, PENDING_IDENTITY_ANNOTATION, pendingIdentities } from "./pending.js";
export { KARPENTER_CONTROLLER_IDENTITY, karpenterControllerIdentity } from "./karpenter-identity.js";
export { KUSTOMIZE_CONTROLLER_IDENTITY, KUSTOMIZE_CONTROLLER_SERVICE_ACCOUNT, kustomizeControllerIdentity } from "./sops-identity.js";
export { FLOTILLA_GUID_NAMESPACE, uuidV5 } from "./uuid.js";
export { WorkloadServiceAccount, type WorkloadServiceAccountProps } from "./workload-service-account.js";
export {
  FLUX_CONTROLLERS_NAMESPACE,
  type FluxController,
  type FluxControllerIdentity,
  fluxControllerIdentities,
  fluxControllerIdentityKey,
  planFluxControllerIdentities,
} from "./flux-controller-identities.js";
export { type FluxControllerAccount, fluxControllerAccounts } from "./flux-controller-accounts.js";
export { type PlannedPlatformIdentity, platformIdentities, platformIdentityRequirements } from "./platform-identities.js";
export { identitySettings } from "./identity-settings.js";
