#!/usr/bin/env bash
# The loopback OCI registry ($PIPEWRIGHT_TEST_REGISTRY, see cicd/services-up) against the real
# daemon: `docker push` to it; the manifest read back over the Registry HTTP API (by tag and by
# digest) has exactly the digest `docker inspect` reports in RepoDigests, and its config is the
# image; a pull by digest gives the same image back; manifest delete works (delete enabled).
set -euo pipefail
# shellcheck source=tests/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/common.sh"

require_docker
require_registry
on_exit docker_cleanup_labelled
base=$(require_busybox_image)

registry=$PIPEWRIGHT_TEST_REGISTRY
repository=pipewright-test/registry-$PW_TEST_ID
tag=t1
ref=$registry/$repository:$tag
api=http://$registry/v2/$repository
accept=(
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
  -H 'Accept: application/vnd.oci.image.manifest.v1+json'
)

# A unique image (its own file), so that RepoDigests holds exactly one entry: this push.
ctx=$(tmpdir)
printf '%s\n' "$PW_TEST_ID" >"$ctx/id"
printf 'FROM %s\nCOPY id /id\n' "$base" >"$ctx/Dockerfile"
build_log=$(tmpdir)/build.log
DOCKER_BUILDKIT=1 docker build --label "$PW_TEST_LABEL" -t "$ref" "$ctx" >"$build_log" 2>&1 ||
  fail "build failed: $(<"$build_log")"
image_id=$(docker inspect --format '{{.Id}}' "$ref")

# Registry-side cleanup even when an assertion fails (the test itself deletes it at the end).
digest=""
delete_pushed_manifest() {
  [[ -z $digest ]] || curl -s -o /dev/null -X DELETE "$api/manifests/$digest" || true
}
on_exit delete_pushed_manifest
push_output=$(docker push "$ref" 2>&1) || fail "docker push $ref failed: $push_output"

repo_digest=$(docker inspect --format '{{index .RepoDigests 0}}' "$ref")
assert_eq "$registry/$repository" "${repo_digest%@*}" "RepoDigests[0] names another repository"
digest=${repo_digest#*@}
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail "not a sha256 digest: '$digest'"
assert_contains "$push_output" "digest: $digest" "docker push reported another digest"

# --- the manifest by tag ----------------------------------------------------------------------
tmp=$(tmpdir)
code=$(curl -sS -o "$tmp/manifest.json" -D "$tmp/headers" -w '%{http_code}' "${accept[@]}" \
  "$api/manifests/$tag")
assert_eq 200 "$code" "GET /v2/$repository/manifests/$tag"
header() { # NAME: the value of response header NAME (case-insensitive), without the CR
  awk -v name="$(tr '[:upper:]' '[:lower:]' <<<"$1")" -F': ' \
    'tolower($1) == name { sub(/\r$/, "", $2); print $2 }' "$tmp/headers"
}
assert_eq "$digest" "$(header Docker-Content-Digest)" "Docker-Content-Digest of the tag"
assert_eq "$digest" "sha256:$(sha256sum "$tmp/manifest.json" | cut -d' ' -f1)" \
  "sha256 of the manifest bytes"
content_type=$(header Content-Type)
case $content_type in
  application/vnd.docker.distribution.manifest.v2+json | application/vnd.oci.image.manifest.v1+json) ;;
  *) fail "unexpected manifest Content-Type '$content_type'" ;;
esac
assert_eq "$content_type" "$(jq -r .mediaType "$tmp/manifest.json")" "mediaType in the manifest"
# The image ID is the digest of the image config, which the manifest references.
assert_eq "$image_id" "$(jq -r .config.digest "$tmp/manifest.json")" "manifest config vs image ID"

# --- the manifest by digest, the tag list ---------------------------------------------------
code=$(curl -sS -o "$tmp/by-digest.json" -w '%{http_code}' "${accept[@]}" "$api/manifests/$digest")
assert_eq 200 "$code" "GET manifest by digest"
cmp -s "$tmp/manifest.json" "$tmp/by-digest.json" || fail "manifest by digest differs from by tag"
assert_eq "$tag" "$(curl -fsS "$api/tags/list" | jq -r '.tags | join(",")')" "tags/list"

# --- pull by digest gives the same image back ---------------------------------------------
docker rmi "$ref" >/dev/null
pull_output=$(docker pull "$registry/$repository@$digest" 2>&1) || fail "pull by digest failed: $pull_output"
assert_eq "$image_id" "$(docker inspect --format '{{.Id}}' "$registry/$repository@$digest")" \
  "image ID after pull by digest"
assert_eq "$PW_TEST_ID" "$(docker run --rm --label "$PW_TEST_LABEL" "$registry/$repository@$digest" cat /id)" \
  "content after pull by digest"

# --- delete (storage.delete.enabled) ------------------------------------------------------
assert_eq 202 "$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$api/manifests/$digest")" \
  "DELETE manifest"
assert_eq 404 "$(curl -sS -o /dev/null -w '%{http_code}' "${accept[@]}" "$api/manifests/$tag")" \
  "GET manifest after delete"

echo "PASS: registry"
