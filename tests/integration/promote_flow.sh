#!/usr/bin/env bash
# `pipewright promote`, `rollback` and `push` against the real registry, dockerd and a bare git
# remote, checked with independent clients (git for-each-ref / cat-file, curl on the registry
# API): integration → staging → production by digest, cross-repository mounts, the `from`
# policy (exit 9), a failing verify restoring the previous tag, two concurrent promotions
# (exactly one wins, the other exits 10), and a push refused when the remote tag moved (10).
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
project="pwpromote-$PW_TEST_ID"
git init -q --bare "$remote/origin.git"
git init -q -b main .
git config user.name "Rel Manager" && git config user.email rm@t.invalid
git remote add origin "$remote/origin.git"
cat > pipewright.yaml <<YAML
version: 1
name: $project
registry: $reg/$project/release
images:
  release: { dockerfile: Dockerfile }
jobs:
  smoke:  { image: release, run: "test -f /promoted-marker && test \"\$(cat /promoted-marker)\" = ok" }
environments:
  integration: { registry: $reg/$project/integration }
  staging:    { git_tag: Staging, from: integration, registry: $reg/$project/staging, deploy: "echo \"\$PIPEWRIGHT_ENVIRONMENT \$PIPEWRIGHT_IMAGE \$PIPEWRIGHT_COMMIT\" >> deployed.log", verify: [smoke] }
  production: { git_tag: Production, from: staging, registry: $reg/$project/production, approval: { required: true, approvers: [alice] } }
YAML
printf 'FROM %s\nRUN echo ok > /promoted-marker\n' "$base" > Dockerfile
echo deployed.log > .gitignore
git add -A && git commit -qm one

