export { decryptBytes, decryptValue, encryptBytes, encryptValue, type EncryptedType, isEncryptedValue, parseEncryptedValue } from "./aes-value.js";
export { type DecryptedLeaf, type EncryptionSelector, encryptionRule, type ReuseCiphertext } from "./crypt-tree.js";
export { decryptedShape } from "./decrypted-shape.js";
export { type DecryptedSopsFile, decryptSopsFile, knownDataKey, unwrapDataKey, verifyMac } from "./decrypt.js";
export { doubleQuoted, emitDocument, type EmitMap, type EmitNode, isPlainSafe } from "./emit.js";
export { SopsError } from "./errors.js";
export { formatGoFloat, resolvePlainScalar, type SopsValue, valueBytes } from "./go-values.js";
export { inspectEncryptedSecret, type InspectProblem, type SecretFileInfo } from "./inspect.js";
export { ageIdentities, ageRecipient, ageRecipientOf, checkAgeRecipient } from "./keys/age.js";
export {
  type AzureKeyVaultAccess,
  azureKeyVaultKey,
  type AzureKeyVaultKeyRef,
  azureKeyVaultUnwrapper,
  azureKeyVaultUrl,
} from "./keys/azure-key-vault.js";
export { KeyVaultAccessError, keyVaultFailure } from "./keys/key-vault-errors.js";
export { azureKeyVaultKeyUrl, type KeyStanza, type KeyUnwrapper, type KeyWrapper, stanzaId } from "./keys/types.js";
export { type AgeKeyStanza, type AzureKeyVaultStanza, lastModifiedAad, type PgpKeyStanza, readMetadata, type SopsMetadata } from "./metadata.js";
export { metadataStanzas, replaceMetadata, type RewrapResult, rewrapSopsFile, updateSecretFile, type UpdateSecretResult } from "./rewrite.js";
export {
  compareUtf8,
  encryptSecret,
  encryptSopsTree,
  type EncryptOptions,
  KUBERNETES_ENCRYPTED_REGEX,
  type SecretInput,
  secretTree,
  SOPS_FORMAT_VERSION,
} from "./secret.js";
export { SECRET_COMMAND_NAMES, type SecretCommands } from "./secret-commands.js";
export { checkSecretFile, recipientMismatch, type SecretFilePlace, type SopsRecipientsSpec } from "./secret-file-rules.js";
export { type SopsCreationRule, sopsConfigYaml } from "./sops-config.js";
export { parseSopsDocument, type ParsedSopsDocument, type SopsLeaf, type SopsMap, type SopsNode, type SopsSeq } from "./tree.js";
