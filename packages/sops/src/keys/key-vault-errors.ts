/**
 * What went wrong talking to Azure Key Vault, as one line with the cause and the fix, never a
 * stack trace: the network (DNS, refused, timed out, TLS), the Azure sign-in, a permission, a
 * missing key. `environment` marks failures of the machine rather than of the file (a CLI exits 2
 * for them).
 */
import { SopsError } from "../errors.js";

export class KeyVaultAccessError extends SopsError {
  constructor(
    message: string,
    /** The network or the sign-in failed, not the file or the permissions. */
    readonly environment: boolean,
  ) {
    super(message);
    this.name = "KeyVaultAccessError";
  }
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

const NETWORK = /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_\w+)$/;
const SIGN_IN = /^(CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError|AuthenticationRequiredError)$/;

const firstLine = (text: string) => text.split("\n")[0]!.trim();

/** `operation` like "decrypt with key sops-prod"; `vaultUrl` the vault contacted. */
export function keyVaultFailure(error: unknown, vaultUrl: string, operation: string): KeyVaultAccessError {
  if (error instanceof KeyVaultAccessError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  const message = typeof e.message === "string" ? firstLine(e.message) : String(error);
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  const host = (() => {
    try {
      return new URL(vaultUrl).host;
    } catch {
      return vaultUrl;
    }
  })();
  // The SDK reports transport failures as REQUEST_SEND_ERROR with the system code in the message.
  const systemCode = NETWORK.test(code) ? code : (/\b(E[A-Z_]{3,}|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/.exec(message)?.[1] ?? "");
  if (NETWORK.test(systemCode) || code === "REQUEST_SEND_ERROR") {
    return new KeyVaultAccessError(
      `cannot reach Azure Key Vault ${host} to ${operation} (${systemCode || code}): check the vault name, your network, DNS and proxy (HTTPS_PROXY)`,
      true,
    );
  }
  if (SIGN_IN.test(name)) {
    return new KeyVaultAccessError(`cannot sign in to Azure to ${operation} in Key Vault ${host} (${name}): run \`az login\`, or run where a managed or workload identity is available`, true);
  }
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  if (status === 401 || status === 403) {
    return new KeyVaultAccessError(
      `Azure Key Vault ${host} refused to ${operation} (${code || "Forbidden"}, HTTP ${status}: ${message}): your identity needs the key permission for it (the role Key Vault Crypto User on the vault or key)`,
      false,
    );
  }
  if (status === 404) return new KeyVaultAccessError(`Azure Key Vault ${host} has no such key to ${operation} (${code || "KeyNotFound"}: ${message}): check the key name and version`, false);
  return new KeyVaultAccessError(`Azure Key Vault ${host} could not ${operation}: ${code ? `${code}: ` : ""}${message}`, false);
}
