#!/usr/bin/env bash
# Black-box: `pipewright ci` with GitLab CI's and GitHub Actions' variables picks the flow for
# the CI's branch or tag and writes each system's native outputs; hostile branch names and
# commit messages change nothing but printed text. Host jobs only: no Docker daemon is used.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

work=$(tmpdir)
cd "$work"
git init -q -b main .
git config user.name t
git config user.email t@t
mkdir -p svc-a svc-b
echo a > svc-a/file
echo b > svc-b/file
cat > pipewright.yaml <<'YAML'
version: 1
name: ci-scenario
jobs:
  unit:
    host: true
    run: |
      echo "unit ran at $(git rev-parse HEAD)"
      echo "::set-output name=pwned::1"
      echo "::warning::from a job"
      printf '%s' '<testsuite name="u"><testcase name="ok"/><testcase classname="t" name="bad" file="t.py" line="3"><failure message="boom"/></testcase></testsuite>' > "$PIPEWRIGHT_REPORTS/u.xml"
      test "${FAIL_UNIT:-0}" = 0
    reports: { junit: u.xml }
  a:   { host: true, run: "echo a ran", paths: [svc-a] }
  b:   { host: true, run: "echo b ran", paths: [svc-b] }
  tag-job: { host: true, run: "echo tag job ran" }
flows:
  - { name: feature, branches: ["feature/**"], run: [unit, a, b] }
  - { name: develop, branches: [develop], run: [unit] }
  - { name: tags, tags: ["v*"], run: [tag-job] }
YAML
git add -A
git commit -q -m init
main_sha=$(git rev-parse HEAD)

