import { describe, expect, it } from "vitest";
import { type ClusterSpec, clusterSpecSchema, clusterSpecSchemaFor, definePlatforms, loadFleet, renderedNamespaces } from "../src/index.js";
import { DEMO_PLATFORMS } from "./demo-platforms.js";

const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
import { issuer, problemsOf, SUBSCRIPTION, specWith, TENANT, validSpec } from "./fixtures.js";

/** Asserts exactly one problem, at `path`, whose message contains every `parts`. */
function expectOnly(exported: unknown, path: string, ...parts: string[]): void {
  const problems = problemsOf(exported);
  expect(problems.map((p) => p.path)).toEqual([path]);
  for (const part of parts) expect(problems[0]?.message).toContain(part);
}

describe("kubernetesVersion", () => {
  const load = (kubernetesVersion: unknown) => loadFleet([{ file: "apps/fleet/src/clusters/dev.ts", exported: { ...validSpec(), kubernetesVersion } }]);
  it("accepts 1.<minor> and 1.<minor>.<patch> from 1.34 on, of the versions whose schema ships", () => {
    for (const version of ["1.34", "1.35.1", "1.35"]) {
      const result = load(version);
      expect(result.ok && result.clusters[0]!.spec.kubernetesVersion).toBe(version);
    }
  });
  it("refuses versions Flux 2.9 does not run on and other forms, naming the field", () => {
    const messages = (version: unknown) => {
      const result = load(version);
      return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
    };
    expect(messages("1.33")).toEqual([expect.stringMatching(/^kubernetesVersion: Flux 2\.9 needs Kubernetes 1\.34 or later, got "1\.33"/)]);
    expect(messages("v1.34")).toEqual(['kubernetesVersion: write it without the "v": "1.34"']);
    expect(messages("1.36.2")).toEqual([
      expect.stringMatching(/^kubernetesVersion: no Kubernetes 1\.36 schema ships with flotilla \(supported: 1\.34, 1\.35\): synth validates every object for the cluster's version/),
    ]);
    expect(messages("latest")).toEqual([expect.stringMatching(/^kubernetesVersion: expected a Kubernetes version such as "1\.34"/)]);
  });
});

describe("valid specs", () => {
  it("fills every default", () => {
    const result = loadFleet([{ file: "apps/fleet/src/clusters/dev.ts", exported: validSpec() }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const expected: ClusterSpec = {
      name: "dev",
      kubernetesVersion: "1.34",
      azure: validSpec().azure,
      git: { url: "https://github.com/contoso/fleet", branch: "main", path: "clusters/dev", secretRef: "flux-system" },
      flux: {
        bootstrap: "flux-cli",
        sourceInterval: "1m",
        reconcileInterval: "10m",
        retryInterval: "2m",
        timeout: "5m",
        registry: undefined,
        gitSources: [],
        helmOciSources: [],
        notifications: [],
        images: [],
      },
      namespaces: [],
      platforms: {},
      nodePools: [],
      karpenter: undefined,
      sops: undefined,
      secrets: [],
      identities: [],
      customRoles: [],
    };
    expect(result.clusters).toEqual([{ file: "apps/fleet/src/clusters/dev.ts", spec: expected }]);
  });

  it("keeps given values, fills nested defaults and keeps the issuer byte for byte", () => {
    const url = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/abc/`;
    const spec = clusterSpecSchema.parse({
      ...validSpec(),
      azure: { ...validSpec().azure, oidcIssuerUrl: url },
      git: { url: "https://github.com/contoso/fleet.git", branch: "release/v1", path: "fleet/dev", secretRef: null },
      flux: { bootstrap: "aks-extension", timeout: "1h30m" },
      namespaces: [{ name: "analytics", labels: { team: "data", "example.com/tier": "" } }, { name: "1st" }],
    });
    expect(spec.azure.oidcIssuerUrl).toBe(url);
    expect(spec.git).toEqual({ url: "https://github.com/contoso/fleet.git", branch: "release/v1", path: "fleet/dev", secretRef: null });
    expect(spec.flux).toEqual({
      bootstrap: "aks-extension",
      sourceInterval: "1m",
      reconcileInterval: "10m",
      retryInterval: "2m",
      timeout: "1h30m",
      registry: undefined,
      gitSources: [],
      helmOciSources: [],
      notifications: [],
      images: [],
    });
    expect(spec.namespaces).toEqual([
      { name: "analytics", labels: { team: "data", "example.com/tier": "" } },
      { name: "1st", labels: {} },
    ]);
  });

  it("accepts the example clusters of apps/fleet", () => {
    const prod = specWith((s) => {
      s.name = "prod";
      s.azure.location = "northeurope";
      s.git = { url: "https://dev.azure.com/contoso/ml-platform/_git/ml-fleet", branch: "main", secretRef: "fleet-git-auth" };
      s.flux = { bootstrap: "aks-extension" };
      s.namespaces = [{ name: "analytics-prod", labels: { "contoso.com/team": "analytics" } }];
    }, "prod");
    expect(problemsOf(prod, "apps/fleet/src/clusters/prod.ts")).toEqual([]);
  });
});

describe("cluster name", () => {
  it.each([
    ["Dev", "must be lowercase", '"Dev"'],
    ["1dev", "must start with a lowercase letter", '"1dev"'],
    ["-dev", "must start with a lowercase letter", '"-dev"'],
    ["dev-", "must end with a letter or digit", '"dev-"'],
    ["dev_1", "may contain only lowercase letters, digits and '-'", '"_"'],
    ["", "must not be empty"],
    [`d${"e".repeat(40)}`, "must be at most 40 characters, got 41"],
  ])("rejects %j", (name, ...parts) => {
    const problems = problemsOf(specWith((s) => (s.name = name)));
    const nameProblems = problems.filter((p) => p.path === "name");
    expect(nameProblems).toHaveLength(1);
    for (const part of parts) expect(nameProblems[0]?.message).toContain(part);
  });

  it("suggests the lowercase name", () => {
    expect(problemsOf(specWith((s) => (s.name = "Dev")))[0]?.message).toContain('(use "dev")');
  });

  it("accepts 40 characters", () => {
    const name = `d${"e".repeat(39)}`;
    expect(problemsOf(specWith((s) => (s.name = name), name), `clusters/${name}.ts`)).toEqual([]);
  });
});

describe("azure", () => {
  it.each([
    ["tenantId", "not-a-uuid"],
    ["subscriptionId", "0b1f6471-1bf0-4dda-aec3-cb9272f0959"],
    ["subscriptionId", "0b1f6471x1bf0-4dda-aec3-cb9272f09590"],
  ])("rejects bad uuid %s=%j", (field, value) => {
    expectOnly(specWith((s) => (s.azure[field] = value)), `azure.${field}`, "expected a UUID", JSON.stringify(value));
  });

  it("rejects the all-zero uuid placeholder", () => {
    expectOnly(specWith((s) => (s.azure.tenantId = "00000000-0000-0000-0000-000000000000")), "azure.tenantId", "placeholder");
  });

  it("accepts uppercase GUIDs", () => {
    expect(problemsOf(specWith((s) => (s.azure.subscriptionId = SUBSCRIPTION.toUpperCase())))).toEqual([]);
  });

  it.each([
    ["West Europe", 'use "westeurope"'],
    ["WESTEUROPE", 'use "westeurope"'],
    ["west-europe", 'use "westeurope"'],
    ["east_us", 'use "eastus"'],
    ["westeurope ", 'use "westeurope"'],
    ["2westeurope", "lowercase Azure region name"],
  ])("rejects location %j", (location, part) => {
    expectOnly(specWith((s) => (s.azure.location = location)), "azure.location", part, JSON.stringify(location));
  });

  it.each([
    ["rg.", "must not end with '.'"],
    ["rg ml", '" " is not allowed'],
    ["r".repeat(91), "at most 90 characters"],
  ])("rejects resource group %j", (resourceGroup, part) => {
    expectOnly(specWith((s) => (s.azure.resourceGroup = resourceGroup)), "azure.resourceGroup", part);
  });

  it("accepts resource groups with parentheses, dots and underscores", () => {
    expect(problemsOf(specWith((s) => (s.azure.resourceGroup = "MC_rg.ml(dev)_aks")))).toEqual([]);
  });

  it.each([
    [issuer().replace("https:", "http:"), "must use https://"],
    [`${issuer()}?api-version=1`, "must not have a query string"],
    [`${issuer()}#frag`, "must not have a fragment"],
    ["westeurope.oic.prod-aks.azure.com/x/", "expected the https URL"],
    ["https://user@westeurope.oic.prod-aks.azure.com/x/", "must not contain credentials"],
  ])("rejects issuer %j", (url, part) => {
    expectOnly(specWith((s) => (s.azure.oidcIssuerUrl = url)), "azure.oidcIssuerUrl", part);
  });

  it("accepts an issuer without trailing slash and keeps it as given", () => {
    const url = issuer().slice(0, -1);
    const result = loadFleet([{ file: "clusters/dev.ts", exported: specWith((s) => (s.azure.oidcIssuerUrl = url)) }]);
    expect(result.ok && result.clusters[0]?.spec.azure.oidcIssuerUrl).toBe(url);
  });
});

describe("git", () => {
  it("rejects scp-like URLs with the ssh:// form to use", () => {
    expectOnly(
      specWith((s) => (s.git.url = "git@github.com:contoso/fleet.git")),
      "git.url",
      "scp-like",
      'use "ssh://git@github.com/contoso/fleet.git"',
    );
  });

  it("rejects unknown hosts listing the accepted forms", () => {
    expectOnly(
      specWith((s) => (s.git.url = "https://gitlab.com/contoso/fleet")),
      "git.url",
      "expected one of: https://github.com/<org>/<repo>[.git], ssh://git@github.com/<org>/<repo>[.git], https://dev.azure.com/<org>/<project>/_git/<repo>, ssh://git@ssh.dev.azure.com/v3/<org>/<project>/<repo>",
      '"https://gitlab.com/contoso/fleet"',
    );
  });

  it.each([
    "https://dev.azure.com/contoso/ml-platform/_git/ml-fleet",
    "https://contoso@dev.azure.com/contoso/ml-platform/_git/ml-fleet",
    "https://dev.azure.com/contoso/ML%20Platform/_git/ml-fleet",
    "ssh://git@ssh.dev.azure.com/v3/contoso/ml-platform/ml-fleet",
    "ssh://git@github.com/contoso/fleet.git",
    "https://github.com/contoso/fleet.git",
  ])("accepts %s", (url) => {
    expect(problemsOf(specWith((s) => (s.git.url = url)))).toEqual([]);
  });

  it.each([
    ["feature branch", "must not contain spaces"],
    ["a..b", "must not contain '..'"],
    ["-main", "must not start with '-'"],
    ["main.lock", "may end with '.lock'"],
    ["feat/", "must not have empty '/'-separated parts"],
    ["refs/heads/main", "without 'refs/heads/'"],
    ["a:b", 'must not contain ":"'],
    ["", "must not be empty"],
  ])("rejects branch %j", (branch, part) => {
    expectOnly(specWith((s) => (s.git.branch = branch)), "git.branch", "valid Git branch name", part);
  });

  it.each([
    ["/clusters/dev", "no leading '/'", 'use "clusters/dev"'],
    ["clusters/../dev", "must not contain '..'"],
    ["../dev", "must not contain '..'"],
    ["clusters/dev/", "must not end with '/'", 'use "clusters/dev"'],
    ["./clusters/dev", "'.' parts", 'use "clusters/dev"'],
    ["clusters//dev", "'//'"],
    ["clusters/d ev", '" " is not allowed'],
    ["", "got an empty string"],
  ])("rejects path %j", (path, ...parts) => {
    expectOnly(specWith((s) => (s.git.path = path)), "git.path", ...parts);
  });

  it("rejects a secretRef that is not a Kubernetes name", () => {
    expectOnly(specWith((s) => (s.git.secretRef = "Git_Auth")), "git.secretRef", "lowercase Kubernetes object name");
  });

  it("requires a secretRef for ssh URLs", () => {
    expectOnly(
      specWith((s) => (s.git = { url: "ssh://git@github.com/contoso/fleet.git", secretRef: null })),
      "git.secretRef",
      "ssh:// URL needs an SSH key",
    );
  });

  it("requires a secretRef for ssh URLs even when other git fields have the wrong type", () => {
    const problems = problemsOf(specWith((s) => (s.git = { url: "ssh://git@github.com/contoso/fleet.git", secretRef: null, branch: 5 })));
    expect(problems.map((p) => p.path)).toEqual(["git.branch", "git.secretRef"]);
  });

  it("allows secretRef null for a public https repository", () => {
    expect(problemsOf(specWith((s) => (s.git.secretRef = null)))).toEqual([]);
  });
});

describe("flux", () => {
  it.each([
    ["sourceInterval", "5", 'add a unit, e.g. "5s" or "5m"'],
    ["reconcileInterval", "10 m", "expected a duration"],
    ["retryInterval", "1d", "expected a duration"],
    ["timeout", "0s", "greater than zero"],
    ["timeout", "-5m", "expected a duration"],
  ])("rejects %s=%j", (field, value, part) => {
    expectOnly(specWith((s) => (s.flux = { [field]: value })), `flux.${field}`, part, JSON.stringify(value));
  });

  it("accepts compound and fractional durations", () => {
    expect(problemsOf(specWith((s) => (s.flux = { timeout: "1h30m", retryInterval: "1.5m", sourceInterval: "500ms" })))).toEqual([]);
  });

  it("rejects an unknown bootstrap", () => {
    expectOnly(specWith((s) => (s.flux = { bootstrap: "helm" })), "flux.bootstrap", 'expected "flux-cli" or "aks-extension", got "helm"');
  });
});

describe("namespaces", () => {
  it.each([
    ["kube-system", "reserved namespace"],
    ["flux-system", "reserved namespace"],
    ["default", "reserved namespace"],
    ["kube-extra", '"kube-" prefix is reserved'],
    ["Analytics", "must be lowercase"],
  ])("rejects name %j", (name, part) => {
    expectOnly(specWith((s) => (s.namespaces = [{ name: "ok" }, { name }])), "namespaces[1].name", part);
  });

  it("rejects duplicates, naming the first declaration", () => {
    expectOnly(
      specWith((s) => (s.namespaces = [{ name: "a" }, { name: "b" }, { name: "a" }])),
      "namespaces[2].name",
      "already declared at namespaces[0]",
    );
  });

  it("reports duplicates even when another namespace is invalid", () => {
    const problems = problemsOf(specWith((s) => (s.namespaces = [{ name: "a" }, { name: "a" }, { name: "B" }, 3, { labels: 1 }])));
    expect(problems.map((p) => p.path)).toEqual([
      "namespaces[1].name",
      "namespaces[2].name",
      "namespaces[3]",
      "namespaces[4].labels",
      "namespaces[4].name",
    ]);
  });

  it("rejects invalid label keys and values with their path", () => {
    const problems = problemsOf(
      specWith((s) => (s.namespaces = [{ name: "a", labels: { "bad key": "x", team: "data science", "Example.com/x": "y" } }])),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["namespaces[0].labels.team", expect.stringContaining('expected a label value of at most 63 letters')],
      ['namespaces[0].labels["Example.com/x"]', expect.stringContaining("label key prefix must be a lowercase DNS subdomain")],
      ['namespaces[0].labels["bad key"]', expect.stringContaining('expected a label key like "team"')],
    ]);
  });
});

describe("extension points", () => {
  it("rejects an unknown platform, naming the known ones (none without a registry)", () => {
    const problems = problemsOf(specWith((s) => (s.platforms = { airflow: {} })));
    expect(problems).toEqual([expect.objectContaining({ path: "platforms.airflow", message: "unknown field" })]);
    const registered = problemsOf(specWith((s) => (s.platforms = { airflow: {} })), undefined, DEMO_PLATFORMS);
    expect(registered).toEqual([expect.objectContaining({ path: "platforms.airflow", message: "unknown field; expected one of: `demo`, `needy`" })]);
  });

  it("reports a platform's missing fields with their paths, and needs sops for the Secrets it reads", () => {
    const problems = problemsOf(specWith((s) => (s.platforms = { demo: {} })), undefined, DEMO_PLATFORMS);
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["platforms.demo.storage", expect.stringContaining("required: the Blob Storage")],
      ["sops", expect.stringMatching(/^required with platforms \(demo\): their database passwords are SOPS-encrypted Secrets/)],
    ]);
  });

  it("fills a platform's defaults and adds the Secrets it reads; its namespace is rendered", () => {
    const input = specWith((s) => ((s.platforms = { demo: { storage: { account: "stdemo", container: "demo" } } }), (s.sops = { age: [AGE] })));
    const spec = clusterSpecSchemaFor(DEMO_PLATFORMS).parse(input);
    expect(spec.platforms).toEqual({ demo: { namespace: "demo", storage: { account: "stdemo", container: "demo", resourceGroup: "rg-ml-dev" } } });
    // Problems with the Secret name the platform's section, which the user wrote, not an entry of secrets.
    expect(spec.secrets).toEqual([{ namespace: "demo", name: "demo-db", keys: ["password"], origin: "platforms.demo" }]);
    expect(renderedNamespaces(spec)).toEqual(["demo"]);
  });

  it("a platform's requirements, its own checks (paths under platforms.<key>) and its namespace in namespaces", () => {
    const input = specWith((s) => {
      s.platforms = { needy: { storage: { account: "stneedy", container: "needy" } } };
      s.sops = { age: [AGE] };
      s.namespaces = [{ name: "needy" }, { name: "forbidden" }];
    });
    expect(problemsOf(input, undefined, DEMO_PLATFORMS).map((problem) => [problem.path, problem.message])).toEqual([
      ["namespaces[0].name", expect.stringContaining('namespace "needy" is rendered by a platform (platforms)')],
      ["platforms.needy", "Needy runs on Demo: add platforms.demo too"],
      ["platforms.needy.storage", "the check hook sees the rendered namespaces"],
    ]);
  });

  it("two platforms in one namespace: named at the later one's namespace (or section, when it is the default), with the fix", () => {
    const storage = { account: "stdemo", container: "demo" };
    const explicit = specWith((s) => ((s.platforms = { demo: { storage }, needy: { storage, namespace: "demo" } }), (s.sops = { age: [AGE] })));
    expect(problemsOf(explicit, undefined, DEMO_PLATFORMS).map((problem) => [problem.path, problem.message])).toContainEqual([
      "platforms.needy.namespace",
      `namespace "demo" is also platforms.demo's; each platform needs a namespace of its own: set platforms.needy.namespace (or platforms.demo.namespace) to another name`,
    ]);
    const byDefault = specWith((s) => ((s.platforms = { demo: { storage, namespace: "needy" }, needy: { storage } }), (s.sops = { age: [AGE] })));
    expect(problemsOf(byDefault, undefined, DEMO_PLATFORMS).map((problem) => problem.path)).toContain("platforms.needy");
    const apart = specWith((s) => ((s.platforms = { demo: { storage }, needy: { storage } }), (s.sops = { age: [AGE] })));
    expect(problemsOf(apart, undefined, DEMO_PLATFORMS).filter((problem) => problem.message.includes("namespace of its own"))).toEqual([]);
  });

  it("a registry refuses duplicate keys and requirements registered after the platform that needs them", () => {
    expect(() => definePlatforms([...DEMO_PLATFORMS, DEMO_PLATFORMS[0]!])).toThrow(/platform key "demo" is registered twice/);
    expect(() => definePlatforms([DEMO_PLATFORMS[1]!, DEMO_PLATFORMS[0]!])).toThrow(/platform "needy" requires "demo", which is not registered before it/);
  });

  it("node pools need a preset and a Karpenter mode (packages/fleet/test/node-pools.test.ts has the rest)", () => {
    const problems = problemsOf(specWith((s) => (s.nodePools = [{ name: "gpu" }])));
    expect(problems).toEqual([
      { file: "apps/fleet/src/clusters/dev.ts", path: "karpenter", message: expect.stringContaining('required when nodePools are declared: karpenter: { mode: "node-auto-provisioning" }') },
      { file: "apps/fleet/src/clusters/dev.ts", path: "nodePools[0].preset", message: expect.stringContaining("required: the preset") },
    ]);
  });
});

