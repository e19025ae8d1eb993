import { IMAGE_UPDATE_AUTOMATION_NAME } from "@flotilla/cluster";
import { FLUX_NAMESPACE, imagePolicyMarker, IMAGE_TAGS_KIND } from "@flotilla/fleet";
import { isMap, isScalar, parseAllDocuments, type Scalar } from "yaml";

/** An automated image the cluster's images.yaml must list. */
export interface ExpectedImage {
  /** The ImagePolicy name (the key in `images`). */
  name: string;
  /** `<registry>.azurecr.io/<repository>`: what the entry's value must start with. */
  repository: string;
  /** The spec field that declares it, e.g. `flux.images[0]`. */
  field: string;
}

/** An image reference read from images.yaml. */
export interface ImageRef {
  repository: string;
  tag: string;
}

/** A problem at `path` (`images.<name>`, `kind`, …) of the file. */
export interface ImageTagsProblem {
  path: string;
  message: string;
}

/** The OCI distribution rule for tags. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The line of `images` for `image` with its marker: `<name>: <repository>:<tag> # {"$imagepolicy": …}`. */
export function imageTagLine(image: ExpectedImage, tag = "<tag>"): string {
  return `${image.name}: ${image.repository}:${tag} # ${imagePolicyMarker(image.name)}`;
}

/** The whole file for `cluster` with `images` (tags as placeholders), as the fix for a missing file. */
export function imageTagsTemplate(cluster: string, images: readonly ExpectedImage[]): string {
  return [
    `# Image tags of cluster ${cluster}. Flux's ImageUpdateAutomation ${FLUX_NAMESPACE}/${IMAGE_UPDATE_AUTOMATION_NAME} updates the tags`,
    `# (each line's marker names its ImagePolicy); \`pnpm synth\` reads this file into the platforms'`,
    `# HelmRelease values. Keep one image per line with its marker; see README "Image update automation".`,
    `apiVersion: ${IMAGE_TAGS_KIND.apiVersion}`,
    `kind: ${IMAGE_TAGS_KIND.kind}`,
    `metadata:`,
    `  name: ${cluster}`,
    `images:`,
    ...images.map((image) => `  ${imageTagLine(image)}`),
    "",
  ].join("\n");
}

/**
 * Reads the text of a cluster's images.yaml and checks it the way Flux's Setters strategy needs it:
 * one YAML document with the KRM header (`apiVersion: flotilla.dev/v1alpha1`, `kind: ImageTags`,
 * `metadata.name: <cluster>`), a top-level map, and under the map `images` exactly the `expected`
 * images, each `<name>: <repository>:<tag>` with the marker `# {"$imagepolicy": "flux-system:<name>"}`
 * on the same line. Returns the tags of the valid entries and every problem.
 */
export function checkImageTagsFile(text: string, cluster: string, expected: readonly ExpectedImage[]): { tags: Map<string, ImageRef>; problems: ImageTagsProblem[] } {
  const tags = new Map<string, ImageRef>();
  const problems: ImageTagsProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length !== 1) {
    report("", `must be exactly one YAML document (got ${Array.isArray(documents) ? documents.length : 0}); Flux's setters and synth read one ImageTags object`);
    return { tags, problems };
  }
  const document = documents[0]!;
  if (document.errors.length > 0) {
    report("", `is not valid YAML: ${document.errors[0]!.message.split("\n")[0]}`);
    return { tags, problems };
  }
  if (!isMap(document.contents)) {
    report("", `must be a map starting with apiVersion and kind (Flux's setters skip other YAML): apiVersion: ${IMAGE_TAGS_KIND.apiVersion}, kind: ${IMAGE_TAGS_KIND.kind}, metadata.name, images`);
    return { tags, problems };
  }
  const expectField = (path: string, actual: unknown, wanted: string) => {
    if (actual !== wanted) report(path, `must be ${JSON.stringify(wanted)}, got ${actual === undefined ? "nothing" : JSON.stringify(actual)}; set ${path}: ${wanted}`);
  };
  expectField("apiVersion", document.get("apiVersion"), IMAGE_TAGS_KIND.apiVersion);
  expectField("kind", document.get("kind"), IMAGE_TAGS_KIND.kind);
  expectField("metadata.name", document.getIn(["metadata", "name"]), cluster);
  const known = new Set(["apiVersion", "kind", "metadata", "images"]);
  for (const pair of document.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!known.has(key)) report(key, `unknown field; the file holds apiVersion, kind, metadata and images only`);
  }

  const images = document.get("images", true);
  if (!isMap(images)) {
    report("images", `must be a map of <name>: <image>:<tag> lines (not a list: Flux's setters do not handle lists at the top), e.g. ${expected[0] === undefined ? "<name>: <image>:<tag>" : imageTagLine(expected[0])}`);
    return { tags, problems };
  }
  const byName = new Map(expected.map((image) => [image.name, image]));
  const seen = new Set<string>();
  for (const pair of images.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const path = `images.${name}`;
    seen.add(name);
    const image = byName.get(name);
    if (image === undefined) {
      report(path, `no automated image of cluster ${cluster} is named ${JSON.stringify(name)} (automated: ${[...byName.keys()].join(", ") || "none"}); remove this line, or add automate to the image in flux.images`);
      continue;
    }
    const ref = checkEntry(text, pair.value, image, (message) => report(path, message));
    if (ref !== undefined) tags.set(name, ref);
  }
  for (const image of expected) {
    if (!seen.has(image.name)) report(`images.${image.name}`, `missing: ${image.field} is automated; add under images:\n  ${imageTagLine(image)}`);
  }
  return { tags, problems };
}