# Clears every CI variable the test environment may have set, so each case starts clean; the
# Docker daemon is pointed at nothing: a pipeline of host jobs must not need one.
clean_env=(env -u GITLAB_CI -u GITHUB_ACTIONS -u CI_COMMIT_BRANCH -u CI_COMMIT_TAG
  -u CI_COMMIT_SHA -u GITHUB_REF -u GITHUB_SHA -u GITHUB_OUTPUT -u GITHUB_STEP_SUMMARY
  -u GITHUB_EVENT_PATH -u CI_MERGE_REQUEST_IID -u CI_DEFAULT_BRANCH
  DOCKER_HOST=unix:///nonexistent/docker.sock)

# --- GitLab, feature branch with shell metacharacters and a hostile commit message --------
branch='feature/$(touch${IFS}pwned);`id>pwned2`'
git checkout -q -b "$branch"
echo changed > svc-a/file
git commit -q -am 'change a ::set-output name=x::y $(touch pwned3)'
sha=$(git rev-parse HEAD)
rc=0
out=$("${clean_env[@]}" CI=true GITLAB_CI=true CI_COMMIT_SHA="$sha" CI_COMMIT_BRANCH="$branch" \
  CI_DEFAULT_BRANCH=main FAIL_UNIT=0 "$PIPEWRIGHT" ci -j1 2>&1) || rc=$?
assert_eq 0 "$rc" "gitlab feature flow passes: $out"
assert_contains "$out" "flow 'feature'" "feature flow chosen"
assert_contains "$out" $'\e[0Ksection_start:' "GitLab section start"
assert_contains "$out" $'\e[0Ksection_end:' "GitLab section end"
assert_contains "$out" "unit ran at $sha" "unit job ran on the CI commit"
assert_contains "$out" "a ran" "job a selected: svc-a changed"
assert_not_contains "$out" "b ran" "job b not selected: svc-b unchanged"
assert_contains "$out" "not selected: b" "why b did not run"
for f in pwned pwned2 pwned3; do
  [[ ! -e $f && ! -e svc-a/$f ]] || fail "a branch name or commit message ran a command ($f)"
done
[[ -s .pipewright/ci/junit.xml ]] || fail "JUnit report for artifacts:reports:junit"
assert_contains "$(cat .pipewright/ci/junit.xml)" 'name="unit/u"' "merged JUnit suite"
dotenv=$(cat .pipewright/ci/pipewright.env)
assert_contains "$dotenv" "PIPEWRIGHT_FLOW=feature" "dotenv flow"
assert_contains "$dotenv" "PIPEWRIGHT_COMMIT=$sha" "dotenv commit"
assert_contains "$dotenv" "PIPEWRIGHT_EXIT_CODE=0" "dotenv exit code"

# --all runs every job of the flow whatever changed.
out=$("${clean_env[@]}" GITLAB_CI=true CI_COMMIT_SHA="$sha" CI_COMMIT_BRANCH="$branch" \
  CI_DEFAULT_BRANCH=main "$PIPEWRIGHT" ci -j1 --all --no-cache 2>&1)
assert_contains "$out" "b ran" "--all runs b too"

# --- GitLab: the CI's commit must be HEAD ------------------------------------------------
rc=0
out=$("${clean_env[@]}" GITLAB_CI=true CI_COMMIT_SHA="$main_sha" CI_COMMIT_BRANCH="$branch" \
  "$PIPEWRIGHT" ci 2>&1) || rc=$?
assert_eq 8 "$rc" "HEAD is not the CI commit: $out"
assert_contains "$out" "but HEAD is" "says which commits differ"

# --- GitLab, a tag picks the tag flow ------------------------------------------------------
git tag v1.0.0
out=$("${clean_env[@]}" GITLAB_CI=true CI_COMMIT_SHA="$sha" CI_COMMIT_TAG=v1.0.0 \
  "$PIPEWRIGHT" ci 2>&1)
assert_contains "$out" "flow 'tags'" "tag flow chosen"
assert_contains "$out" "tag job ran" "tag flow's job ran"

# --- GitHub Actions, develop, a failing test ---------------------------------------------
git checkout -q -b develop
sha=$(git rev-parse HEAD)
gh_out=$work/gh-output
gh_summary=$work/gh-summary
event=$work/event.json
printf '{"repository": {"default_branch": "main"}, "before": "%s"}' "$main_sha" > "$event"
rc=0
out=$("${clean_env[@]}" GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REF=refs/heads/develop \
  GITHUB_REF_NAME=develop GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$event" \
  GITHUB_OUTPUT="$gh_out" GITHUB_STEP_SUMMARY="$gh_summary" FAIL_UNIT=1 \
  "$PIPEWRIGHT" ci --no-cache 2>&1) || rc=$?
assert_eq 1 "$rc" "a failing job fails the flow: $out"
assert_contains "$out" "::group::flow 'develop': unit" "GitHub group"
assert_contains "$out" "::endgroup::" "GitHub group end"
token=$(grep -o '^::stop-commands::[0-9a-f]*$' <<<"$out" | head -1 | cut -d: -f5)
[[ -n $token ]] || fail "job output is wrapped in stop-commands: $out"
# Every line a job printed lies inside a stop-commands window: between a stop line and the
# next resume line.
awk -v t="$token" '
  $0 == "::stop-commands::" t { stopped = 1; next }
  $0 == "::" t "::" { stopped = 0; next }
  /::set-output name=pwned/ || /::warning::from a job/ { if (!stopped) bad = 1 }
  END { exit bad }' <<<"$out" || fail "a job line was printed while commands were processed"
assert_contains "$out" "::error file=t.py,line=3,title=test failed%3A t.bad::boom" \
  "failed test annotated"
outputs=$(cat "$gh_out")
assert_contains "$outputs" "flow<<pipewright_" "outputs use delimiters"
assert_contains "$outputs" "exit_code<<" "outputs written despite the failure"
assert_not_contains "$outputs" "pwned" "a job cannot add outputs"
summary=$(cat "$gh_summary")
assert_contains "$summary" "### pipewright ci: flow <code>develop</code>" "step summary title"
assert_contains "$summary" "| <code>unit</code> | ❌ failed |" "step summary table"

# --- GitHub Actions: a spec error becomes annotations on the spec's lines ----------------
git checkout -q main
mkdir -p "$work/bad" && cd "$work/bad"
git init -q -b main .
printf 'version: 1\nname: bad\njobs:\n  unit: { host: true, rnu: "true" }\n' > pipewright.yaml
rc=0
out=$("${clean_env[@]}" GITHUB_ACTIONS=true GITHUB_REF=refs/heads/main "$PIPEWRIGHT" ci 2>&1) ||
  rc=$?
assert_eq 3 "$rc" "invalid spec: $out"
assert_contains "$out" "::error file=pipewright.yaml,line=4," "spec error annotated at its line"
cd "$work"

# --- local: the current branch; no flow matches → nothing to do --------------------------
git checkout -q -b other
rc=0
out=$("${clean_env[@]}" "$PIPEWRIGHT" ci 2>&1) || rc=$?
assert_eq 0 "$rc" "no flow is not a failure: $out"
assert_contains "$out" "matches branch 'other'; nothing to do" "says why nothing ran"

# --- GitHub: a control character in a CI variable is refused -----------------------------
rc=0
out=$("${clean_env[@]}" GITHUB_ACTIONS=true GITHUB_REF=$'refs/heads/x\n::set-output name=a::b' \
  "$PIPEWRIGHT" ci 2>&1) || rc=$?
assert_eq 2 "$rc" "control character refused: $out"
echo "ok"
