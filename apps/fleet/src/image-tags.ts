import { join } from "node:path";
import { automatedImages, type FleetProblem, IMAGE_TAGS_FILE, imageRepositoryOf, type LoadedCluster } from "@flotilla/fleet";
import { readDirIfExists, readIfExists } from "./read-if-exists.js";
import { checkImageTagsFile, type ExpectedImage, type ImageRef, imageTagsTemplate } from "./image-tags-file.js";

/** Where the image tags files are: `<dir>/<cluster>/images.yaml`. */
export interface ImageTagsLocation {
  dir: string;
  /** Where `dir` comes from, as named in messages: `--images`, `<fleet>/images of --fleet` or the default. */
  option: string;
  /** How a path is shown to people (relative to the repository root). */
  displayName: (path: string) => string;
}

/** The automated images of a cluster, as images.yaml must list them. */
export function expectedImages(cluster: LoadedCluster): ExpectedImage[] {
  const { spec } = cluster;
  return automatedImages(spec).map((image) => ({
    name: image.name,
    repository: imageRepositoryOf(spec, image),
    field: `flux.images[${spec.flux.images.indexOf(image)}]`,
  }));
}

/**
 * Reads and checks `<dir>/<cluster>/images.yaml` of every cluster that automates images (see
 * `checkImageTagsFile`); the file is required for those clusters and must not exist for the
 * others, nor for clusters that are not in the fleet (`fleet`: every cluster that loaded, when
 * `clusters` is a `--cluster` selection; `rejected`: clusters of the fleet whose files have
 * problems, not checked). Returns the current image of each automated image by cluster and image name.
 */
export async function readImageTags(
  location: ImageTagsLocation,
  clusters: readonly LoadedCluster[],
  fleet: readonly LoadedCluster[] = clusters,
  rejected: readonly string[] = [],
): Promise<{ tags: Map<string, Map<string, ImageRef>>; problems: FleetProblem[] }> {
  const tags = new Map<string, Map<string, ImageRef>>();
  const problems: FleetProblem[] = [];
  const names = new Set([...fleet.map((cluster) => cluster.spec.name), ...rejected]);
  for (const entry of await clusterEntries(location.dir)) {
    if (!names.has(entry)) {
      problems.push({ file: location.displayName(join(location.dir, entry)), path: "", message: `image tags of "${entry}", which is not a cluster of the fleet (${[...names].sort().join(", ")}); delete it` });
    }
  }
  for (const cluster of clusters) {
    const expected = expectedImages(cluster);
    const path = join(location.dir, cluster.spec.name, IMAGE_TAGS_FILE);
    const file = location.displayName(path);
    const text = await readIfExists(path);
    if (text === undefined) {
      if (expected.length > 0) {
        problems.push({
          file,
          path: "",
          message:
            `missing: ${cluster.file} automates ${expected.map((image) => image.field).join(", ")}; create it with the current tags ` +
            `(${expected.map((image) => `\`flux get images policy ${image.name}\``).join(", ")} shows the tag Flux selects) and commit it:\n${imageTagsTemplate(cluster.spec.name, expected)}`,
        });
      }
      continue;
    }
    if (expected.length === 0) {
      problems.push({ file, path: "", message: `cluster ${cluster.spec.name} automates no image (flux.images[].automate), so nothing reads this file; delete it` });
      continue;
    }
    const checked = checkImageTagsFile(text, cluster.spec.name, expected);
    problems.push(...checked.problems.map((problem) => ({ file, ...problem })));
    tags.set(cluster.spec.name, checked.tags);
  }
  return { tags, problems };
}

/** The entries of `dir` that name clusters: not README.md nor dotfiles (`.gitkeep`); none when `dir` does not exist. */
async function clusterEntries(dir: string): Promise<string[]> {
  return (await readDirIfExists(dir)).map((entry) => entry.name).filter((name) => name !== "README.md" && !name.startsWith("."));
}
