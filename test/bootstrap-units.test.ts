/**
 * apps/bootstrap building blocks without a server: the atomic identity outputs writer, the
 * bounded retry loop, the per-identity serial queue and bounded parallelism, error messages.
 */
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseIdentityOutputs, type IdentityOutputs } from "@flotilla/workload-identity";
import { describeError } from "../apps/bootstrap/src/arm-errors.js";
import { forEachBounded, KeyedSerialQueue } from "../apps/bootstrap/src/concurrency.js";
import { writeOutputsFile } from "../apps/bootstrap/src/identity-outputs.js";
import { backoffDelay, retry } from "../apps/bootstrap/src/retry.js";

/** Makes the next outputs write fail after half the bytes reached the temporary file. */
const failNextWrite = { armed: false };
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      if (!failNextWrite.armed || args[1] !== "wx") return handle;
      failNextWrite.armed = false;
      return new Proxy(handle, {
        get(target, prop, receiver) {
          if (prop === "writeFile") {
            return async (data: string) => {
              await target.writeFile(data.slice(0, data.length / 2));
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            };
          }
          const value = Reflect.get(target, prop, receiver) as unknown;
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
});

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const outputs = (clientId: string): IdentityOutputs => ({
  cluster: "dev",
  tenantId: TENANT,
  identities: {
    zeta: {
      clientId,
      principalId: "9a1c0000-0000-4000-8000-000000000002",
      resourceId: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-zeta",
    },
    alpha: {
      clientId,
      principalId: "9a1c0000-0000-4000-8000-000000000001",
      resourceId: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-alpha",
    },
  },
});
const CLIENT_A = "c11e0000-0000-4000-8000-00000000000a";
const CLIENT_B = "c11e0000-0000-4000-8000-00000000000b";

describe("identity outputs writer", () => {
  it("writes deterministic bytes (identities sorted, trailing newline) and rewrites only on change, by rename", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "flotilla-out-")), "nested", "identity-outputs");
    expect(await writeOutputsFile(dir, outputs(CLIENT_A))).toBe("written");
    const file = join(dir, "dev.json");
    const text = await readFile(file, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(parseIdentityOutputs(text, file)).toMatchObject({ ok: true });
    const first = await stat(file);

    expect(await writeOutputsFile(dir, outputs(CLIENT_A))).toBe("unchanged");
    expect((await stat(file)).mtimeMs).toBe(first.mtimeMs);

    expect(await writeOutputsFile(dir, outputs(CLIENT_B))).toBe("written");
    expect((await stat(file)).ino).not.toBe(first.ino); // a new file renamed over the old one
    expect(await readdir(dir)).toEqual(["dev.json"]);
  });

  it("a reader polling during 60 rewrites always sees one whole file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-out-"));
    const file = join(dir, "dev.json");
    await writeOutputsFile(dir, outputs(CLIENT_A));
    let done = false;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        const text = await readFile(file, "utf8");
        expect(parseIdentityOutputs(text, file).ok).toBe(true);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 60; i++) await writeOutputsFile(dir, outputs(i % 2 ? CLIENT_A : CLIENT_B));
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
  });

  it("a write failing half-way leaves the previous file intact and no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-out-"));
    const file = join(dir, "dev.json");
    await writeOutputsFile(dir, outputs(CLIENT_A));
    const before = await readFile(file, "utf8");
    failNextWrite.armed = true;
    await expect(writeOutputsFile(dir, outputs(CLIENT_B))).rejects.toThrow(/ENOSPC/);
    expect(await readFile(file, "utf8")).toBe(before);
    expect(await readdir(dir)).toEqual(["dev.json"]);
  });

  it("refuses outputs that would not parse back, leaving the file alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-out-"));
    await writeFile(join(dir, "dev.json"), "previous\n");
    const bad = { ...outputs(CLIENT_A), tenantId: "not-a-guid" };
    await expect(writeOutputsFile(dir, bad)).rejects.toThrow(/refusing to write invalid identity outputs: tenantId/);
    expect(await readFile(join(dir, "dev.json"), "utf8")).toBe("previous\n");
  });
});

