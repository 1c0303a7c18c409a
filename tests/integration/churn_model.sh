#!/usr/bin/env bash
# The README's demo path, end to end, in the suite: runs cicd/demo (examples/churn-model in a
# throwaway git repository with a bare remote, a registry namespace of its own, the scoring
# services under names and ports of their own) with $PIPEWRIGHT, then checks
#   - the evidence recorded with the release: unit and integration JUnit counts;
#   - staging and production hold the same digest on main's commit, in git (status) and in the
#     registry (the environments' tags resolve to the same manifest digest);
#   - the deployed scoring services answer and score a sample, each in its own schema;
#   - the integration tests really use the database: with the db service removed from the job,
#     `pipewright run integration` fails (exit 1) with failing tests;
# and removes everything it started (deployed containers and network, images, temp dirs).
# Assumes cicd/base-images has run (it is called here too: a no-op taking about a second).
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/common.sh"

require_docker
require_registry
[[ -x ${PIPEWRIGHT:-} ]] || fail "PIPEWRIGHT is not set to the pipewright binary"
command -v jq >/dev/null || fail "jq is needed (cicd/install-deps)"
"$PW_REPO/cicd/base-images" python postgres >&2 || fail "cicd/base-images failed"

# A free local port (nothing answers on it now).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  printf '%s\n' "$port"
}

export CHURN_PREFIX=pwtest-$PW_TEST_ID
export CHURN_STAGING_PORT CHURN_PRODUCTION_PORT
CHURN_STAGING_PORT=$(free_port)
CHURN_PRODUCTION_PORT=$(free_port)
[[ $CHURN_STAGING_PORT != "$CHURN_PRODUCTION_PORT" ]] || CHURN_PRODUCTION_PORT=$((CHURN_STAGING_PORT + 1))
export PIPEWRIGHT_DEMO_REGISTRY=$PIPEWRIGHT_TEST_REGISTRY/$PW_TEST_ID
export PIPEWRIGHT_DEMO_KEEP_DEPLOYED=1
export CHURN_DB_PASSWORD=pw-$PW_TEST_ID-secret
work=$(tmpdir)
project=$work/demo/churn-model

cleanup() {
  [[ -x $project/cicd/undeploy.sh ]] && "$project/cicd/undeploy.sh" >/dev/null 2>&1
  # By reference, never by id: an identical image of another run shares the id. Tags, and the
  # repo@digest references that deploying by digest pulled.
  docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' |
    awk -v p="$PIPEWRIGHT_DEMO_REGISTRY/" 'index($1, p) == 1 {
      if ($2 != "<none>") print $1 ":" $2; else if ($3 != "<none>") print $1 "@" $3 }' |
    xargs -r docker rmi >/dev/null 2>&1
  [[ -d $project ]] && "$PIPEWRIGHT" -C "$project" clean >/dev/null 2>&1
  return 0
}
on_exit cleanup

# --- the demo -------------------------------------------------------------------------------
start=$SECONDS
mkdir -p "$work/demo"
if ! "$PW_REPO/cicd/demo" "$work/demo" >"$work/demo.log" 2>&1; then
  tail -n 60 "$work/demo.log" >&2
  fail "cicd/demo failed (its checks include: staging and production at the same digest on main)"
fi
echo "demo passed in $((SECONDS - start)) s"
demo_log=$(<"$work/demo.log")
assert_contains "$demo_log" "exit code: 9 (9 = refused by policy)" "production without an approval"
assert_contains "$demo_log" "exit code: 1 (1 = a job failed)" "the broken change"
assert_contains "$demo_log" "ok: staging and production run sha256:" "the demo's own check"
assert_not_contains "$demo_log" "$CHURN_DB_PASSWORD" "the database password in the demo's output"

cd "$project"
status=$("$PIPEWRIGHT" status --json)
env_field() { jq -r --arg e "$1" --arg f "$2" '.[] | select(.environment == $e) | .[$f]' <<<"$status"; }
job_tests() { jq -r --arg e "$1" --arg j "$2" --arg f "$3" '.[] | select(.environment == $e) | .tests.jobs[] | select(.name == $j) | .tests[$f]' <<<"$status"; }