function checkEntry(text: string, value: unknown, image: ExpectedImage, report: (message: string) => void): ImageRef | undefined {
  if (!isScalar(value) || typeof value.value !== "string" || value.range === undefined || value.range === null) {
    report(`must be the image reference ${image.repository}:<tag> on one line, followed by the marker: ${imageTagLine(image)}`);
    return undefined;
  }
  checkMarker(text, value as Scalar<string>, image, report);
  const reference = value.value;
  if (reference.includes("@")) {
    report(`${JSON.stringify(reference)} has a digest; write the tag form ${image.repository}:<tag>, which the ImagePolicy selects`);
    return undefined;
  }
  const match = /^(.*[^/]):([^:/]*)$/.exec(reference);
  const repository = match === null ? reference : match[1]!;
  if (repository !== image.repository) {
    report(`image ${JSON.stringify(repository)} is not the repository Flux scans for ${image.field} (${image.repository}); write ${image.repository}:<tag>`);
    return undefined;
  }
  const tag = match?.[2];
  if (tag === undefined || tag === "") {
    report(`${JSON.stringify(reference)} has no tag; write ${image.repository}:<tag>, e.g. the tag \`flux get images policy ${image.name}\` shows`);
    return undefined;
  }
  if (!TAG.test(tag)) {
    report(`tag ${JSON.stringify(tag)} is not a valid image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`);
    return undefined;
  }
  return { repository, tag };
}

/**
 * The marker must be the comment on the value's own line. Flux reads it as a JSON object, so its
 * spacing is free: `{"$imagepolicy":"flux-system:<name>"}` is the same marker.
 */
function checkMarker(text: string, value: Scalar<string>, image: ExpectedImage, report: (message: string) => void): void {
  const [start, end] = value.range!;
  const lineEnd = text.indexOf("\n", start);
  const rest = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
  const expected = imagePolicyMarker(image.name);
  const comment = /^\s+#(.*)$/.exec(rest)?.[1]?.trim();
  if (text.slice(start, end).includes("\n") || comment === undefined) {
    report(`the marker is missing from the line of the value: Flux updates only values with the marker on their own line; write ${image.name}: ${value.value} # ${expected}`);
  } else if (!isMarkerOf(comment, image.name)) {
    report(`the marker is ${JSON.stringify(comment)}; it must be ${expected} (the ImagePolicy ${FLUX_NAMESPACE}/${image.name}, whole image reference)`);
  }
}

/** Whether `comment` is the JSON object `{ "$imagepolicy": "flux-system:<name>" }` (nothing else in it). */
function isMarkerOf(comment: string, name: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment);
  } catch {
    return false;
  }
  return JSON.stringify(parsed) === JSON.stringify({ $imagepolicy: `${FLUX_NAMESPACE}:${name}` });
}
