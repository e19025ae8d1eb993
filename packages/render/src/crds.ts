import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";

/** Reads CustomResourceDefinition files (one or more documents each) for the schema validator. */
export async function readCrdDocuments(paths: string[]): Promise<unknown[]> {
  const documents: unknown[] = [];
  for (const path of paths) {
    for (const document of parseAllDocuments(await readFile(path, "utf8"))) {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      const value: unknown = document.toJS();
      if (value !== null && value !== undefined) documents.push(value);
    }
  }
  return documents;
}
