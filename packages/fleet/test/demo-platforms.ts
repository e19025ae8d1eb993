import * as z from "zod";
import { type AnyPlatform, definePlatforms, platformStorage, platformStorageSchema, strictObject } from "../src/platform/index.js";

/**
 * Spec-only platforms for this package's schema tests (the real platforms live in their own
 * packages, which this package must not import): they are parsed, defaulted and checked, never
 * rendered.
 */
function specOnly(key: string, extra: Partial<AnyPlatform> = {}): AnyPlatform {
  return {
    key,
    name: key,
    title: key,
    chart: { url: "https://charts.example.com", chart: key, version: "1.0.0", releaseName: key },
    spec: {
      schema: strictObject(`${key}: { storage, namespace? }`, { namespace: z.string().optional(), storage: platformStorageSchema }),
      defaultNamespace: key,
      defaults: (parsed: { namespace?: string; storage: z.output<typeof platformStorageSchema> }, cluster) => ({
        namespace: parsed.namespace ?? key,
        storage: platformStorage(parsed.storage, cluster),
      }),
      secrets: (spec: { namespace: string }) => [{ namespace: spec.namespace, name: `${key}-db`, keys: ["password"] }],
      check: (raw, context) => {
        if (raw.storage !== undefined && context.renderedNamespaces.has("forbidden")) context.report(["storage"], "the check hook sees the rendered namespaces");
      },
    },
    identities: () => [],
    render: () => {
      throw new Error("spec-only test platform");
    },
    ...extra,
  };
}

export const DEMO_PLATFORMS = definePlatforms([specOnly("demo"), specOnly("needy", { requires: [{ platform: "demo", reason: "Needy runs on Demo" }] })]);