describe("retry", () => {
  const failing = (code: string) => Object.assign(new Error(code), { code });

  it("backoffDelay doubles from the base with ±25 % jitter and never exceeds the cap", () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 16_000 };
    for (const [attempt, centre] of [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 16_000], [9, 16_000]] as const) {
      const delays = Array.from({ length: 200 }, () => backoffDelay(policy, attempt));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(centre * 0.75);
      expect(Math.max(...delays)).toBeLessThanOrEqual(Math.min(centre * 1.25, 16_000));
      expect(new Set(delays).size).toBeGreaterThan(20); // jittered, not one fixed value
    }
  });

  it("stops after maxAttempts", async () => {
    const attempts: number[] = [];
    const op = async (n: number) => {
      attempts.push(n);
      throw failing("PrincipalNotFound");
    };
    await expect(retry(op, () => true, { maxAttempts: 3, maxElapsedMs: 10_000, baseDelayMs: 1, maxDelayMs: 2 })).rejects.toThrow("PrincipalNotFound");
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("stops when the next wait would pass maxElapsedMs", async () => {
    let calls = 0;
    const started = Date.now();
    const op = async () => {
      calls++;
      throw failing("PrincipalNotFound");
    };
    await expect(retry(op, () => true, { maxAttempts: 1000, maxElapsedMs: 300, baseDelayMs: 40, maxDelayMs: 80 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(400);
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(12);
  });

  it("does not retry what shouldRetry rejects, and returns the first success", async () => {
    const op = vi.fn(async (n: number) => {
      if (n < 3) throw failing("PrincipalNotFound");
      return "done";
    });
    expect(await retry(op, (e) => (e as { code?: string }).code === "PrincipalNotFound", { maxAttempts: 5, maxElapsedMs: 5_000, baseDelayMs: 1, maxDelayMs: 1 })).toBe("done");
    const other = vi.fn(async () => {
      throw failing("AuthorizationFailed");
    });
    await expect(retry(other, (e) => (e as { code?: string }).code === "PrincipalNotFound", { maxAttempts: 5, maxElapsedMs: 5_000, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow();
    expect(other).toHaveBeenCalledTimes(1);
  });

  it("an abort cuts a wait short", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error("stop")), 50);
    const started = Date.now();
    await expect(
      retry(async () => Promise.reject(failing("x")), () => true, { maxAttempts: 5, maxElapsedMs: 60_000, baseDelayMs: 10_000, maxDelayMs: 10_000 }, { signal: abort.signal }),
    ).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("scheduling", () => {
  it("KeyedSerialQueue runs one task per key at a time, other keys in parallel, and survives failures", async () => {
    const queue = new KeyedSerialQueue();
    const running = new Map<string, number>();
    let maxSameKey = 0;
    let maxOverall = 0;
    const task = (key: string, fail = false) =>
      queue.run(key, async () => {
        running.set(key, (running.get(key) ?? 0) + 1);
        maxSameKey = Math.max(maxSameKey, running.get(key)!);
        maxOverall = Math.max(maxOverall, [...running.values()].reduce((a, b) => a + b, 0));
        await new Promise((resolve) => setTimeout(resolve, 10));
        running.set(key, running.get(key)! - 1);
        if (fail) throw new Error("boom");
        return key;
      });
    const results = await Promise.allSettled([task("a"), task("a", true), task("a"), task("b"), task("b")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(maxSameKey).toBe(1);
    expect(maxOverall).toBe(2);
  });

  it("forEachBounded never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    await forEachBounded(Array.from({ length: 20 }, (_, i) => i), 4, async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    expect(peak).toBe(4);
  });
});

describe("error messages", () => {
  it("show the ARM code, status and message on one line, never a token", () => {
    const rest = Object.assign(new Error("The client 'x' does not have authorization.\n Details follow."), { name: "RestError", code: "AuthorizationFailed", statusCode: 403 });
    expect(describeError(rest)).toBe("AuthorizationFailed (HTTP 403): The client 'x' does not have authorization. Details follow.");
    const leaky = new Error("header was Authorization: Bearer abc.def.ghi and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig");
    expect(describeError(leaky)).toBe("header was Authorization: Bearer [redacted] and [redacted token]");
  });
});
