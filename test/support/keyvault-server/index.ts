export { keyVaultAccess } from "./clients.js";
export { type KeyAlgorithm, KeyStore, type KeyVersion } from "./keys.js";
export { KEY_VAULT_RESOURCE, type KeyOperation, type KeyVaultServer, type KeyVaultServerOptions, type RecordedKeyVaultRequest, startKeyVaultServer } from "./server.js";
