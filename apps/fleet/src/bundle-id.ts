declare const FLOTILLA_BUNDLE_ID: string | undefined;

/**
 * A digest of every source file bundled into dist/bundle/ (scripts/bundle.mjs defines it), "" when
 * running unbundled: caches keyed on the code must change when the bundle does, even when the
 * package files they hash were rebuilt without it.
 */
export const bundleId: string = typeof FLOTILLA_BUNDLE_ID === "string" ? FLOTILLA_BUNDLE_ID : "";
