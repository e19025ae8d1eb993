/**
 * The packages below the platforms know no platform: neither their package.json dependencies
 * (transitively, within the workspace) nor their sources' imports name a platform package. The
 * platform packages are the ones the registry (@flotilla/platforms) depends on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/synth-cli.js";

const LOWER = ["fleet", "workload-identity", "cluster", "render", "review"];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packagesDir = join(repoRoot, "packages");
const manifests = new Map<string, Manifest>(
  readdirSync(packagesDir).flatMap((dir) => {
    try {
      const manifest = JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) as Manifest;
      return [[manifest.name, manifest] as const];
    } catch {
      return [];
    }
  }),
);
const dirOf = (name: string) => name.replace(/^@flotilla\//, "");

function workspaceDependencies(name: string): string[] {
  const manifest = manifests.get(name);
  return Object.keys({ ...manifest?.dependencies, ...manifest?.devDependencies }).filter((dependency) => manifests.has(dependency));
}

function closure(name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const dependency of workspaceDependencies(current)) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      visit(dependency);
    }
  };
  visit(name);
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The module specifiers a source file imports (static, dynamic and type imports, re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((match) => match[1]!);
}

const PLATFORM_PACKAGES = workspaceDependencies("@flotilla/platforms").filter((name) => name !== "@flotilla/fleet");

describe("platform boundaries", () => {
  it("the registry names the three product platforms", () => {
    expect(PLATFORM_PACKAGES.sort()).toEqual(["@flotilla/argo-workflows", "@flotilla/flyte", "@flotilla/metaflow"]);
  });

  for (const lower of LOWER) {
    it(`@flotilla/${lower} depends on no platform package, directly or through another package`, () => {
      const reached = closure(`@flotilla/${lower}`);
      expect([...reached].filter((name) => PLATFORM_PACKAGES.includes(name) || name === "@flotilla/platforms")).toEqual([]);
    });

    it(`@flotilla/${lower}'s sources and tests import no platform package`, () => {
      const offending = ["src", "test"].flatMap((sub) => {
        const dir = join(packagesDir, dirOf(`@flotilla/${lower}`), sub);
        let files: string[];
        try {
          files = sourceFiles(dir);
        } catch {
          return [];
        }
        return files.flatMap((file) =>
          importsOf(file)
            .filter((specifier) => [...PLATFORM_PACKAGES, "@flotilla/platforms"].some((name) => specifier === name || specifier.startsWith(`${name}/`)))
            .map((specifier) => `${relative(repoRoot, file)}: ${specifier}`),
        );
      });
      expect(offending).toEqual([]);
    });
  }

  it("the checks see imports (a platform import in a lower package would be caught)", () => {
    expect(importsOf(join(packagesDir, "platforms", "src", "index.ts"))).toEqual(expect.arrayContaining(PLATFORM_PACKAGES));
  });
});

/**
 * Packages do not know the app: no default location under `apps/` and no `pnpm …` command line,
 * in code or comments. The CLI (apps/fleet) owns both and passes them in. `apps/v1` is
 * Kubernetes' API group, not a path.
 */
const APP_KNOWLEDGE = [/\bapps\/(?!v1\b)[\w.<-]/, /\bpnpm\s+[\w<-]/];

function appKnowledge(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, index) => (APP_KNOWLEDGE.some((pattern) => pattern.test(line)) ? [`${relative(repoRoot, file)}:${index + 1}: ${line.trim()}`] : []));
}

describe("packages do not know the app", () => {
  it("no packages/*/src file names an apps/… path or a pnpm command", () => {
    const sources = readdirSync(packagesDir).flatMap((dir) => {
      try {
        return sourceFiles(join(packagesDir, dir, "src"));
      } catch {
        return [];
      }
    });
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.flatMap(appKnowledge)).toEqual([]);
  });

  it("the check sees both (an app path or a pnpm command in a package would be caught)", () => {
    const lines = ["default apps/fleet/secrets", "run `pnpm secret set dev a/b`", "apiVersion: apps/v1", "Regenerate with: synth"];
    expect(lines.map((line) => APP_KNOWLEDGE.some((pattern) => pattern.test(line)))).toEqual([true, true, false, false]);
  });
});
