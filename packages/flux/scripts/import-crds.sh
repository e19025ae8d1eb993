#!/usr/bin/env bash
# Regenerates the L1 classes in src/imports from the vendored CRDs in crds/.
# cdk8s import takes one spec per call and writes one module per call, so the CRDs of one
# API group are joined into one multi-document file first.
set -euo pipefail
cd "$(dirname "$0")/.."
cdk8s="$(pwd)/../../node_modules/.bin/cdk8s"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf src/imports
for group in source kustomize helm notification image; do
  for crd in crds/*."$group".toolkit.fluxcd.io.yaml; do
    cat "$crd"
    printf '\n---\n'
  done >"$work/$group.yaml"
  "$cdk8s" import "$group:=$work/$group.yaml" --language typescript --output src/imports --no-check-upgrade >/dev/null
  mv "src/imports/$group-$group.toolkit.fluxcd.io.ts" "src/imports/$group.ts"
done
ls src/imports
node ../../scripts/crds-to-json.mjs crds