# An artifact for a commit: push a busybox-based image, record its digest as the note.
release_commit() { # MARKER → pushes an image for HEAD and records the artifact note
  local commit image digest
  commit=$(git rev-parse HEAD)
  image=$reg/$project/release:$commit
  printf 'FROM %s\nRUN echo %s > /promoted-marker\n' "$base" "$1" | docker build -q --label "$PW_TEST_LABEL" -t "$image" - >/dev/null
  docker push -q "$image" >/dev/null
  digest=$(curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$reg/v2/$project/release/manifests/$commit" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
  [[ $digest == sha256:* ]] || fail "no digest for $image"
  git notes --ref=pipewright add -f -m "{\"pipewright_artifact\": 1, \"commit\": \"$commit\", \"repository\": \"$reg/$project/release\", \"digest\": \"$digest\"}" "$commit"
  echo "$digest"
}
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$reg/$project/" | xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup
registry_digest() { # REPO TAG → the digest the registry's API gives for repo:tag
  curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$reg/v2/$project/$1/manifests/$2" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}'
}
expect_exit() { # CODE CMD... → runs CMD, checks its exit code, keeps its stderr in $err
  local want=$1 rc=0
  shift
  err=$("$@" 2>&1 >/dev/null) || rc=$?
  assert_eq "$want" "$rc" "exit code of $* ($err)"
}

c1=$(git rev-parse HEAD)
d1=$(release_commit ok)

# --- production refuses what staging does not hold; integration → staging → production ---
expect_exit 9 "$PIPEWRIGHT" promote production --approved-by alice
assert_contains "$err" "run 'pipewright promote staging' first"
out=$("$PIPEWRIGHT" promote integration --json)
assert_contains "$out" '"mounted_blobs": ['
[[ $(jq '.mounted_blobs | length' <<<"$out") -ge 1 ]] || fail "no blob mounted into integration: $out"
"$PIPEWRIGHT" promote staging >/dev/null 2>&1 || fail "promote staging failed: $("$PIPEWRIGHT" promote staging 2>&1)"
expect_exit 9 "$PIPEWRIGHT" promote production
assert_contains "$err" "pass --approved-by NAME (one of: alice)"
expect_exit 9 "$PIPEWRIGHT" promote production --approved-by mallory
"$PIPEWRIGHT" promote production --approved-by alice >/dev/null 2>&1 || fail "promote production failed"

for env in integration staging production; do
  assert_eq "$d1" "$(registry_digest "$env" "$env")" "registry tag $env holds the released digest"
done
assert_eq "$c1" "$(git rev-parse 'Staging^{commit}')" "Staging points at the commit"
assert_eq "tag" "$(git cat-file -t Production)" "Production is an annotated tag"
record=$(git cat-file -p Production)
assert_contains "$record" "Digest: $d1"
assert_contains "$record" "From: staging"
assert_contains "$record" "Who: Rel Manager <rm@t.invalid>"
assert_contains "$record" "Approved-By: alice"
assert_eq "$(git rev-parse refs/pipewright/env/integration)" "$(git rev-parse refs/pipewright/history/integration/000001)"
assert_eq "$(git rev-parse refs/tags/Staging)" "$(git rev-parse refs/pipewright/history/staging/000001)"
assert_contains "$(cat deployed.log)" "staging $reg/$project/staging@$d1 $c1"

# --- a failing verify restores the previous tag and registry tag, and redeploys ---
echo two > file && git add file && git commit -qm two
c2=$(git rev-parse HEAD)
d2=$(release_commit broken)
"$PIPEWRIGHT" promote integration >/dev/null 2>&1 || fail "promote integration (2) failed"
staging_before=$(git rev-parse refs/tags/Staging)
expect_exit 1 "$PIPEWRIGHT" promote staging
assert_contains "$err" "verify job(s) smoke failed"
assert_contains "$err" "staging is back on commit ${c1:0:12}"
assert_eq "$staging_before" "$(git rev-parse refs/tags/Staging)" "Staging restored to its previous tag object"
assert_eq "$d1" "$(registry_digest staging staging)" "registry tag staging restored"
assert_eq "staging $reg/$project/staging@$d1 $c1" "$(tail -n1 deployed.log)" "previous digest redeployed"
git cat-file -p refs/pipewright/history/staging/000002 | grep -q "Commit: $c2" || fail "the failed attempt is in the history"

# --- rollback: integration back to c1 (no from check), recorded as a history entry ---
"$PIPEWRIGHT" rollback integration >/dev/null 2>&1 || fail "rollback failed"
assert_eq "$c1" "$(git rev-parse 'refs/pipewright/env/integration^{commit}')"
assert_contains "$(git cat-file -p refs/pipewright/history/integration/000003)" "From: rollback"
assert_eq "$d1" "$(registry_digest integration integration)"

# --- two concurrent promotions: exactly one wins, the other exits 10 ---
git update-ref -d refs/tags/Staging
rc_a=0 rc_b=0
"$PIPEWRIGHT" promote staging --commit "$c1" >a.out 2>&1 & pa=$!
"$PIPEWRIGHT" promote staging --commit "$c1" >b.out 2>&1 & pb=$!
wait $pa || rc_a=$?
wait $pb || rc_b=$?
assert_eq "0 10" "$(printf '%s\n' "$rc_a" "$rc_b" | sort -n | tr '\n' ' ' | sed 's/ $//')" "one wins, one conflicts ($(cat a.out b.out))"
# The loser lost the compare-and-swap ("moved from X to Y"), met the other's lock ("is being
# moved by another process"), or was superseded by a later claim while it copied ("moved to
# commit X while ..."): exit 10 and a message naming the tag, whichever it was.
assert_contains "$(cat a.out b.out)" "pipewright: error: tag Staging"
assert_eq "$c1" "$(git rev-parse 'Staging^{commit}')"

# --- push with a lease; a remote tag moved by someone else is never overwritten ---
"$PIPEWRIGHT" push >/dev/null || fail "first push failed"
assert_eq "$(git rev-parse refs/tags/Staging)" "$(git --git-dir="$remote/origin.git" rev-parse refs/tags/Staging)"
git --git-dir="$remote/origin.git" for-each-ref refs/pipewright/history | grep -q "history/staging/" || fail "history refs pushed"
git --git-dir="$remote/origin.git" rev-parse -q --verify refs/notes/pipewright >/dev/null || fail "notes pushed"
other=$(git --git-dir="$remote/origin.git" mktag <<TAG
object $c2
type commit
tag Staging
tagger Someone Else <se@t.invalid> 1700000000 +0000

moved by someone else
TAG
)
git --git-dir="$remote/origin.git" update-ref refs/tags/Staging "$other"
"$PIPEWRIGHT" rollback staging --to "$c1" >/dev/null 2>&1 || true # moves local Staging again
expect_exit 10 "$PIPEWRIGHT" push
assert_eq "$other" "$(git --git-dir="$remote/origin.git" rev-parse refs/tags/Staging)" "remote keeps the other value"
echo "promote_flow: ok"
