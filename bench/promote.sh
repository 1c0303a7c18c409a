#!/usr/bin/env bash
# Usage: bench/promote.sh [PIPEWRIGHT]     (default: build/src/pipewright)
#
# What a promotion costs, for a ~200 MB release image on the loopback registry, each against
# its floors in ONE hyperfine invocation:
#   same repository  — `pipewright promote staging` (policy, copy by digest, verify, tag CAS,
#                      history) vs `docker pull/tag/push` vs a raw manifest GET + PUT with curl
#                      (goal: ≤ 1.5× the raw copy);
#   across repos     — `pipewright promote production` into another repository vs curl blob
#                      mounts + manifest PUT.
# Needs a Docker daemon and the registry (cicd/services-up; source .state/env.sh), the busybox
# test image (cicd/busybox-image), hyperfine, curl, jq, git.
# Environment: BENCH_RUNS (default 10), BENCH_MB (200).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/.." && pwd -P)
pipewright=${1:-$repo/build/src/pipewright}
[[ $pipewright == /* ]] || pipewright=$PWD/$pipewright
runs=${BENCH_RUNS:-10}
mb=${BENCH_MB:-200}
reg=${PIPEWRIGHT_TEST_REGISTRY:-127.0.0.1:5000}
base=pipewright-test/busybox:latest
out=${BENCH_OUT:-$here/results}
mkdir -p "$out"
for tool in hyperfine curl jq git docker; do
  command -v "$tool" >/dev/null || { echo "promote.sh: $tool not found" >&2; exit 2; }
done
[[ -x $pipewright ]] || { echo "promote.sh: no pipewright binary at $pipewright" >&2; exit 2; }

project=bench-promote-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/pw-bench-promote.XXXXXX")
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$reg/$project/" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
cd "$work"
git init -q -b main . && git config user.name bench && git config user.email bench@b.invalid
cat > pipewright.yaml <<YAML
version: 1
name: $project
registry: $reg/$project/release
images:
  release: { dockerfile: Dockerfile }
jobs:
  noop: { host: true, run: "true" }
environments:
  integration: { registry: $reg/$project/release, tag: integration }
  staging:     { registry: $reg/$project/release, tag: staging, from: integration }
  production:  { registry: $reg/$project/production, tag: production, from: integration }
YAML
# ~200 MB of incompressible data in its own layer.
printf 'FROM %s\nRUN dd if=/dev/urandom of=/payload bs=1048576 count=%d\n' "$base" "$mb" > Dockerfile
git add -A && git commit -q -m bench
echo "building and pushing a ~${mb} MB release image..."
"$pipewright" release -q >/dev/null
"$pipewright" promote integration >/dev/null
commit=$(git rev-parse HEAD)
# The release image's repository, as the artifact note records it (without the registry host).
relrepo=$(git notes --ref=pipewright show HEAD | jq -r .repository)
relrepo=${relrepo#"$reg/"}
accept=(-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json')
manifest=$(curl -fsS "${accept[@]}" "http://$reg/v2/$relrepo/manifests/$commit")
media=$(jq -r '.mediaType // "application/vnd.docker.distribution.manifest.v2+json"' <<<"$manifest")
printf '%s' "$manifest" > manifest.json
blobs=$(jq -r '.config.digest, .layers[].digest' <<<"$manifest" | tr '\n' ' ')
image=$reg/$relrepo:$commit

cat > raw-copy.sh <<SCRIPT
#!/bin/sh
set -e
curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$reg/v2/$relrepo/manifests/$commit" -o m.json
curl -fsS -X PUT -H "Content-Type: $media" --data-binary @m.json "http://$reg/v2/$relrepo/manifests/raw"
SCRIPT
cat > raw-mount.sh <<SCRIPT
#!/bin/sh
set -e
for b in $blobs; do
  curl -fsS -o /dev/null -X POST "http://$reg/v2/$project/production/blobs/uploads/?mount=\$b&from=$relrepo"
done
curl -fsS -X PUT -H "Content-Type: $media" --data-binary @manifest.json "http://$reg/v2/$project/production/manifests/raw"
SCRIPT
cat > docker-copy.sh <<SCRIPT
#!/bin/sh
set -e
docker pull -q $image >/dev/null
docker tag $image $reg/$relrepo:docker
docker push -q $reg/$relrepo:docker >/dev/null
SCRIPT
chmod +x raw-copy.sh raw-mount.sh docker-copy.sh

hyperfine --runs "$runs" --warmup 1 --export-json "$out/promote-same.json" \
  --prepare "docker rmi -f $image >/dev/null 2>&1 || true" \
  -n "raw manifest GET+PUT (curl)" ./raw-copy.sh \
  -n "docker pull/tag/push" ./docker-copy.sh \
  -n "pipewright promote staging" "$pipewright promote staging"
hyperfine --runs "$runs" --warmup 1 --export-json "$out/promote-cross.json" \
  -n "curl blob mounts + manifest PUT" ./raw-mount.sh \
  -n "pipewright promote production" "$pipewright promote production"

ratio() { jq -r --arg a "$2" --arg b "$3" '(.results | map({(.command): .mean}) | add) as $m |
  "\($b): \(($m[$b]*1000)|round) ms vs \($a): \(($m[$a]*1000)|round) ms → \(($m[$b]/$m[$a])*100|round/100)×"' "$1"; }
echo
echo "same repository:  $(ratio "$out/promote-same.json" "raw manifest GET+PUT (curl)" "pipewright promote staging")   (goal ≤ 1.5×)"
echo "                  $(ratio "$out/promote-same.json" "raw manifest GET+PUT (curl)" "docker pull/tag/push")"
echo "across repos:     $(ratio "$out/promote-cross.json" "curl blob mounts + manifest PUT" "pipewright promote production")"
