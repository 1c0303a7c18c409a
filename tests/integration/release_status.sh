#!/usr/bin/env bash
# `pipewright release`, `status` and `history` against the real daemon, the loopback registry
# and git: the digest recorded in the note is exactly what the registry's API serves for the
# pushed tag; a second release is idempotent; a dirty tree is refused; status and history read
# environment state written the way promotion writes it (annotated tags + history refs).
set -euo pipefail
# shellcheck source=tests/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/common.sh"

require_docker
require_registry
base=$(require_busybox_image)

registry=$PIPEWRIGHT_TEST_REGISTRY
project=pwtest-$PW_TEST_ID
repository=$project/release
api=http://$registry/v2/$repository
accept=(
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
  -H 'Accept: application/vnd.oci.image.manifest.v1+json'
  -H 'Accept: application/vnd.oci.image.index.v1+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json'
)
cleanup_images() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$registry/$project/" |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup_images
digest=""
delete_pushed_manifest() {
  [[ -z $digest ]] || curl -s -o /dev/null -X DELETE "$api/manifests/$digest" || true
}
on_exit delete_pushed_manifest

work=$(tmpdir)
cd "$work"
git init -q -b main .
git config user.name "Release Manager"
git config user.email "rm@example.invalid"
mkdir -p cicd/release
printf 'FROM %s\nCOPY app.txt /app.txt\n' "$base" >cicd/release/Dockerfile
printf '%s\n' "$PW_TEST_ID" >app.txt
cat >pipewright.yaml <<YAML
version: 1
name: $project
registry: $registry/$project
images:
  release: { dockerfile: cicd/release/Dockerfile }
jobs:
  smoke: { image: release, run: "cat /app.txt" }
environments:
  integration: {}
  staging: { git_tag: Staging, from: integration }
  production: { git_tag: Production, from: staging }
YAML
git add -A
git commit -q -m "first"
sha=$(git rev-parse HEAD)

# --- the test evidence: a clean passing run of this commit ---------------------------------
run_json=$("$PIPEWRIGHT" run smoke --json -q 2>/dev/null) || fail "smoke run failed"
run_id=$(jq -r .run_id <<<"$run_json")
[[ -f .pipewright/evidence/$sha.json ]] || fail "the passing run was not recorded for $sha"

# --- release: push, digest from the registry, note ---------------------------------------
out=$("$PIPEWRIGHT" release -q 2>&1) || fail "release failed: $out"
note=$(git notes --ref=pipewright show HEAD) || fail "no note on HEAD"
assert_eq "$run_id" "$(jq -r .run_id <<<"$note")" "the note names the passing run"
assert_eq "passed" "$(jq -r '.tests.jobs[0].status' <<<"$note")" "the note carries the run summary"
digest=$(jq -r .digest <<<"$note")
[[ $digest == sha256:* ]] || fail "note has no digest: $note"
assert_eq "$registry/$repository" "$(jq -r .repository <<<"$note")" "note repository"
assert_eq "$sha" "$(jq -r .commit <<<"$note")" "note commit"
assert_contains "$out" "released ${sha:0:12}: $registry/$repository@$digest"
headers=$(curl -fsS -o /dev/null -D - "${accept[@]}" "$api/manifests/$sha") ||
  fail "registry has no manifest for tag $sha"
