/** One line of cause and fix for the failures of the machine, the network or the credentials flotilla meets; undefined for anything else. */
export function describeEnvironmentError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  // A hostile tree (an alias bomb in clusters/): refused whole, like a broken environment.
  if (error.name === "UnsafeYamlError") return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const where = (error as NodeJS.ErrnoException).path ?? (error as { hostname?: string }).hostname ?? "";
  const at = where ? ` (${where})` : "";
  switch (code) {
    case "ENOSPC":
      return `no space left on the device${at}; free some space and run the command again (nothing was half-written)`;
    case "EACCES":
    case "EPERM":
      return `permission denied${at}; check the file's owner and mode, or run as the user who owns the checkout`;
    case "EROFS":
      return `the file system is read-only${at}; run the command in a writable checkout`;
    case "EEXIST":
      return `${where || "a file"} already exists where flotilla must create it; move it away and run the command again`;
    case "ENOENT":
      return `${where || "a file or directory"} does not exist; check the path (relative paths are resolved from the current directory)`;
    case "EMFILE":
    case "ENFILE":
      return `too many open files; raise the limit (ulimit -n) and run the command again`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve ${where || "the host"}: no network or DNS; check your connection or proxy settings`;
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `network error ${code}${at}: ${error.message}; check your connection, proxy and firewall, then run the command again`;
    default:
      return undefined;
  }
}
