#!/usr/bin/env bash
# Regenerates the L1 classes in src/imports from the vendored CRDs in crds/, and crds/crds.json
# (what synth and the tests validate against).
# cdk8s import takes one spec per call and writes one module per call, so the CRDs of one API
# group are joined into one multi-document file first:
#   karpenter.sh        -> src/imports/karpenter.ts  (NodePool, NodeClaim; karpenter.sh/v1)
#   karpenter.azure.com -> src/imports/azure.ts      (AKSNodeClass; karpenter.azure.com/v1beta1, and
#                                                     the deprecated v1alpha2 that flotilla never emits)
set -euo pipefail
cd "$(dirname "$0")/.."
cdk8s="$(pwd)/../../node_modules/.bin/cdk8s"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf src/imports
import_group() {
  local module="$1" group="$2"
  for crd in crds/*."$group".yaml; do
    cat "$crd"
    printf '\n---\n'
  done >"$work/$module.yaml"
  "$cdk8s" import "$module:=$work/$module.yaml" --language typescript --output src/imports --no-check-upgrade >/dev/null
  mv "src/imports/$module-$group.ts" "src/imports/$module.ts"
}
import_group karpenter karpenter.sh
import_group azure karpenter.azure.com
ls src/imports
node ../../scripts/crds-to-json.mjs crds
