import { readFluxCrds } from "@flotilla/flux";
import { readKarpenterCrds } from "@flotilla/karpenter";
import { createValidator, type ObjectValidator } from "@flotilla/render";

/**
 * The one schema validator of the rendered tree: synth checks what it renders with it, validate
 * checks the committed tree with it. Add every vendored CRD set here (Flux, Karpenter).
 */
export async function createSchemaValidator(): Promise<ObjectValidator> {
  const [flux, karpenter] = await Promise.all([readFluxCrds(), readKarpenterCrds()]);
  return createValidator({ crds: [...flux, ...karpenter] });
}
