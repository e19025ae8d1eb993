/**
 * One set of rules for encrypted Secrets (#14.4), as a table: each row is one bad secret file,
 * driven through the built CLI both ways. `synth` refuses to place it (exit 1, the source file,
 * field and fix named, clusters/ byte-identical), and `validate` rejects the same file edited by
 * hand into the committed tree (exit 1, the same rule named on the tree's file). Files are
 * encrypted by `secret set` and the sops writer for keys from the real `age-keygen`.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ageRecipient, encryptSecret } from "@flotilla/sops";
import { ageKeygen, type AgeKeyPair } from "../packages/sops/test/support/age-cli.js";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { validateCli } from "./support/review-cli.js";
import { secretCli } from "./support/secret-cli.js";
import { synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

let work: string;
let fleet: string;
let tree: string;
let alphaKey: AgeKeyPair;
let strangerKey: AgeKeyPair;
let good: string;
let goodPlaced: string;
let betaFile: string;

const cluster = (name: string, recipient: string, issuer?: string) => ({ ...validCluster(name, issuer), namespaces: [{ name: "team" }], sops: { age: [recipient] } });
const source = () => join(fleet, "secrets/alpha/team/db.sops.yaml");
const placed = () => join(tree, "alpha/infrastructure/secret_team_db.sops.yaml");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-secret-rules-"));
  tree = join(work, "clusters");
  let betaKey: AgeKeyPair;
  [alphaKey, betaKey, strangerKey] = await Promise.all([ageKeygen(), ageKeygen(), ageKeygen()]);
  fleet = await writeFleet({});
  await writeFile(join(fleet, "alpha.mjs"), `export default ${JSON.stringify(cluster("alpha", alphaKey.recipient))};\n`);
  await writeFile(join(fleet, "beta.mjs"), `export default ${JSON.stringify(cluster("beta", betaKey.recipient, "9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18"))};\n`);
  expect(secretCli(["--fleet", fleet, "set", "beta", "team/db", "--from-literal", "password=beta"]).code).toBe(0);
  betaFile = await readFile(join(fleet, "secrets/beta/team/db.sops.yaml"), "utf8");
  const set = secretCli(["--fleet", fleet, "set", "alpha", "team/db", "--from-stdin", "password"], { input: "s3cret" });
  expect(set.stderr).toBe("");
  good = await readFile(source(), "utf8");
  const synth = synthCli("--fleet", fleet, "--out", tree);
  expect(synth.stderr).toBe("");
  goodPlaced = await readFile(placed(), "utf8");
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(fleet, { recursive: true, force: true });
});
beforeEach(async () => {
  await writeFile(source(), good);
  await writeFile(placed(), goodPlaced);
});

/** An encrypted Secret team/db as the sops writer makes it (an empty value stays empty, as sops leaves it). */
const encrypted = (data: Record<string, string>, recipient = alphaKey.recipient) =>
  encryptSecret({ name: "db", namespace: "team", data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value)])) }, [ageRecipient(recipient)]);

interface Row {
  name: string;
  /** The bad file, from the good one. */
  bad: (good: string) => string | Promise<string>;
  /** The field the rule names ("" for the whole file) and the rule's words. */
  field: string;
  rule: string;
  /** Words of the fix, further on the line (commands spelled as the user types them). */
  fix?: string;
  /** The check validate names the rule under. */
  check: "secrets" | "schema";
}

const rows: Row[] = [
  { name: "a renamed object", bad: (text) => text.replace("  name: db\n", "  name: other\n"), field: "metadata.name", rule: 'the Secret is named "other" but its file is for "db"', check: "secrets" },
  {
    name: "a second document",
    bad: (text) => `${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: team\ndata:\n  a: b\n`,
    field: "",
    rule: "2 YAML documents (separated by ---): a SOPS file holds exactly one object; move the others into files of their own",
    check: "secrets",
  },
  {
    name: "a fake ENC[…] value",
    bad: (text) => text.replace(/password: ENC\[[^\]]*\]/, "password: ENC[AES256_GCM,data:bm90IHJlYWxseQ==,iv:x,tag:y,type:str]"),
    field: "data.password",
    rule: "malformed encrypted value: the tag must be 16 bytes",
    check: "secrets",
  },
  { name: "another cluster's encryption", bad: () => betaFile, field: "sops", rule: "it is encrypted for the recipients of cluster beta, not alpha", fix: "; re-encrypt it with `pnpm secret updatekeys alpha` (or `pnpm secret set alpha team/db …`)", check: "secrets" },
  { name: "wrong recipients", bad: () => encrypted({ password: "x" }, strangerKey.recipient), field: "sops", rule: "it is not encrypted for exactly cluster alpha's recipients (missing age1", fix: "; re-encrypt it with `pnpm secret updatekeys alpha` (or `pnpm secret set alpha team/db …`)", check: "secrets" },
  { name: "a UTF-8 BOM", bad: (text) => `\uFEFF${text}`, field: "", rule: "the file starts with a UTF-8 byte order mark", check: "secrets" },
  { name: "an unknown top-level field", bad: (text) => text.replace("kind: Secret\n", "kind: Secret\nfoo: bar\n"), field: "foo", rule: "unknown field (known fields:", check: "schema" },
  { name: "a << merge key", bad: (text) => text.replace("kind: Secret\n", "kind: Secret\n<<:\n  immutable: true\n"), field: "<<", rule: "a YAML merge key (<<): sops and Flux would merge it", check: "secrets" },
  { name: "an empty value", bad: () => encrypted({ password: "" }), field: "data.password", rule: "an empty value: sops leaves empty values unencrypted", fix: "give the key a value with `pnpm secret set`, or drop the key (`pnpm secret set … --replace` with the other keys)", check: "secrets" },
];

