import { argoWorkflowsPlatform } from "@flotilla/argo-workflows";
import { definePlatforms } from "@flotilla/fleet";
import { flytePlatform } from "@flotilla/flyte";
import { metaflowPlatform } from "@flotilla/metaflow";

/**
 * The platforms flotilla's programs know (synth, validate, bootstrap, secret), in the order their
 * layers are rendered: a platform comes after the platforms it requires. Adding a platform is
 * one package implementing `Platform` (`@flotilla/fleet/platform`) and one line here.
 */
export const PLATFORMS = definePlatforms([
  flytePlatform,
  argoWorkflowsPlatform,
  metaflowPlatform,
]);
