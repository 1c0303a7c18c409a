#!/usr/bin/env bash
# Usage: examples/validate.sh [PIPEWRIGHT]     (default: build/src/pipewright)
#
# Validates every example (examples/*/pipewright.yaml) and prints its plan for the branches of
# the seed flow. Each example is a project of its own whose paths are relative to its own
# repository root, while pipewright resolves paths against the enclosing git work tree (here:
# pipewright's repository). So each example is copied into a temporary directory that is made
# a git repository of its own, and checked there. Exit status: 0 when every example is valid.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/.." && pwd -P)
pipewright=${1:-$repo/build/src/pipewright}
[[ $pipewright == /* ]] || pipewright=$PWD/$pipewright
[[ -x $pipewright ]] || { echo "validate.sh: no pipewright binary at $pipewright" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pw-examples.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

status=0
for spec in "$here"/*/pipewright.yaml; do
  example=$(basename -- "$(dirname -- "$spec")")
  copy=$work/$example
  cp -R -- "$(dirname -- "$spec")" "$copy"
  git -C "$copy" init -q -b main
  echo "== $example"
  if ! "$pipewright" -C "$copy" validate; then
    status=1
    continue
  fi
  for branch in feature/example develop main; do
    "$pipewright" -C "$copy" plan --branch "$branch" | sed 's/^/   /'
  done
done
exit "$status"
