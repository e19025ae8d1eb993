import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Writes a report to `--output <file>`, or to stdout. */
export async function writeOutput(text: string, output: string | undefined): Promise<void> {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  const path = resolve(output);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
