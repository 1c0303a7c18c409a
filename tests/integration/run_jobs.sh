#!/usr/bin/env bash
# `pipewright run` against the real daemon: needs order, parallelism, services by alias,
# readiness failures, timeouts, masking, JUnit merging, caching, and no leftovers after
# SIGINT, SIGTERM and SIGKILL.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
require_docker
base=$(require_busybox_image)

work=$(tmpdir)
cd "$work"
project="pwrun-$PW_TEST_ID"
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^localhost:5000/$project/" |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup
leftovers() { # containers and networks of pipewright runs started from this test's dir
  { docker ps -aq --filter label=dev.pipewright.run; docker network ls -q --filter label=dev.pipewright.run; } | wc -l
}
assert_eq 0 "$(leftovers)" "no pipewright objects before the test (another run is going?)"

git init -q -b main .
git config user.name t && git config user.email t@t.invalid
mkdir -p cicd
cat > cicd/Dockerfile <<DOCKERFILE
FROM $base
COPY . /src
WORKDIR /src
DOCKERFILE
# A release-style image whose ENTRYPOINT would swallow the job's command.
printf 'FROM %s\nENTRYPOINT ["sh", "-c", "echo entrypoint ran instead; exit 3"]\n' "$base" > cicd/Entrypoint.Dockerfile
cat > pipewright.yaml <<YAML
version: 1
name: $project
images:
  tools: { dockerfile: cicd/Dockerfile }
  entry: { dockerfile: cicd/Entrypoint.Dockerfile }
services:
  echo:
    image: $base
    command: ["sh", "-c", "while true; do echo pong | nc -l -p 7000; done"]
    ready: { tcp: 7000, timeout: 20s }
  never:
    image: $base
    command: ["sh", "-c", "echo starting up; echo still not listening; sleep 600"]
    ready: { tcp: 7001, timeout: 2s, interval: 200ms }
secrets:
  TOKEN: { env: PW_RUN_TOKEN }
jobs:
  # /proc/uptime in centiseconds: busybox date has no %N
  first:   { image: tools, run: "tr -d . < /proc/uptime | cut -d' ' -f1 > \$PIPEWRIGHT_REPORTS/first.start; sleep 1; tr -d . < /proc/uptime | cut -d' ' -f1 > \$PIPEWRIGHT_REPORTS/first.end" }
  second:  { image: tools, run: "tr -d . < /proc/uptime | cut -d' ' -f1 > \$PIPEWRIGHT_REPORTS/second.start; sleep 1; tr -d . < /proc/uptime | cut -d' ' -f1 > \$PIPEWRIGHT_REPORTS/second.end" }
  after:   { image: tools, needs: [first, second], run: "echo after-ran" }
  ping:    { image: tools, services: [echo], run: "echo ping | nc echo 7000" }
  hopeless: { image: tools, services: [never], run: "echo should not run" }
  slow:    { image: tools, timeout: 2s, run: "echo going to sleep; sleep 60" }
  leak:    { image: tools, secrets: [TOKEN], run: "echo token is \$TOKEN; echo \"\$TOKEN\" | cut -c1-5; sleep 3" }
  host:    { host: true, run: "echo on the host; pwd" }
  entry-job: { image: entry, run: "echo the job command ran" }
  junit-a:
    image: tools
    run: |
      cat > \$PIPEWRIGHT_REPORTS/a.xml <<'XML'
      <testsuites><testsuite name="a"><testcase name="t1"/><testcase name="t2"><failure message="x"/></testcase><testcase name="t3"><skipped/></testcase></testsuite></testsuites>
      XML
    reports: { junit: "*.xml" }
  junit-b:
    image: tools
    run: |
      cat > \$PIPEWRIGHT_REPORTS/b.xml <<'XML'
      <testsuite name="b"><testcase name="u1"/><testcase name="u2"/></testsuite>
      XML
  long:    { image: tools, services: [echo], run: "echo long job started; sleep 120" }
YAML
git add -A && git commit -q -m init
export PW_RUN_TOKEN="tok-$PW_TEST_ID-very-secret"

expect_exit() { # CODE COMMAND...: output in $out
  local want=$1; shift
  set +e
  out=$("$@" 2>&1)
  local got=$?
  set -e
  assert_eq "$want" "$got" "exit code of: $*
$out"
}

