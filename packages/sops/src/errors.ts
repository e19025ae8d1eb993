/**
 * A problem with a SOPS file: what is wrong, where (a field path such as `sops.mac` or
 * `data.password`, `""` for the whole file) and, when known, how to fix it. Messages never
 * contain plaintext values.
 */
export class SopsError extends Error {
  /** Field path inside the document, `""` for the whole file. */
  readonly path: string;
  /** The message without the path. */
  readonly reason: string;

  constructor(message: string, path = "") {
    super(path === "" ? message : `${path}: ${message}`);
    this.name = "SopsError";
    this.path = path;
    this.reason = message;
  }
}
