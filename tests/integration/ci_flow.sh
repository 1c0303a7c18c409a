#!/usr/bin/env bash
# `pipewright ci` end to end against the real dockerd and registry, the way CI jobs call it:
# GitLab on develop (jobs in the images, release pushed, the digest handed on in the dotenv
# report), GitLab on main (promotion to staging of that same digest, verify in it), GitHub
# Actions on a release tag (promotion to production: outputs and step summary carry the
# digest; the approval comes from the person who started the workflow by hand).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
require_docker
require_registry
base=$(require_busybox_image)
: "${PIPEWRIGHT:?set PIPEWRIGHT to the pipewright binary}"
reg=$PIPEWRIGHT_TEST_REGISTRY

work=$(tmpdir)
remote=$(tmpdir)
cd "$work"
project="pwci-$PW_TEST_ID"
git init -q --bare -b main "$remote/origin.git"
git init -q -b develop .
git config user.name "CI" && git config user.email ci@t.invalid
git remote add origin "$remote/origin.git"
cat > pipewright.yaml <<YAML
version: 1
name: $project
registry: $reg/$project
images:
  test:    { dockerfile: Dockerfile, target: test }
  release: { dockerfile: Dockerfile, target: release }
jobs:
  unit:  { image: test, run: "test \"\$(cat /marker)\" = test && echo unit-in-test-image" }
  smoke: { image: release, run: "test \"\$(cat /marker)\" = release && echo smoke-in-release-image for env=\$PIPEWRIGHT_ENVIRONMENT" }
environments:
  integration: {}
  staging:    { git_tag: Staging, from: integration, verify: [smoke] }
  production: { git_tag: Production, from: staging, verify: [smoke], approval: { required: true, approvers: [alice] } }
flows:
  - { name: develop, branches: [develop], run: [unit, smoke], release: true, promote: integration }
  - { name: staging, branches: [main], promote: staging }
  - { name: production, tags: ["v*"], promote: production }
YAML
cat > Dockerfile <<DOCKERFILE
FROM $base AS test
RUN echo test > /marker
FROM $base AS release
RUN echo release > /marker
DOCKERFILE
git add -A && git commit -qm one
sha=$(git rev-parse HEAD)
git branch main
git tag v1.0.0
git push -q origin develop main v1.0.0
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$reg/$project" |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup
no_ci=(env -u GITLAB_CI -u GITHUB_ACTIONS -u CI_COMMIT_BRANCH -u CI_COMMIT_TAG -u GITHUB_REF)

# Each pipeline runs in a fresh clone checked out at the commit, as a CI runner does: what
# one records (artifact note, environment tags, history) reaches the next only through origin.
runner_clone() { # NAME → a fresh detached clone of origin at $sha
  git clone -q "$remote/origin.git" "$work/$1"
  git -C "$work/$1" checkout -q --detach "$sha"
  git -C "$work/$1" config user.name "CI" && git -C "$work/$1" config user.email ci@t.invalid
  echo "$work/$1"
}

# --- GitLab, develop: jobs, release, integration; the digest in the dotenv report ----------
cd "$(runner_clone develop)"
out=$("${no_ci[@]}" CI=true GITLAB_CI=true CI_COMMIT_SHA="$sha" CI_COMMIT_BRANCH=develop \
  CI_DEFAULT_BRANCH=main "$PIPEWRIGHT" ci 2>&1) || fail "develop flow failed: $out"
assert_contains "$out" "unit-in-test-image" "unit ran in the test image"
assert_contains "$out" "smoke-in-release-image" "smoke ran in the release image"
assert_contains "$out" "section_start:" "GitLab sections"
assert_contains "$out" "push environment state to 'origin'" "state pushed"
dotenv=$(cat .pipewright/ci/pipewright.env)
digest=$(sed -n 's/^PIPEWRIGHT_DIGEST=//p' <<<"$dotenv")
[[ $digest == sha256:* ]] || fail "dotenv carries the digest: $dotenv"
assert_contains "$dotenv" "PIPEWRIGHT_IMAGE=$reg/$project@$digest" "dotenv image: promoted to integration"
assert_contains "$dotenv" "PIPEWRIGHT_ENVIRONMENT=integration" "develop lands in integration"
git -C "$remote/origin.git" notes --ref=pipewright show "$sha" >/dev/null ||
  fail "the artifact note reached origin"
assert_eq "$digest" "$(git -C "$remote/origin.git" notes --ref=pipewright show "$sha" | jq -r .digest)" \
  "the dotenv digest is the released one"

# --- GitLab, main, another runner: promotion to staging of that digest ---------------------
cd "$(runner_clone main)"
out=$("${no_ci[@]}" CI=true GITLAB_CI=true CI_COMMIT_SHA="$sha" CI_COMMIT_BRANCH=main \
  CI_DEFAULT_BRANCH=main "$PIPEWRIGHT" ci 2>&1) || fail "main flow failed: $out"
assert_contains "$out" "fetch environment state from 'origin'" "state fetched first"
assert_contains "$out" "smoke-in-release-image for env=staging" "verify ran in the promoted image, told what it verifies"
assert_eq "$sha" "$(git -C "$remote/origin.git" rev-parse 'Staging^{commit}')" \
  "Staging tag on the commit, on origin"
dotenv=$(cat .pipewright/ci/pipewright.env)
assert_contains "$dotenv" "PIPEWRIGHT_DIGEST=$digest" "same digest promoted"
assert_contains "$dotenv" "PIPEWRIGHT_ENVIRONMENT=staging" "environment in dotenv"

# --- GitHub, tag v1.0.0 pushed: production needs an approval -------------------------------
cd "$(runner_clone tag)"
rc=0
out=$("${no_ci[@]}" GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REF=refs/tags/v1.0.0 \
  GITHUB_EVENT_NAME=push GITHUB_ACTOR=mallory "$PIPEWRIGHT" ci 2>&1) || rc=$?
assert_eq 9 "$rc" "a tag push is not an approval: $out"
if git -C "$remote/origin.git" rev-parse -q --verify refs/tags/Production >/dev/null; then
  fail "Production moved without approval"
fi

# The release manager starts the workflow by hand: that start is the approval.
cd "$(runner_clone dispatch)"
outputs=$work/gh-output
summary=$work/gh-summary
out=$("${no_ci[@]}" GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REF=refs/tags/v1.0.0 \
  GITHUB_EVENT_NAME=workflow_dispatch GITHUB_ACTOR=alice GITHUB_OUTPUT="$outputs" \
  GITHUB_STEP_SUMMARY="$summary" "$PIPEWRIGHT" ci 2>&1) || fail "production flow failed: $out"
assert_contains "$out" "::group::promote to 'production'" "GitHub group"
assert_eq "$sha" "$(git -C "$remote/origin.git" rev-parse 'Production^{commit}')" \
  "Production tag on the commit, on origin"
assert_contains "$(git cat-file -p Production)" "alice" "approver recorded"
assert_contains "$(cat "$outputs")" "$digest" "GitHub output carries the digest"
assert_contains "$(cat "$summary")" "<code>$reg/$project@$digest</code>" "summary shows the image"

# A clone that only fetches sees the whole story.
cd "$(runner_clone reader)"
"$PIPEWRIGHT" fetch origin >/dev/null
status=$("$PIPEWRIGHT" status --json)
assert_eq "$digest" "$(jq -r '.[] | select(.environment=="production") | .digest' <<<"$status")" \
  "status after fetch: production digest"
assert_eq "$digest" "$(jq -r '.[] | select(.environment=="staging") | .digest' <<<"$status")" \
  "status after fetch: staging digest"
echo "ok"