# --- order and overlap ------------------------------------------------------------------------
expect_exit 0 "$PIPEWRIGHT" run after --jobs 2
assert_contains "$out" "after | after-ran"
run_dir=$(ls -td .pipewright/runs/*/ | head -1)
fs=$(cat "$run_dir"reports/first/first.start); fe=$(cat "$run_dir"reports/first/first.end)
ss=$(cat "$run_dir"reports/second/second.start); se=$(cat "$run_dir"reports/second/second.end)
(( fs < se && ss < fe )) || fail "first and second did not overlap: $fs-$fe vs $ss-$se"
assert_contains "$out" "job 'after' passed"
[[ $out == *"job 'first' passed"*"job 'after' started"* || $out == *"job 'second' passed"*"job 'after' started"* ]] ||
  fail "after started before its needs passed"
assert_eq 0 "$(leftovers)" "leftovers after a passing run"

# --- services ---------------------------------------------------------------------------------
expect_exit 0 "$PIPEWRIGHT" run ping
assert_contains "$out" "service 'echo' ready"
assert_contains "$out" "ping | pong"
start=$(date +%s)
expect_exit 1 "$PIPEWRIGHT" run hopeless
(( $(date +%s) - start < 30 )) || fail "readiness timeout not honoured"
assert_contains "$out" "service 'never' failed: it was not ready (tcp port 7001) within 2.0s"
assert_contains "$out" "still not listening"
assert_not_contains "$out" "should not run"
assert_eq 0 "$(leftovers)" "leftovers after a service failure"

# --- timeout ----------------------------------------------------------------------------------
start=$(date +%s)
expect_exit 4 "$PIPEWRIGHT" run slow
(( $(date +%s) - start < 20 )) || fail "timed-out job was not killed in time"
assert_contains "$out" "job 'slow' timed out"
assert_contains "$out" "pipewright: error: 1 job timed out: slow"
assert_eq 0 "$(leftovers)" "leftovers after a timeout"

# --- masking: stream, log file, ps ------------------------------------------------------------
"$PIPEWRIGHT" run leak > leak.out 2>&1 &
pid=$!
sleep 2
ps_out=$(ps -eo args)
wait "$pid" || fail "leak job failed: $(cat leak.out)"
assert_not_contains "$ps_out" "$PW_RUN_TOKEN" "secret visible in ps"
assert_contains "$(cat leak.out)" "leak | token is ***"
assert_not_contains "$(cat leak.out)" "$PW_RUN_TOKEN" "secret in output"
run_dir=$(ls -td .pipewright/runs/*/ | head -1)
assert_contains "$(cat "$run_dir"logs/leak.log)" "token is ***"
assert_not_contains "$(cat "$run_dir"logs/leak.log)" "$PW_RUN_TOKEN" "secret in log file"

# --- a job runs its own command, not the image's ENTRYPOINT -------------------------------------
expect_exit 0 "$PIPEWRIGHT" run entry-job
assert_contains "$out" "entry-job | the job command ran"
assert_not_contains "$out" "entrypoint ran instead"

# --- host job ---------------------------------------------------------------------------------
expect_exit 0 "$PIPEWRIGHT" run host
assert_contains "$out" "host | $work"

# --- JUnit merge --------------------------------------------------------------------------------
expect_exit 0 "$PIPEWRIGHT" run junit-a junit-b --json
json=$(sed -n '/^{/,$p' <<<"$out")
junit=$(jq -r '.junit' <<<"$json")
[[ -f $junit ]] || fail "no merged JUnit file"
assert_eq "5" "$(grep -o '<testcase' "$junit" | wc -l | tr -d ' ')" "merged testcases"
assert_contains "$(head -3 "$junit")" 'tests="5"'
assert_contains "$(head -3 "$junit")" 'failures="1"'
assert_contains "$(head -3 "$junit")" 'skipped="1"'

# --- cache --------------------------------------------------------------------------------------
expect_exit 0 "$PIPEWRIGHT" run after junit-a junit-b host
assert_contains "$out" "job 'first' cached"
assert_contains "$out" "job 'second' cached"
assert_contains "$out" "job 'after' cached"
assert_contains "$out" "job 'host' cached"
assert_not_contains "$out" "after | after-ran" "a cached job ran"
expect_exit 0 "$PIPEWRIGHT" run after --no-cache
assert_contains "$out" "after | after-ran"

# --- SIGINT / SIGTERM with a service: nothing left ----------------------------------------------
for sig in INT TERM; do
  "$PIPEWRIGHT" run long > "long-$sig.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "long job started" "long-$sig.out" && break; sleep 0.2; done
  grep -q "long job started" "long-$sig.out" || fail "long job did not start: $(cat "long-$sig.out")"
  kill -s "$sig" "$pid"
  set +e; wait "$pid"; code=$?; set -e
  want=130; [[ $sig == TERM ]] && want=143
  assert_eq "$want" "$code" "exit code after SIG$sig: $(cat "long-$sig.out")"
  assert_eq 0 "$(leftovers)" "leftovers after SIG$sig"
done

# --- SIGKILL: the next run, or `pipewright clean`, removes the leftovers --------------------------
kill_hard() {
  "$PIPEWRIGHT" run long > long-kill.out 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q "long job started" long-kill.out && break; sleep 0.2; done
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
  (( $(leftovers) > 0 )) || fail "expected leftovers after SIGKILL"
}
kill_hard
expect_exit 0 "$PIPEWRIGHT" run host
assert_contains "$out" "removed 2 containers and 1 networks left by interrupted runs"
assert_eq 0 "$(leftovers)" "leftovers after the next run"
kill_hard
expect_exit 0 "$PIPEWRIGHT" clean
assert_contains "$out" "removed 2 containers and 1 networks"
assert_eq 0 "$(leftovers)" "leftovers after clean"
echo "run_jobs: ok"