served=$(tr -d '\r' <<<"$headers" | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
assert_eq "$digest" "$served" "registry digest of :$sha"
body_digest=sha256:$(curl -fsS "${accept[@]}" "$api/manifests/$sha" | sha256sum | cut -d' ' -f1)
assert_eq "$digest" "$body_digest" "sha256 of the manifest bytes"

# --- second release: same digest, note unchanged ------------------------------------------
notes_before=$(git rev-parse refs/notes/pipewright)
json=$("$PIPEWRIGHT" release --json -q 2>/dev/null) || fail "second release failed"
assert_eq "$digest" "$(jq -r .digest <<<"$json")" "second release digest"
assert_eq "false" "$(jq -r .note_written <<<"$json")" "second release note_written"
assert_eq "$notes_before" "$(git rev-parse refs/notes/pipewright)" "notes ref moved"

# --- a dirty tree is refused ---------------------------------------------------------------
echo changed >>app.txt
rc=0
out=$("$PIPEWRIGHT" release -q 2>&1) || rc=$?
assert_eq 9 "$rc" "dirty release exit code"
assert_contains "$out" "commit or stash"
git checkout -q -- app.txt

# --- a spec without a release image --------------------------------------------------------
sed 's/^  release:/  other:/; s/image: release/image: other/' pipewright.yaml >norelease.yaml
rc=0
out=$("$PIPEWRIGHT" -f norelease.yaml release 2>&1) || rc=$?
rm -f norelease.yaml
assert_eq 3 "$rc" "no release image exit code: $out"
assert_contains "$out" "no image named 'release'"

# --- environment state written the way promotion writes it ---------------------------------
status=$("$PIPEWRIGHT" status) || fail "status failed"
assert_contains "$status" "staging      —"
assert_eq "null" "$("$PIPEWRIGHT" status --json | jq -r '.[1].commit')" "empty staging"

record=$(printf 'promote %s to staging (%s)\n\nPipewright-Record: 1\nEnvironment: staging\nCommit: %s\nDigest: %s\nFrom: integration\nWho: Release Manager <rm@example.invalid>\nWhen: 2026-11-22T01:02:03Z\nRun: run-42\n' \
  "$sha" "$digest" "$sha" "$digest")
git tag -a -m "$record" Staging "$sha"
git update-ref refs/pipewright/history/staging/000001 "$(git rev-parse refs/tags/Staging)"
printf 'second\n' >second.txt
git add second.txt
git commit -q -m second
sha2=$(git rev-parse HEAD)
record2=$(printf 'promote %s to staging (%s)\n\nPipewright-Record: 1\nEnvironment: staging\nCommit: %s\nDigest: %s\nPrevious-Commit: %s\nFrom: integration\nWho: CI Bot <ci@example.invalid>\nWhen: 2026-11-22T02:00:00Z\n' \
  "$sha2" "$digest" "$sha2" "$digest" "$sha")
git tag -f -a -m "$record2" Staging "$sha2" >/dev/null
git update-ref refs/pipewright/history/staging/000002 "$(git rev-parse refs/tags/Staging)"

status=$("$PIPEWRIGHT" status) || fail "status failed"
assert_contains "$status" "staging      ${sha2:0:12}  ${digest:0:19}  2026-11-22T02:00:00Z  CI Bot <ci@example.invalid>"
assert_contains "$status" "production   —"
sj=$("$PIPEWRIGHT" status --json)
assert_eq "integration staging production" "$(jq -r '[.[].environment] | join(" ")' <<<"$sj")" "order"
assert_eq "$sha2" "$(jq -r '.[1].commit' <<<"$sj")" "staging commit"
assert_eq "$digest" "$(jq -r '.[1].digest' <<<"$sj")" "staging digest"
assert_eq "$sha" "$(jq -r '.[1].previous_commit' <<<"$sj")" "staging previous"
assert_eq "integration" "$(jq -r '.[1].from' <<<"$sj")" "staging from"
assert_eq "null" "$(jq -r '.[2].commit' <<<"$sj")" "production empty"

history=$("$PIPEWRIGHT" history staging) || fail "history failed"
first_row=$(sed -n 2p <<<"$history")
second_row=$(sed -n 3p <<<"$history")
assert_contains "$first_row" "2    ${sha2:0:12}"
assert_contains "$second_row" "1    ${sha:0:12}"
assert_contains "$second_row" "Release Manager <rm@example.invalid>  integration"
hj=$("$PIPEWRIGHT" history staging --json)
assert_eq "2 1" "$(jq -r '[.entries[].seq] | map(tostring) | join(" ")' <<<"$hj")" "newest first"
assert_eq "run-42" "$(jq -r '.entries[1].run' <<<"$hj")" "run of entry 1"
assert_eq "$sha" "$(jq -r '.entries[1].commit' <<<"$hj")" "commit of entry 1"
assert_contains "$("$PIPEWRIGHT" history production)" "no promotions of production yet"

rc=0
out=$("$PIPEWRIGHT" history stagin 2>&1) || rc=$?
assert_eq 2 "$rc" "unknown environment exit code"
assert_contains "$out" "did you mean 'staging'?"

# --- answered from git alone: a clone that fetched the tags, refs/pipewright/* and notes ------
clone=$(tmpdir)
git clone -q "$work" "$clone/c"
git -C "$clone/c" fetch -q origin 'refs/pipewright/*:refs/pipewright/*' 'refs/notes/*:refs/notes/*'
cj=$(cd "$clone/c" && "$PIPEWRIGHT" status --json)
assert_eq "$sha2" "$(jq -r '.[1].commit' <<<"$cj")" "clone staging commit"
assert_eq "2" "$(cd "$clone/c" && "$PIPEWRIGHT" history staging --json | jq '.entries | length')" "clone history"
echo "PASS"
