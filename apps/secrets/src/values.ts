import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { CliError, type SecretCliDeps } from "./context.js";

/** Where `secret set` takes values from (each may be given several times). */
export interface ValueSources {
  fromLiteral: string[];
  fromFile: string[];
  fromEnvFile: string[];
  fromStdin?: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;

function checkKey(key: string, source: string): string {
  if (!KEY.test(key)) throw new CliError(`${source}: invalid key ${JSON.stringify(key)}; Secret keys may contain letters, digits, '-', '_' and '.'`, 2);
  return key;
}

/** `KEY=VALUE` lines of an env file (as `kubectl create secret --from-env-file` reads them). */
function parseEnvFile(text: string, file: string): [string, string][] {
  const pairs: [string, string][] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new CliError(`${file}:${index + 1}: expected KEY=VALUE (the value is not shown)`, 2);
    pairs.push([checkKey(line.slice(0, eq).trim(), `${file}:${index + 1}`), line.slice(eq + 1)]);
  });
  return pairs;
}

/**
 * Collects the values, in memory only: literals (`key=value`), files (`key=path` or `path`, the
 * key being the file name), env files and one key from standard input (read to its end, or typed
 * at a hidden prompt on a terminal). A key given twice is an error. Values are never printed.
 */
export async function collectValues(sources: ValueSources, deps: SecretCliDeps): Promise<Map<string, Uint8Array>> {
  const values = new Map<string, Uint8Array>();
  const add = (key: string, value: Uint8Array, source: string) => {
    if (values.has(key)) throw new CliError(`key ${JSON.stringify(key)} is given more than once (again by ${source})`, 2);
    // sops leaves an empty value unencrypted, and synth and validate refuse such files.
    if (value.length === 0) throw new CliError(`${source}: key ${JSON.stringify(key)} has an empty value, which sops would leave unencrypted (synth and validate refuse it); give it a value, or leave the key out`, 2);
    values.set(key, value);
  };
  for (const literal of sources.fromLiteral) {
    const eq = literal.indexOf("=");
    if (eq <= 0) throw new CliError("--from-literal: expected key=value (the value is not shown)", 2);
    const key = checkKey(literal.slice(0, eq), "--from-literal");
    add(key, Buffer.from(literal.slice(eq + 1), "utf8"), "--from-literal");
  }
  for (const spec of sources.fromFile) {
    const eq = spec.indexOf("=");
    const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [basename(spec), spec];
    checkKey(key, `--from-file ${path}`);
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      throw new CliError(`--from-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    add(key, content, `--from-file ${path}`);
  }
  for (const file of sources.fromEnvFile) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(`--from-env-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    for (const [key, value] of parseEnvFile(text, file)) add(key, Buffer.from(value, "utf8"), `--from-env-file ${file}`);
  }
  if (sources.fromStdin !== undefined) {
    const key = checkKey(sources.fromStdin, "--from-stdin");
    const value = deps.stdin.isTTY ? Buffer.from(await deps.stdin.readHidden(`value of ${key} (not shown): `), "utf8") : await deps.stdin.readAll();
    add(key, value, "--from-stdin");
  }
  if (values.size === 0) throw new CliError("no values: give --from-literal key=value, --from-file [key=]path, --from-env-file path or --from-stdin key", 2);
  return values;
}
