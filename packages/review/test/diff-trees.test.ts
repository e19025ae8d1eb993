import { describe, expect, it } from "vitest";
import { diffTrees, formatJson, formatText, type DiffReport } from "@flotilla/review";
import { addListedFile, configMap, encryptedSecret, helmRelease, helmRepository, namespace, removeListedFile, renderFixtureTree, type FixtureCluster } from "./support/fixture-tree.js";

const argo = { chart: "argo-workflows", version: "0.47.5", repository: "argo" };

function cluster(name: string, team = "analytics"): FixtureCluster {
  return {
    name,
    dirs: {
      infrastructure: [namespace(`${name}-apps`, { "contoso.com/team": team }), configMap(`${name}-apps`, "settings", { replicas: "1" })],
      platforms: [namespace("argo"), helmRepository("argo", "https://argoproj.github.io/argo-helm"), helmRelease("argo", "argo-workflows", argo, { controller: { replicas: 1 } })],
    },
    dependsOn: { platforms: ["infrastructure"] },
  };
}

const side = (files: Map<string, string>, label: string) => ({ side: { label }, files });

function diff(base: Map<string, string>, head: Map<string, string>): DiffReport {
  return diffTrees({ base: side(base, "main"), head: side(head, "working tree"), treePrefix: "clusters" });
}

describe("diffTrees", () => {
  const base = renderFixtureTree([cluster("dev"), cluster("prod")]);
  addListedFile(base, "prod/infrastructure/secret_prod-apps_db.sops.yaml", encryptedSecret("prod-apps", "db", ["password", "user"], "a1"));

  it("reports nothing for identical trees, and every cluster as unaffected", () => {
    const report = diff(base, new Map(base));
    expect(report.clusters).toEqual([]);
    expect(report.unaffected).toEqual(["dev", "prod"]);
    expect(report.summary.objects).toEqual({ added: 0, removed: 0, changed: 0 });
  });

  it("groups a value change by cluster and Flux Kustomization, with the field path and both values", () => {
    const head = renderFixtureTree([cluster("dev", "ml"), cluster("prod")]);
    head.set("prod/infrastructure/secret_prod-apps_db.sops.yaml", base.get("prod/infrastructure/secret_prod-apps_db.sops.yaml")!);
    head.set("prod/infrastructure/kustomization.yaml", base.get("prod/infrastructure/kustomization.yaml")!);
    const report = diff(base, head);
    expect(report.summary.clusters).toMatchObject({ total: 2, affected: 1, changed: 1 });
    expect(report.unaffected).toEqual(["prod"]);
    const [dev] = report.clusters;
    expect(dev!.groups.map((g) => [g.label, g.counts])).toEqual([["infrastructure", { added: 0, removed: 0, changed: 1 }]]);
    expect(dev!.groups[0]!.objects[0]).toMatchObject({
      kind: "Namespace",
      name: "dev-apps",
      change: "changed",
      fields: [{ path: '.metadata.labels["contoso.com/team"]', change: "changed", before: "analytics", after: "ml" }],
    });
    // platforms depends on infrastructure: it is downstream of the change.
    expect(dev!.graph.nodes.map((n) => [n.label, n.status])).toEqual([["infrastructure", "changed"], ["platforms", "downstream"]]);
    expect(dev!.graph.edges).toEqual([{ from: "flux-system/infrastructure", to: "flux-system/platforms" }]);
  });

  it("reports an added cluster with all its objects, a removed platform, and a re-encrypted secret without ciphertext", () => {
    const head = renderFixtureTree([cluster("dev"), cluster("prod"), cluster("staging")]);
    addListedFile(head, "prod/infrastructure/secret_prod-apps_db.sops.yaml", encryptedSecret("prod-apps", "db", ["password", "user"], "b2"));
    for (const file of ["helmrelease_argo_argo-workflows.yaml", "helmrepository_flux-system_argo.yaml", "namespace_argo.yaml"]) removeListedFile(head, `dev/platforms/${file}`);

    const report = diff(base, head);
    expect(report.summary.clusters).toEqual({ total: 3, affected: 3, added: 1, removed: 0, changed: 2 });
    const byName = new Map(report.clusters.map((c) => [c.name, c]));

    const staging = byName.get("staging")!;
    expect(staging.change).toBe("added");
    expect(staging.counts).toEqual({ added: 8, removed: 0, changed: 0 });
    expect(staging.groups.map((g) => [g.label, g.counts.added])).toEqual([["flux-system (root)", 3], ["infrastructure", 2], ["platforms", 3]]);

    const dev = byName.get("dev")!;
    expect(dev.groups.map((g) => [g.label, g.counts])).toEqual([["platforms", { added: 0, removed: 3, changed: 0 }]]);
    expect(dev.groups[0]!.objects.map((o) => `${o.change} ${o.kind} ${o.name}`)).toEqual([
      "removed HelmRelease argo-workflows",
      "removed HelmRepository argo",
      "removed Namespace argo",
    ]);

    const prod = byName.get("prod")!;
    const secret = prod.groups[0]!.objects[0]!;
    expect(secret).toMatchObject({ kind: "Secret", name: "db", change: "changed", encrypted: true });
    expect(secret.fields).toEqual([
      { path: ".stringData.password", change: "changed", encrypted: true },
      { path: ".stringData.user", change: "changed", encrypted: true },
    ]);
    const everything = formatJson(report) + formatText(report, { color: false });
    expect(everything).not.toMatch(/ENC\[|AES256_GCM|BEGIN AGE|lastmodified|mac/);
    expect(formatText(report, { color: false })).toContain("! .stringData.password: re-encrypted (value may have changed)");
    expect(report.summary.objects).toEqual({ added: 8, removed: 3, changed: 1 });
  });

  it("shows who can decrypt when the recipients of a secret change, and a key added to it", () => {
    const head = new Map(base);
    const path = "prod/infrastructure/secret_prod-apps_db.sops.yaml";
    head.set(path, encryptedSecret("prod-apps", "db", ["password", "user", "host"], "a1").replace("age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29", "age1newrecipient"));
    const fields = diff(base, head).clusters[0]!.groups[0]!.objects[0]!.fields;
    expect(fields).toEqual([
      { path: ".stringData.host", change: "added", encrypted: true },
      { path: ".sops.recipients[0]", change: "changed", before: "age:age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29", after: "age:age1newrecipient" },
    ]);
  });

  it("attributes an object moved to another layer to its new Kustomization and says where it came from", () => {
    const moved = cluster("dev");
    moved.dirs.platforms!.push(moved.dirs.infrastructure!.pop()!);
    const report = diff(renderFixtureTree([cluster("dev")]), renderFixtureTree([moved]));
    const group = report.clusters[0]!.groups[0]!;
    expect(group.label).toBe("platforms");
    expect(group.objects[0]!.fields).toEqual([
      { path: "(file)", change: "changed", before: "dev/infrastructure/configmap_dev-apps_settings.yaml", after: "dev/platforms/configmap_dev-apps_settings.yaml" },
    ]);
  });

  it("reports a removed cluster from the base's layout, and unreadable files as notes", () => {
    const head = renderFixtureTree([cluster("dev")]);
    head.set("dev/infrastructure/broken.yaml", "a: [unclosed");
    const report = diff(base, head);
    expect(report.clusters.map((c) => [c.name, c.change, c.counts.removed])).toEqual([["prod", "removed", 9]]);
    expect(report.notes).toEqual([expect.stringMatching(/^head: dev\/infrastructure\/broken\.yaml: not valid YAML/)]);
  });
});
