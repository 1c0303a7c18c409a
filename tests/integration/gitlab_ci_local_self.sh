#!/usr/bin/env bash
# A pipelines/ spec exported and run green by gitlab-ci-local: pipewright's own pipeline
# (pipelines/pipewright.yaml), on a feature branch of a throwaway repository whose one commit
# is pipewright's source tree as it is on disk. `pipewright -f pipelines/pipewright.yaml ci
# export gitlab` writes .gitlab-ci.yml; gitlab-ci-local (shell executor) runs its jobs
# `unit` (the test image: toolchain and sources, pipewright's unit tests with JUnit output)
# and `clang-format`, each through `pipewright run --only JOB`, and both must pass, with the
# unit tests' JUnit file where the generated `artifacts:reports:junit` points.
# A cold run compiles pipewright and its unit tests inside the test image (a few minutes on
# 2 cores). Skips (77) without the tools, unless CI=true.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
: "${PIPEWRIGHT:?set PIPEWRIGHT to the pipewright binary}"

glc=$(require_gitlab_ci_local)
require_docker
require_registry
reg=$PIPEWRIGHT_TEST_REGISTRY
project=pwglc-$PW_TEST_ID
spec=pipelines/pipewright.yaml
docker image inspect pipewright/debian:bookworm >/dev/null 2>&1 ||
  "$PW_REPO/cicd/base-images" debian >&2 || fail "cicd/base-images debian failed"

# pipewright as the runner would have it: `pipewright` on PATH (the generated default).
bin=$(tmpdir)
ln -s -- "$(realpath -- "$PIPEWRIGHT")" "$bin/pipewright"
export PATH=$bin:$PATH
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$reg/$project/" |
    xargs -r docker rmi >/dev/null 2>&1 || true
}
on_exit cleanup

# --- the throwaway repository: the source tree as on disk -----------------------------------
work=$(tmpdir)
files=()
while IFS= read -r -d '' f; do
  [[ -e $PW_REPO/$f || -L $PW_REPO/$f ]] && files+=("$f") # a deleted tracked file is skipped
done < <(git -C "$PW_REPO" ls-files -z --cached --others --exclude-standard)
printf '%s\0' "${files[@]}" | tar -C "$PW_REPO" --null -T - -cf - | tar -C "$work" -xf -
cd "$work"
git init -q -b feature/self-ci .
git config user.name "CI Runner" && git config user.email ci@t.invalid
echo .gitlab-ci-local/ >>.git/info/exclude
"$PIPEWRIGHT" -f "$spec" ci export gitlab >/dev/null
git add -A && git commit -qm "pipewright with its exported CI configuration"
assert_contains "$(cat .gitlab-ci.yml)" "-f pipelines/pipewright.yaml run --only unit" \
  "the jobs run the spec they were exported from"

# --- gitlab-ci-local runs the feature branch's pipeline ------------------------------------
rc=0
vars=(--variable "REGISTRY=$reg/$project")
[[ -z ${DOCKER_HOST:-} ]] || vars+=(--variable "DOCKER_HOST=$DOCKER_HOST")
start=$SECONDS
out=$("$glc" --home "$(tmpdir)" --no-color --max-job-name-padding 0 "${vars[@]}" 2>&1) || rc=$?
[[ $rc == 0 ]] || fail "gitlab-ci-local failed ($rc): $(tail -n 60 <<<"$out")"
for job in unit clang-format; do
  grep -Eq "PASS +$job\$" <<<"$out" || fail "job $job did not pass: $(tail -n 60 <<<"$out")"
done
assert_not_contains "$out" "PASS  version" "version is not in the feature flow"
junit=.pipewright/ci/junit/unit.xml
[[ -s $junit ]] || fail "no JUnit file at $junit"
cases=$(grep -o '<testcase' "$junit" | wc -l)
((cases > 100)) || fail "the unit job's JUnit file holds $cases test cases"
echo "gitlab_ci_local_self: ok ($cases unit tests in the test image, $((SECONDS - start)) s)"
