#!/usr/bin/env bash
# Black-box: `pipewright plan --changed-since REF` selects jobs by the files changed since the
# merge base with REF, says why each job runs or not (text and JSON), matches whole path
# segments, and selects everything (with a note) when REF is unknown.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

work=$(tmpdir)
cd "$work"
git init -q -b main .
git config user.name t && git config user.email t@t.invalid
mkdir -p cicd services/api services/apix services/worker web
printf 'FROM scratch\n' > cicd/Dockerfile
printf 'FROM scratch\n' > web/Dockerfile
echo a > services/api/a.py; echo x > services/apix/x.py; echo w > services/worker/w.py
echo h > web/index.html
cat > pipewright.yaml <<'YAML'
version: 1
name: mono
images:
  test: { dockerfile: cicd/Dockerfile }
  web: { dockerfile: web/Dockerfile, paths: [web] }
jobs:
  lint: { image: test, run: "true" }
  api: { image: test, paths: [services/api], run: "true" }
  worker: { image: test, paths: [services/worker], run: "true" }
  web-unit: { image: web, run: "true" }
  api-int: { image: test, paths: [services/api], needs: [worker], run: "true" }
flows:
  - { branches: ["feature/*"], run: [lint, api, worker, web-unit, api-int] }
YAML
git add -A && git commit -q -m init
git checkout -q -b feature/x
echo a2 > services/api/a.py
echo x2 > services/apix/x.py
git commit -q -am "api and apix"

json=$("$PIPEWRIGHT" plan --changed-since main --json)
assert_eq '["lint","api","worker","api-int"]' "$(jq -c '[.jobs[].name]' <<<"$json")" "selected jobs"
assert_eq "changed: services/api/a.py under services/api" \
  "$(jq -r '.jobs[] | select(.name == "api") | .reason' <<<"$json")" "reason of api"
assert_eq "needed by 'api-int'" \
  "$(jq -r '.jobs[] | select(.name == "worker") | .reason' <<<"$json")" "reason of worker"
assert_eq '[{"name":"web-unit","reason":"no changes under web, web/Dockerfile"}]' \
  "$(jq -c '.not_selected' <<<"$json")" "left out"
assert_eq '["test"]' "$(jq -c '[.images[].name]' <<<"$json")" "the web image is not built"
assert_eq '["services/api/a.py","services/apix/x.py"]' "$(jq -c '.changes.paths' <<<"$json")" "paths"
assert_eq "$(git merge-base HEAD main)" "$(jq -r '.changes.base' <<<"$json")" "base"

text=$("$PIPEWRIGHT" plan --base main)
assert_contains "$text" "changes: 2 files changed since"
assert_contains "$text" "not selected:"
assert_contains "$text" "web-unit  (no changes under web, web/Dockerfile)"

# explicit job lists are selected too
json=$("$PIPEWRIGHT" plan --changed-since main --json worker)
assert_eq '[]' "$(jq -c '[.jobs[].name]' <<<"$json")" "worker unchanged"

# an unknown base selects everything, and says so
json=$("$PIPEWRIGHT" plan --changed-since origin/nope --json)
assert_eq 5 "$(jq '.jobs | length' <<<"$json")" "everything selected"
assert_eq everything "$(jq -r '.changes.scope' <<<"$json")" "scope"
assert_contains "$(jq -r '.changes.note' <<<"$json")" "'origin/nope' is not known here"
echo "plan_changes: ok"
