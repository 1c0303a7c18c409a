#!/usr/bin/env bash
# pipewright on itself: pipelines/pipewright.yaml validates and plans the seed flow, and
# `pipewright -f pipelines/pipewright.yaml run version` builds the release image
# (cicd/release/Dockerfile, FROM pipewright/debian:bookworm) and runs `pipewright --version`
# inside it: the version the freshly built binary prints, from an image that holds the binary
# and its runtime libraries but no compiler, headers or sources.
#
# Images are built from the committed tree, so the spec runs in a throwaway repository whose
# one commit is the source tree as it is on disk (tracked files plus untracked ones git does
# not ignore): on CI's fresh clone that is HEAD; for a developer it includes uncommitted
# changes, as $PIPEWRIGHT does. Its .pipewright/ state goes with it. Images get a registry
# path of this test's own (REGISTRY=localhost:5000/pwself-<id>), untagged at exit. One image
# is kept on purpose: the last release image, as pipewright-test/self-pipeline:release (the
# previous one is removed). Deleting it would also drop its BuildKit cache (dockerd 20.10
# loses a build's cache records with its image), so every run would compile pipewright
# again; kept, a rerun with the same sources finds it up to date, and one with changed
# sources reuses its toolchain layer. A cold run (fresh machine) downloads the toolchain and
# compiles pipewright in Release mode inside the build: about 5-7 minutes on 2 cores.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

spec=pipelines/pipewright.yaml
base_image=pipewright/debian:bookworm
expected=$("$PIPEWRIGHT" --version)
[[ $expected == "pipewright "* ]] || fail "unexpected \$PIPEWRIGHT --version: '$expected'"

# --- the throwaway repository: the source tree as on disk -----------------------------------
work=$(tmpdir)
files=()
while IFS= read -r -d '' f; do
  [[ -e $PW_REPO/$f || -L $PW_REPO/$f ]] && files+=("$f") # a deleted tracked file is skipped
