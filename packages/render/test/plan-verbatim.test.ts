import { describe, expect, it } from "vitest";
import { planTree, type ClusterDocuments, type SchemaValidator } from "../src/plan.js";
import { generatedHeader, isGenerated } from "../src/header.js";

const accepting: SchemaValidator = { validate: () => [] };
const secret = (namespace: string, name: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace } });
const ENCRYPTED = "apiVersion: v1\ndata:\n  k: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\nkind: Secret\nsops:\n  version: 3.10.2\n";

function cluster(overrides: Partial<ClusterDocuments>): ClusterDocuments {
  return { cluster: "dev", source: "apps/fleet/src/clusters/dev.ts", dirs: ["", "infra"], documents: [], ...overrides };
}

describe("planTree with verbatim files", () => {
  it("places the bytes after the header, names the file .sops.yaml and lists it", () => {
    const source = "apps/fleet/secrets/dev/team/db.sops.yaml";
    const { files, problems } = planTree(
      [cluster({ verbatim: [{ dir: "infra", object: secret("team", "db"), source, content: ENCRYPTED }], documents: [{ dir: "infra", object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } } }] })],
      accepting,
    );
    expect(problems).toEqual([]);
    const placed = files.get("dev/infra/secret_team_db.sops.yaml")!;
    expect(placed).toBe(generatedHeader(source) + ENCRYPTED);
    expect(isGenerated(placed)).toBe(true);
    expect(files.get("dev/infra/kustomization.yaml")).toContain("resources:\n  - namespace_team.yaml\n  - secret_team_db.sops.yaml\n");
  });

  it("refuses a file without a sops block, an unknown directory and a second owner", () => {
    const { problems } = planTree(
      [
        cluster({
          verbatim: [
            { dir: "infra", object: secret("team", "plain"), source: "s/plain.sops.yaml", content: "apiVersion: v1\nkind: Secret\nstringData:\n  k: v\n" },
            { dir: "nowhere", object: secret("team", "lost"), source: "s/lost.sops.yaml", content: ENCRYPTED },
            { dir: "infra", object: secret("team", "db"), source: "s/a.sops.yaml", content: ENCRYPTED },
            { dir: "", object: secret("team", "db"), source: "s/b.sops.yaml", content: ENCRYPTED },
          ],
        }),
      ],
      accepting,
    );
    expect(problems.map((p) => [p.file, p.message])).toEqual([
      ["dev/infra/secret_team_plain.sops.yaml", expect.stringContaining("s/plain.sops.yaml is not SOPS-encrypted: refused")],
      ["dev/nowhere/secret_team_lost.sops.yaml", expect.stringContaining('directory "nowhere" is not one of')],
      ["dev/secret_team_db.sops.yaml", expect.stringContaining("defined twice (also in dev/infra/secret_team_db.sops.yaml)")],
    ]);
  });

  it("validates the object it holds and names its source, the file to fix", () => {
    const rejecting: SchemaValidator = { validate: (object) => ("foo" in (object as object) ? [{ path: ".foo", message: "unknown field" }] : []) };
    const source = "apps/fleet/secrets/dev/team/db.sops.yaml";
    const { files, problems } = planTree([cluster({ verbatim: [{ dir: "infra", object: { ...secret("team", "db"), foo: "bar" }, source, content: ENCRYPTED }] })], rejecting);
    expect(problems).toEqual([
      { cluster: "dev", file: "dev/infra/secret_team_db.sops.yaml", object: "Secret team/db", path: ".foo", message: "unknown field", source },
    ]);
    expect(files.has("dev/infra/secret_team_db.sops.yaml")).toBe(true);
  });
});