# --- the release's test evidence: JUnit counts ----------------------------------------------
assert_eq 18 "$(job_tests integration unit tests)" "unit tests recorded with the release"
assert_eq 18 "$(job_tests integration unit passed)" "unit tests passed"
assert_eq 5 "$(job_tests integration integration tests)" "integration tests recorded with the release"
assert_eq 5 "$(job_tests integration integration passed)" "integration tests passed"
assert_eq passed "$(jq -r '.[] | select(.environment == "integration") | .tests.jobs[] | select(.name == "smoke") | .status' <<<"$status")" "smoke"

# --- staging and production: the same digest on main's commit -------------------------------
main=$(git rev-parse main)
digest=$(env_field staging digest)
[[ $digest == sha256:* ]] || fail "no staging digest in: $status"
assert_eq "$digest" "$(env_field production digest)" "production's digest"
assert_eq "$digest" "$(env_field integration digest)" "integration's digest"
assert_eq "$main" "$(env_field staging commit)" "staging's commit"
assert_eq "$main" "$(env_field production commit)" "production's commit"
assert_eq "$main" "$(git rev-parse 'Production^{commit}')" "the Production tag"
# The registry agrees: each environment's tag is that manifest.
accept='application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json'
repo=${PIPEWRIGHT_DEMO_REGISTRY#*/}/churn-model
for tag in integration staging production; do
  got=$(curl -fsSI -H "Accept: $accept" "http://$PIPEWRIGHT_TEST_REGISTRY/v2/$repo/manifests/$tag" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')
  assert_eq "$digest" "$got" "registry tag $repo:$tag"
done
# The remote got the tags and the history (pipewright push).
assert_eq "$main" "$(git --git-dir="$work/demo/origin.git" rev-parse 'Production^{commit}')" "origin's Production tag"

# --- the deployed scoring services answer, each in its own schema ---------------------------
sample='{"customers": [{"customer_id": 7, "tenure_months": 3, "monthly_charges": 99.5, "support_calls": 4, "on_monthly_contract": 1}]}'
for env in staging production; do
  port_var=CHURN_${env^^}_PORT
  port=${!port_var}
  health=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/health") || fail "$env's service does not answer on $port"
  assert_eq "$env" "$(jq -r .environment <<<"$health")" "$env's /health"
  assert_eq "$env" "$(jq -r .schema <<<"$health")" "$env's schema"
  scores=$(curl -fsS --max-time 30 --data "$sample" "http://127.0.0.1:$port/score") || fail "$env: POST /score failed"
  jq -e '.scores | length == 1 and .[0].customer_id == 7 and .[0].churn_probability > 0.5' <<<"$scores" >/dev/null ||
    fail "$env: unexpected scores $scores"
  image=$(docker inspect --format '{{.Config.Image}}' "$CHURN_PREFIX-$env")
  assert_eq "$digest" "${image##*@}" "the digest $env's container runs"
done

# --- the integration tests need the database --------------------------------------------------
git checkout -q -b feature/no-db develop
# Drop `services: [db]` from the integration job (and only there).
awk '/^  integration:$/ { in_job = 1 } /^  [a-z-]+:/ && !/^  integration:$/ { in_job = 0 }
     !(in_job && /^    services: \[db\]$/)' pipewright.yaml >pipewright.yaml.new
mv pipewright.yaml.new pipewright.yaml
[[ $(git diff --numstat pipewright.yaml) == "0	1	pipewright.yaml" ]] || fail "could not remove the db service: $(git diff pipewright.yaml)"
git commit -q -am "integration without its database"
set +e
out=$("$PIPEWRIGHT" run integration 2>&1)
code=$?
set -e
assert_eq 1 "$code" "pipewright run integration without the db service: $out"
run_dir=$(ls -td .pipewright/runs/*/ | head -1)
log=$(<"${run_dir}logs/integration.log")
assert_contains "$log" 'could not translate host name "db"' "the integration tests reached for the database"
junit=$(<"${run_dir}junit.xml")
assert_contains "$junit" 'test_the_database_is_postgresql' "the integration JUnit report"
assert_contains "$out" "1 job failed: integration" "the run's verdict"

# --- nothing left behind ----------------------------------------------------------------------
"$project/cicd/undeploy.sh" >/dev/null
assert_eq "" "$(docker ps -aq --filter "label=churn-model.deployment=$CHURN_PREFIX")" "deployed containers after undeploy.sh"
assert_eq "" "$(docker network ls -q --filter "label=churn-model.deployment=$CHURN_PREFIX")" "the deployment network after undeploy.sh"
echo "PASS: churn-model from feature branch to production in $((SECONDS - start)) s"
