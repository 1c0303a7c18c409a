#!/usr/bin/env bash
# The specs we ship are valid: the template under pipelines/ (from the repository root) and
# every example (each a repository of its own, checked by examples/validate.sh), and the
# template's plan follows the seed flow.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

cd "$PW_REPO"
"$PIPEWRIGHT" -f pipelines/template.yaml validate -q || fail "pipelines/template.yaml is invalid"
out=$(bash examples/validate.sh "$PIPEWRIGHT" 2>&1) || fail "an example is invalid:
$out"
assert_contains "$out" "== churn-model"
assert_contains "$out" "== quickstart"

json=$("$PIPEWRIGHT" -f pipelines/template.yaml plan --branch feature/login --json)
[[ $(jq '.jobs | length' <<<"$json") -gt 0 ]] || fail "the template runs nothing on a feature branch"
assert_eq "false" "$(jq -r '.release' <<<"$json")" "feature branches do not release"
assert_eq "true" "$("$PIPEWRIGHT" -f pipelines/template.yaml plan --branch develop --json | jq -r '.release')" \
  "develop releases"
assert_eq "staging" "$("$PIPEWRIGHT" -f pipelines/template.yaml plan --branch main --json | jq -r '.promote')" \
  "main promotes to staging"
echo "bundled_specs: ok"
