import { describe, expect, it } from "vitest";
import { parseGitUrl } from "../src/index.js";
import { checkGitUrl } from "../src/validators/git-url.js";

describe("parseGitUrl", () => {
  it.each([
    ["https://github.com/contoso/fleet", { provider: "github", protocol: "https", organization: "contoso", project: undefined, repository: "fleet" }],
    ["https://github.com/contoso/fleet.git", { provider: "github", protocol: "https", organization: "contoso", project: undefined, repository: "fleet" }],
    ["ssh://git@github.com/contoso/my.repo.git", { provider: "github", protocol: "ssh", organization: "contoso", project: undefined, repository: "my.repo" }],
    ["https://dev.azure.com/contoso/ml/_git/fleet", { provider: "azure-devops", protocol: "https", organization: "contoso", project: "ml", repository: "fleet" }],
    ["https://me@dev.azure.com/contoso/ml/_git/fleet", { provider: "azure-devops", protocol: "https", organization: "contoso", project: "ml", repository: "fleet" }],
    ["ssh://git@ssh.dev.azure.com/v3/contoso/ml/fleet", { provider: "azure-devops", protocol: "ssh", organization: "contoso", project: "ml", repository: "fleet" }],
  ])("parses %s", (url, expected) => {
    expect(parseGitUrl(url)).toEqual(expected);
  });

  it.each([
    "git@github.com:contoso/fleet.git",
    "https://gitlab.com/contoso/fleet",
    "http://github.com/contoso/fleet",
    "https://github.com/contoso",
    "https://github.com/contoso/fleet/extra",
    "https://github.com/contoso/../fleet",
    "ssh://github.com/contoso/fleet",
    "https://dev.azure.com/contoso/ml/fleet",
    "ssh://git@ssh.dev.azure.com/contoso/ml/fleet",
    "git://github.com/contoso/fleet",
  ])("rejects %s", (url) => {
    expect(parseGitUrl(url)).toBeUndefined();
    expect(checkGitUrl(url)).toBeDefined();
  });
});

describe("checkGitUrl messages", () => {
  it("converts scp-like Azure DevOps addresses", () => {
    expect(checkGitUrl("git@ssh.dev.azure.com:v3/contoso/ml/fleet")).toContain('use "ssh://git@ssh.dev.azure.com/v3/contoso/ml/fleet"');
  });

  it("lists the accepted forms for scp-like addresses of other hosts", () => {
    expect(checkGitUrl("git@gitlab.com:contoso/fleet.git")).toContain("scp-like");
    expect(checkGitUrl("git@gitlab.com:contoso/fleet.git")).toContain("expected one of: https://github.com/<org>/<repo>[.git]");
  });

  it.each([
    ["http://github.com/contoso/fleet", 'use "https://github.com/contoso/fleet"'],
    ["https://github.com/contoso/fleet/", 'use "https://github.com/contoso/fleet"'],
    ["https://github.com/contoso/fleet/tree/main/clusters", 'use "https://github.com/contoso/fleet"'],
    ["https://contoso.visualstudio.com/ml/_git/fleet", 'use "https://dev.azure.com/contoso/ml/_git/fleet"'],
  ])("suggests a fix for %s", (url, part) => {
    expect(checkGitUrl(url)).toContain(part);
  });

  it("rejects credentials without printing them", () => {
    const message = checkGitUrl("https://me:s3cr3t-token@dev.azure.com/contoso/ml/_git/fleet");
    expect(message).toContain("must not contain a password or token");
    expect(message).not.toContain("s3cr3t");
  });
});
