#!/usr/bin/env bash
# `pipewright hook install|uninstall` and the pre-push run, with real git pushes to a bare
# remote and the real daemon: the hook runs the flow's jobs on exactly the pushed commit (not
# the dirty working copy), a failing job blocks the push (the remote ref stays), a repeated
# push of unchanged work is answered from the verdict cache, monorepo selection leaves out
# jobs whose paths did not change, a branch named with shell metacharacters is harmless,
# core.hooksPath is respected, and uninstall puts back the foreign hook that install replaced.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
require_docker
base=$(require_busybox_image)

work=$(tmpdir)
project="pwhook-$PW_TEST_ID"
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^localhost:5000/$project/" |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup
leftovers() {
  { docker ps -aq --filter label=dev.pipewright.run; docker network ls -q --filter label=dev.pipewright.run; } | wc -l
}
expect_exit() { # CODE COMMAND...: output in $out
  local want=$1; shift
  set +e
  out=$("$@" 2>&1)
  local got=$?
  set -e
  assert_eq "$want" "$got" "exit code of: $*
$out"
}
remote_sha() { git --git-dir="$work/remote.git" rev-parse -q --verify "refs/heads/$1" || true; }

git init -q --bare "$work/remote.git"
mkdir "$work/repo" && cd "$work/repo"
git init -q -b main .
git config user.name t && git config user.email t@t.invalid
git remote add origin "$work/remote.git"
export PW_HOOK_OUT="$work/out"
mkdir -p cicd docs "$PW_HOOK_OUT"
printf 'FROM %s\nCOPY . /src\nWORKDIR /src\n' "$base" > cicd/Dockerfile
cat > pipewright.yaml <<YAML
version: 1
name: $project
images:
  tools: { dockerfile: cicd/Dockerfile }
jobs:
  check: { image: tools, run: "test ! -e FAIL && test ! -e BROKEN && echo in-image \$(cat marker)" }
  on-host:
    host: true
    env: { OUT: "\${PW_HOOK_OUT}" }
    run: 'test ! -e FAIL && echo "\$PIPEWRIGHT_COMMIT \$(cat marker)" >> "\$OUT/host-record"'
  docs: { image: tools, paths: [docs], run: "echo docs-job-ran" }
flows:
  - { branches: ["feature/*"], run: [check, on-host, docs] }
YAML
echo committed-1 > marker
echo "# docs" > docs/index.md
git add -A && git commit -q -m init
git push -q origin main --no-verify

# --- install: a foreign hook is refused, then kept as a backup with --force -----------------
hooks=$(git rev-parse --git-path hooks)
printf '#!/bin/sh\necho foreign-hook-ran >&2\n' > "$hooks/pre-push"
chmod +x "$hooks/pre-push"
foreign=$(cat "$hooks/pre-push")
expect_exit 2 "$PIPEWRIGHT" hook install
assert_contains "$out" "is not pipewright's hook"
expect_exit 0 "$PIPEWRIGHT" hook install --force
assert_contains "$out" "pre-push.pipewright-backup"
assert_eq "$foreign" "$(cat "$hooks/pre-push.pipewright-backup")" "foreign hook kept"
assert_contains "$(cat "$hooks/pre-push")" "# pipewright pre-push hook"
assert_contains "$(cat "$hooks/pre-push")" "'$PIPEWRIGHT'"
expect_exit 0 "$PIPEWRIGHT" hook install
assert_contains "$out" "already installed"

# --- a push runs the jobs on exactly the pushed commit, not the dirty working copy --------
git checkout -q -b feature/one
echo committed-2 > marker
git commit -q -am "second"
pushed=$(git rev-parse HEAD)
echo uncommitted > marker   # a modified tracked file
touch FAIL                  # an untracked file that would fail every job
expect_exit 0 git push origin feature/one
assert_contains "$out" "flow 'branches:feature/*'"
assert_contains "$out" "check | in-image committed-2"
assert_contains "$out" "docs | docs-job-ran"
assert_eq "$pushed committed-2" "$(cat "$PW_HOOK_OUT/host-record")" "host job ran at the pushed commit"
assert_eq "$pushed" "$(remote_sha feature/one)" "the push went through"
assert_eq 0 "$(leftovers)" "leftovers after the hook's run"
rm FAIL && git checkout -q marker

# --- the same work pushed again is answered from the verdict cache -------------------------
start=$(date +%s%N)
expect_exit 0 git push origin feature/one:refs/heads/feature/one-again
ms=$(( ($(date +%s%N) - start) / 1000000 ))
assert_contains "$out" "unchanged since it passed"
assert_not_contains "$out" "check | in-image"
(( ms < 1000 )) || fail "a cached push took ${ms} ms"
echo "cached push: ${ms} ms"

# --- monorepo selection: only what changed since the remote's value runs -------------------
echo "more" >> marker
git commit -q -am "marker only"
expect_exit 0 git push origin feature/one
assert_contains "$out" "1 not selected"
assert_contains "$out" "select | not selected: docs (no changes under docs)"
assert_not_contains "$out" "docs-job-ran"

# --- a failing job blocks the push; the remote ref does not move ---------------------------
git checkout -q -b feature/two
touch BROKEN && git add BROKEN && git commit -q -m "break it"
expect_exit 1 git push origin feature/two
assert_contains "$out" "FAILED"
assert_contains "$out" "job 'check' failed"
assert_contains "$out" "git push --no-verify"
assert_contains "$out" "$(git rev-parse --short=7 HEAD)"
assert_eq "" "$(remote_sha feature/two)" "a failing push must not reach the remote"
assert_eq 0 "$(leftovers)" "leftovers after a failing hook run"
git checkout -q feature/one

# --- a branch named with shell metacharacters is only a name -------------------------------
# shellcheck disable=SC2016  # the text is the point: it must never run
evil='feature/$(touch${IFS}pwned);`touch${IFS}pwned2`'
git branch "$evil"
expect_exit 0 git push origin "$evil"
[[ ! -e pwned && ! -e pwned2 && ! -e "$hooks/pwned" ]] || fail "a branch name ran as code"
assert_contains "$out" "$evil"

# --- pushing a deletion checks nothing -----------------------------------------------------
expect_exit 0 git push origin --delete feature/one-again
assert_contains "$out" "is deleted; nothing to check"

# --- core.hooksPath is where git looks, so that is where the hook goes ---------------------
git config core.hooksPath .githooks
expect_exit 0 "$PIPEWRIGHT" hook install
[[ -x .githooks/pre-push ]] || fail "hook not written under core.hooksPath"
expect_exit 0 "$PIPEWRIGHT" hook uninstall
[[ ! -e .githooks/pre-push ]] || fail "hook not removed from core.hooksPath"
git config --unset core.hooksPath

# --- uninstall restores the foreign hook; a second uninstall finds nothing -----------------
expect_exit 0 "$PIPEWRIGHT" hook uninstall
assert_contains "$out" "restored the previous one"
assert_eq "$foreign" "$(cat "$hooks/pre-push")" "foreign hook restored"
[[ ! -e $hooks/pre-push.pipewright-backup ]] || fail "backup left behind"
expect_exit 2 "$PIPEWRIGHT" hook uninstall
assert_contains "$out" "not pipewright's hook; left as is"
echo "pre_push_hook: ok"