describe("structure", () => {
  it("reports unknown fields with a suggestion for a near sibling", () => {
    expectOnly(specWith((s) => (s.azure.tenantid = s.azure.tenantId)), "azure.tenantid", "unknown field; did you mean `tenantId`?");
    expectOnly(specWith((s) => (s.git.brnch = "main")), "git.brnch", "did you mean `branch`?");
  });

  it("suggests the right place for a field written at the wrong level", () => {
    expectOnly(specWith((s) => (s.branch = "main")), "branch", "did you mean `git.branch`?");
  });

  it("lists the known fields when nothing is close", () => {
    expectOnly(specWith((s) => (s.flux = { zzz: 1 })), "flux.zzz", "unknown field; expected one of: `bootstrap`, `sourceInterval`");
  });

  it("reports each unknown field of one object separately", () => {
    const problems = problemsOf(specWith((s) => ((s.git.foo = 1), (s.git.bar = 2))));
    expect(problems.map((p) => p.path)).toEqual(["git.bar", "git.foo"]);
  });

  it("explains missing required fields", () => {
    const problems = problemsOf(specWith((s) => (delete s.azure.oidcIssuerUrl, delete s.git.url)));
    expect(problems).toEqual([
      {
        file: "apps/fleet/src/clusters/dev.ts",
        path: "azure.oidcIssuerUrl",
        message: "required: the AKS OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl -o tsv)",
      },
      { file: "apps/fleet/src/clusters/dev.ts", path: "git.url", message: expect.stringMatching(/^required: the URL of the Git repository/) },
    ]);
  });

  it("reports missing top-level objects", () => {
    const problems = problemsOf({ name: "dev" });
    expect(problems.map((p) => [p.path, p.message.slice(0, 9)])).toEqual([
      ["azure", "required:"],
      ["git", "required:"],
    ]);
  });

  it("says what type was expected and what was given", () => {
    expectOnly(specWith((s) => (s.name = 42)), "name", "expected a string, got number 42");
    expectOnly(specWith((s) => (s.namespaces = { name: "a" })), "namespaces", "expected a list, got an object");
    expectOnly(specWith((s) => (s.flux = "fast")), "flux", 'expected an object, got "fast"');
  });
});