/** A line naming `file`, the field and the rule. */
function ruleLine(file: string, row: Row): { test: (line: string) => boolean } {
  const field = new RegExp(`(^|: )${row.field === "" ? "" : `\\.?${escape(row.field)}: `}`);
  return { test: (line) => line.includes(`${file}:`) || line.includes(`(in ${file},`) ? field.test(line) && line.includes(row.rule) && (row.fix === undefined || line.includes(row.fix)) : false };
}
const hasLine = (output: string, file: string, row: Row, tag?: RegExp) => output.split("\n").some((line) => ruleLine(file, row).test(line) && (tag === undefined || tag.test(line)));

describe("synth and validate apply one set of rules to encrypted Secrets", () => {
  it("the good file passes both", () => {
    expect(synthCli("--fleet", fleet, "--out", tree, "--check").code).toBe(0);
    const validate = validateCli(work, "--tree", tree, "--fleet", fleet);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
  });

  it.each(rows)("$name: synth refuses to place it, validate rejects it in the tree", async (row) => {
    const bad = await row.bad(good);

    await writeFile(source(), bad);
    const before = await snapshotTree(tree);
    const synth = synthCli("--fleet", fleet, "--out", tree);
    expect(synth.code, synth.stderr).toBe(1);
    expect(hasLine(synth.stderr, source(), row), synth.stderr).toBe(true);
    expect(synth.stderr).toContain("was not changed");
    expect(await snapshotTree(tree)).toEqual(before);
    expect(synth.stdout).toBe("");

    // The same file edited by hand into the committed tree (after synth's header), with its source.
    await writeFile(placed(), `${goodPlaced.split("\n").slice(0, 2).join("\n")}\n${bad}`);
    const validate = validateCli(work, "--tree", tree, "--fleet", fleet);
    expect(validate.code, validate.stderr).toBe(1);
    expect(hasLine(validate.stderr, placed(), row, new RegExp(`\\[${row.check}\\]$`)), validate.stderr).toBe(true);
    // …and what synth refuses in the fleet's secrets is reported too.
    expect(hasLine(validate.stderr, source(), row, / \[(fleet|generated)\]$/), validate.stderr).toBe(true);
    expect(validate.stderr).not.toContain("s3cret");

    // The tree alone edited (the source as synth placed it): validate still names the rule on the tree's file.
    await writeFile(source(), good);
    const treeOnly = validateCli(work, "--tree", tree, "--fleet", fleet);
    expect(treeOnly.code).toBe(1);
    expect(hasLine(treeOnly.stderr, placed(), row, new RegExp(`\\[${row.check}\\]$`)), treeOnly.stderr).toBe(true);
  });
});

describe("secret set writes nothing synth would refuse", () => {
  it("refuses an empty value from --from-literal and from standard input, naming the key and the fix", async () => {
    for (const args of [["--from-literal", "token="], ["--from-stdin", "token"]]) {
      const set = secretCli(["--fleet", fleet, "set", "alpha", "team/db", ...args], { input: "" });
      expect(set.code).toBe(2);
      expect(set.stderr).toMatch(/key "token" has an empty value, which sops would leave unencrypted \(synth and validate refuse it\); give it a value, or leave the key out/);
      expect(await readFile(source(), "utf8")).toBe(good);
    }
  });

  it("refuses to keep an empty value of the existing file", async () => {
    const keyFile = join(work, "alpha-age.txt");
    await writeFile(keyFile, alphaKey.identity, { mode: 0o600 });
    const existing = await encrypted({ password: "", user: "u" });
    await writeFile(source(), existing);
    const set = secretCli(["--fleet", fleet, "set", "alpha", "team/db", "--from-literal", "user=x"], { env: { SOPS_AGE_KEY_FILE: keyFile } });
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(/secrets\/alpha\/team\/db\.sops\.yaml not written: data\.password: an empty value: sops leaves empty values unencrypted, so flotilla refuses them; give the key a value with `pnpm secret set`, or drop the key \(`pnpm secret set … --replace` with the other keys\)/);
    expect(await readFile(source(), "utf8")).toBe(existing);
  });
});
