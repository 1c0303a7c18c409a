# shellcheck shell=bash
# Helpers for script tests (tests/integration/*.sh, tests/scenario/*.sh). Source it first:
#   source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/common.sh"
# It turns on `set -euo pipefail`, finds the repository (PW_REPO = $PIPEWRIGHT_SOURCE_DIR, or
# derived from this file's path) and sources <state>/env.sh when cicd/services-up wrote one, so
# tests talk to our dockerd and registry (values the caller already exported win). Exit codes: 0 pass, 1 fail, 77 skipped (CTest's
# SKIP_RETURN_CODE). Missing Docker/registry is a skip, except under CI=true or
# PIPEWRIGHT_REQUIRE_DOCKER=1, where it is a failure.
#
#   fail MSG...                        print "FAIL: MSG" and exit 1
#   assert_eq EXPECTED ACTUAL [MSG]
#   assert_contains HAYSTACK NEEDLE [MSG]
#   assert_not_contains HAYSTACK NEEDLE [MSG]
#   on_exit CMD [ARGS...]              run CMD at exit (last registered runs first)
#   dir=$(tmpdir)                      a fresh directory, removed at exit
#   require_docker                     skip/fail unless `docker version` answers
#   require_registry                   skip/fail unless $PIPEWRIGHT_TEST_REGISTRY answers /v2/
#   require_busybox_image              prints the busybox base image name (builds it if needed)
#   require_gitlab_ci_local            prints gitlab-ci-local's path (cicd/install-test-tools);
#                                      skip/fail when it or rsync is missing
#   PW_TEST_ID, PW_TEST_LABEL          unique per run; label every container/network/image/volume
#                                      with --label "$PW_TEST_LABEL"
#   docker_cleanup_labelled            removes everything carrying $PW_TEST_LABEL
set -euo pipefail

PW_REPO=${PIPEWRIGHT_SOURCE_DIR:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)}
PW_STATE=${PIPEWRIGHT_STATE_DIR:-$PW_REPO/.state}
# env.sh fills in what the caller has not set: an explicit DOCKER_HOST or
# PIPEWRIGHT_TEST_REGISTRY in the environment wins.
if [[ -f $PW_STATE/env.sh ]]; then
  _pw_caller_docker_host=${DOCKER_HOST-}
  _pw_caller_registry=${PIPEWRIGHT_TEST_REGISTRY-}
  # shellcheck source=/dev/null
  source "$PW_STATE/env.sh"
  [[ -z $_pw_caller_docker_host ]] || export DOCKER_HOST=$_pw_caller_docker_host
  [[ -z $_pw_caller_registry ]] || export PIPEWRIGHT_TEST_REGISTRY=$_pw_caller_registry
  unset _pw_caller_docker_host _pw_caller_registry
fi

PW_TEST_NAME=$(basename -- "$0" .sh)
# Lower case, [a-z0-9_.-] only: usable in image repository, container and network names.
PW_TEST_ID=$(printf '%s-%s-%s' "$PW_TEST_NAME" "$$" "$RANDOM" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_.-' '-')
PW_TEST_LABEL=pipewright.test=$PW_TEST_ID
PW_BUSYBOX_IMAGE=${PIPEWRIGHT_BUSYBOX_IMAGE:-pipewright-test/busybox:latest}

# --- exit handling ------------------------------------------------------------------------
_pw_exit_actions=()
on_exit() {
  local quoted
  printf -v quoted '%q ' "$@"
  _pw_exit_actions+=("$quoted")
}
_pw_run_exit_actions() {
  local rc=$? i
  trap - EXIT
  set +e
  for ((i = ${#_pw_exit_actions[@]} - 1; i >= 0; i--)); do
    eval "${_pw_exit_actions[i]}"
  done
  exit "$rc"
}
trap _pw_run_exit_actions EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PW_TEST_TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/pw-test.${PW_TEST_NAME}.XXXXXX")
on_exit rm -rf -- "$PW_TEST_TMP_ROOT"
# Usable as dir=$(tmpdir): the root's cleanup was registered in the parent shell.
tmpdir() { mktemp -d "$PW_TEST_TMP_ROOT/XXXXXX"; }

# --- assertions ---------------------------------------------------------------------------
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

assert_eq() {
  local expected=$1 actual=$2 msg=${3:-values differ}
  [[ $expected == "$actual" ]] || fail "$msg: expected '$expected', got '$actual'"
}

assert_contains() {
  local haystack=$1 needle=$2 msg=${3:-missing text}
  [[ $haystack == *"$needle"* ]] || fail "$msg: '$needle' not found in:
$haystack"
}

# Does not echo the haystack: it is typically a large output that must not hold a secret.
assert_not_contains() {
  local haystack=$1 needle=$2 msg=${3:-unexpected text}
  [[ $haystack != *"$needle"* ]] || fail "$msg: found '$needle'"
}

# --- services -----------------------------------------------------------------------------
_pw_unavailable() {
  if [[ ${CI:-} == true || ${PIPEWRIGHT_REQUIRE_DOCKER:-} == 1 ]]; then
    fail "$1 (required: CI=true or PIPEWRIGHT_REQUIRE_DOCKER=1); run cicd/services-up"
  fi
  printf 'SKIP: %s\n' "$2"
  exit 77
}

require_docker() {
  timeout 30 docker version >/dev/null 2>&1 ||
    _pw_unavailable "no Docker daemon answers (DOCKER_HOST=${DOCKER_HOST:-unset})" "no docker daemon"
}

require_registry() {
  [[ -n ${PIPEWRIGHT_TEST_REGISTRY:-} ]] ||
    _pw_unavailable "PIPEWRIGHT_TEST_REGISTRY is not set" "no registry"
  curl -fsS -o /dev/null --max-time 10 "http://$PIPEWRIGHT_TEST_REGISTRY/v2/" 2>/dev/null ||
    _pw_unavailable "no registry answers http://$PIPEWRIGHT_TEST_REGISTRY/v2/" "no registry"
}

require_busybox_image() {
  "$PW_REPO/cicd/busybox-image" "$PW_BUSYBOX_IMAGE" >&2 ||
    fail "cannot build the base image $PW_BUSYBOX_IMAGE"
  printf '%s\n' "$PW_BUSYBOX_IMAGE"
}

require_gitlab_ci_local() {
  local glc=$PW_STATE/tools/bin/gitlab-ci-local
  if [[ ! -x $glc ]] || ! command -v rsync >/dev/null; then
    [[ ${CI:-} != true ]] || fail "gitlab-ci-local or rsync missing: run cicd/install-test-tools"
    echo "SKIP: gitlab-ci-local not installed (cicd/install-test-tools) or rsync missing" >&2
    exit 77
  fi
  printf '%s\n' "$glc"
}

docker_cleanup_labelled() {
  local filter=label=$PW_TEST_LABEL
  { docker ps -aq --filter "$filter" | xargs -r docker rm -f -v; } >/dev/null 2>&1 || true
  { docker network ls -q --filter "$filter" | xargs -r docker network rm; } >/dev/null 2>&1 || true
  { docker volume ls -q --filter "$filter" | xargs -r docker volume rm -f; } >/dev/null 2>&1 || true
  { docker images -q --filter "$filter" | sort -u | xargs -r docker rmi -f; } >/dev/null 2>&1 || true
}