done < <(git -C "$PW_REPO" ls-files -z --cached --others --exclude-standard)
((${#files[@]} > 0)) || fail "no files listed by git in $PW_REPO"
printf '%s\0' "${files[@]}" | tar -C "$PW_REPO" --null -T - -cf - | tar -C "$work" -xf -
cd "$work"
git init -q -b develop .
git config user.name "Self Pipeline Test"
git config user.email "self-pipeline@example.invalid"
git add -A
git commit -q -m "pipewright as on disk"
sha=$(git rev-parse HEAD)

# --- validate and plan: the seed flow --------------------------------------------------------
"$PIPEWRIGHT" -f "$spec" validate -q || fail "$spec is invalid"

plan() { "$PIPEWRIGHT" -f "$spec" plan --json "$@"; }
json=$(plan --branch feature/login)
assert_eq '["clang-format","unit"]' "$(jq -c '[.jobs[].name] | sort' <<<"$json")" "feature jobs"
assert_eq '["test"]' "$(jq -c '[.images[].name]' <<<"$json")" "feature images"
assert_eq "false" "$(jq -r '.release' <<<"$json")" "feature branches do not release"
assert_eq "feature" "$(jq -r '.flow.name' <<<"$(plan --branch feature/team/login)")" \
  "feature/** crosses '/'"

json=$(plan --branch develop)
assert_eq '["unit","version"]' "$(jq -c '[.jobs[].name] | sort' <<<"$json")" "develop jobs"
assert_eq '["release","test"]' "$(jq -c '[.images[].name] | sort' <<<"$json")" "develop images"
assert_eq "true" "$(jq -r '.release' <<<"$json")" "develop releases"
assert_eq "integration" "$(jq -r '.promote' <<<"$json")" "develop lands in integration"

assert_eq "staging" "$(plan --branch main | jq -r '.promote')" "main promotes to staging"
assert_eq "production" "$(plan --tag v1.2.3 | jq -r '.promote')" "v* tags promote to production"
# Only the release image is needed for the version job: nothing else gets built below.
assert_eq '["release"]' "$(plan version | jq -c '[.images[].name]')" "images for 'version'"

# --- run version: build the release image, run pipewright --version in it -------------------
require_docker
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  [[ -x $PW_REPO/cicd/base-images ]] || fail "$base_image is missing and so is cicd/base-images"
  "$PW_REPO/cicd/base-images" debian >&2 || fail "cannot build $base_image (cicd/base-images debian)"
fi

export REGISTRY="localhost:5000/pwself-$PW_TEST_ID"
image="$REGISTRY/pipewright/release:$sha"
keep=pipewright-test/self-pipeline:release
cleanup_images() {
  local previous current
  previous=$(docker image inspect --format '{{.Id}}' "$keep" 2>/dev/null || true)
  current=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [[ -n $current ]]; then
    docker tag "$current" "$keep" >/dev/null 2>&1 || true
  fi
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$REGISTRY/" |
    xargs -r docker rmi >/dev/null 2>&1 || true
  # The image kept by the previous run, unless it is this one or still has a tag (it may have
  # been found up to date under someone else's name).
  if [[ -n $previous && $previous != "$current" &&
    $(docker image inspect --format '{{len .RepoTags}}' "$previous" 2>/dev/null) == 0 ]]; then
    docker rmi "$previous" >/dev/null 2>&1 || true
  fi
}
on_exit cleanup_images

started=$SECONDS
rc=0
out=$("$PIPEWRIGHT" -f "$spec" run version 2>&1) || rc=$?
((rc == 0)) || fail "run version exited $rc; the end of its output:
$(tail -n 60 <<<"$out")"
echo "self_pipeline: run version (image build included) took $((SECONDS - started)) s"
assert_contains "$out" "version | $expected" "the version job prints the binary's version"

run_dir=$(ls -td .pipewright/runs/*/ | head -n 1)
assert_eq "$expected" "$(head -n 1 "$run_dir/logs/version.log")" "version line in the job's log"
assert_eq 0 "$(docker ps -aq --filter "label=dev.pipewright.run=$(basename "$run_dir")" | wc -l)" \
  "containers left by the run"

# --- the release image: the binary and its libraries, nothing else --------------------------
docker image inspect "$image" >/dev/null 2>&1 || fail "no image $image"
assert_eq "$expected" "$(docker run --rm "$image" --version)" "the image's entrypoint is pipewright"
label() { docker image inspect --format "{{index .Config.Labels \"$1\"}}" "$image"; }
assert_eq "$sha" "$(label org.opencontainers.image.revision)" "revision label"
leaks=$(docker run --rm --entrypoint sh "$image" -c '
  for tool in g++ gcc cc c++ clang cmake make ld as git; do command -v "$tool"; done
  for path in /src /build /out /usr/include/git2.h /usr/include/yaml-cpp /usr/include/boost; do
    if [ -e "$path" ]; then echo "$path"; fi
  done
  dpkg-query -W -f "\${Package}\n" | grep -e "-dev$" -e "^libgtest" -e "^clang" || true' 2>&1) ||
  fail "cannot look inside $image: $leaks"
assert_eq "" "$leaks" "build tools, headers or sources in the release image"
# Everything in the binary's closure resolves (ldd from libc-bin, part of the base).
missing=$(docker run --rm --entrypoint sh "$image" -c 'ldd /usr/local/bin/pipewright | grep "not found" || true')
assert_eq "" "$missing" "unresolved libraries"
size=$(docker image inspect --format '{{.Size}}' "$image")
base_size=$(docker image inspect --format '{{.Size}}' "$base_image")
# The base plus the runtime libraries and the binary; a builder stage copied by mistake
# would add hundreds of MB.
((size - base_size < 80 * 1000 * 1000)) ||
  fail "the release image is $(((size - base_size) / 1000000)) MB larger than its base"
echo "self_pipeline: release image $((size / 1000000)) MB ($(((size - base_size) / 1000000)) MB over $base_image)"

# --- again: the image is up to date and the job cached ---------------------------------------
out=$("$PIPEWRIGHT" -f "$spec" run version 2>&1) || fail "second run version failed:
$out"
assert_contains "$out" "up to date" "the unchanged release image is not rebuilt"
echo "self_pipeline: ok"
