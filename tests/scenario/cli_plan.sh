#!/usr/bin/env bash
# Black-box: `pipewright plan` picks the flow for a branch or tag and orders jobs by needs.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

work=$(tmpdir)
cd "$work"
git init -q -b feature/login .
mkdir -p cicd/build cicd/release
printf 'FROM scratch\n' > cicd/build/Dockerfile
printf 'FROM scratch\n' > cicd/release/Dockerfile
cat > pipewright.yaml <<'YAML'
version: 1
name: demo
images:
  test: { dockerfile: cicd/build/Dockerfile, target: test }
  release: { dockerfile: cicd/release/Dockerfile }
services:
  db: { image: postgres:15, ready: { tcp: 5432 } }
jobs:
  unit: { image: test, run: "true" }
  lint: { image: test, run: "true" }
  security: { image: test, needs: [lint], run: "true" }
  integration: { image: release, needs: [unit], services: [db], run: "true" }
  smoke: { image: test, run: "true" }
environments:
  integration: {}
  staging: { git_tag: Staging, from: integration, verify: [smoke] }
flows:
  - { branches: ["feature/*"], run: [security, unit] }
  - { branches: [develop], run: [integration], release: true }
  - { branches: [main], promote: staging }
YAML

json=$("$PIPEWRIGHT" plan --branch feature/x --json)
assert_eq "branches:feature/*" "$(jq -r '.flow.name' <<<"$json")" "feature flow chosen"
assert_eq '["unit","lint","security"]' "$(jq -c '[.jobs[].name]' <<<"$json")" "dependency order"
assert_eq '[["unit","lint"],["security"]]' "$(jq -c '.levels' <<<"$json")" "levels"
assert_eq '["test"]' "$(jq -c '[.images[].name]' <<<"$json")" "images to build"
assert_eq "needed by 'security'" "$(jq -r '.jobs[1].reason' <<<"$json")" "reason"

# Without --branch, the current branch (feature/login) is used.
git -c user.name=t -c user.email=t@t commit -q --allow-empty -m init
assert_eq "feature/login" "$("$PIPEWRIGHT" plan --json | jq -r '.ref.name')" "current branch"

json=$("$PIPEWRIGHT" plan --branch develop --json)
assert_eq '["unit","integration"]' "$(jq -c '[.jobs[].name]' <<<"$json")" "develop jobs"
assert_eq "true" "$(jq -r '.release' <<<"$json")" "develop releases"
assert_eq '["test","release"]' "$(jq -c '[.images[].name]' <<<"$json")" "develop images"

json=$("$PIPEWRIGHT" plan --branch main --json)
assert_eq "staging" "$(jq -r '.promote' <<<"$json")" "main promotes"
assert_eq '["smoke"]' "$(jq -c '.verify' <<<"$json")" "verify jobs"

text=$("$PIPEWRIGHT" plan --branch feature/x)
assert_contains "$text" "flow 'branches:feature/*' for branch 'feature/x'"
assert_contains "$text" "level 2:"
assert_contains "$text" "security  [test]  needs lint"

assert_contains "$("$PIPEWRIGHT" plan --branch nothing-matches)" "no flow matches branch 'nothing-matches'"
assert_eq '["unit","integration"]' "$("$PIPEWRIGHT" plan integration --json | jq -c '[.jobs[].name]')" "named job"

set +e
err=$("$PIPEWRIGHT" plan integraton 2>&1); code=$?
set -e
assert_eq 2 "$code" "unknown job exits 2"
assert_contains "$err" "did you mean 'integration'?"

# A branch name full of shell metacharacters is only data.
evil='feature/$(touch pwned);`touch pwned2`'
out=$("$PIPEWRIGHT" plan --branch "$evil" --json)
assert_eq "$evil" "$(jq -r '.ref.name' <<<"$out")" "branch name kept verbatim"
[ ! -e pwned ] && [ ! -e pwned2 ] || fail "a branch name was executed"

git checkout -q --detach
set +e
err=$("$PIPEWRIGHT" plan 2>&1); code=$?
set -e
assert_eq 2 "$code" "detached HEAD without --branch exits 2"
assert_contains "$err" "HEAD is detached"
echo "cli_plan: ok"
