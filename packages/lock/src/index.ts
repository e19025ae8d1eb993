export { acquireLock, DEFAULT_LOCK_WAIT_MS, describeHolder, HeldLock, LockBusyError, lockFileFor, withLock, type LockOptions } from "./lock.js";
export type { ProcessIdentity } from "./process-identity.js";
export { syncDirectory, writeFileDurable, writeSynced } from "./durable-write.js";
export { currentProcess, mayBeRunning, parseProcessIdentity } from "./process-identity.js";
