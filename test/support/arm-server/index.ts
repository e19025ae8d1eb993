export { startArmServer } from "./server.js";
export { AUTHORIZATION_API_VERSION, MSI_API_VERSION } from "./types.js";
export type { ArmServer, ArmServerOptions, RecordedRequest, RequestFilter, ResourceGroupSeed } from "./types.js";
export { ArmState, normaliseScope } from "./state.js";
export type {
  FicRecord,
  IdentityRecord,
  PrincipalRecord,
  PrincipalType,
  ResourceGroupRecord,
  RoleAssignmentRecord,
  RoleDefinitionRecord,
  RolePermission,
} from "./state.js";
export { FaultInjector } from "./faults.js";
export type { Fault, FaultHandle, FaultRule, FaultType } from "./faults.js";
export { BUILT_IN_ROLES } from "./builtin-roles.js";
export type { BuiltInRole } from "./builtin-roles.js";
export { armClientOptions, createArmClients, loopbackOnlyPolicy } from "./sdk-clients.js";
export type { ArmClients, ArmClientTarget, RetryOptions } from "./sdk-clients.js";
export { fakeCredential } from "./fake-credential.js";
export { rawArmRequest } from "./raw-request.js";
export type { RawResponse } from "./raw-request.js";
export { testTlsMaterial } from "./tls.js";
export type { TlsMaterial } from "./tls.js";
