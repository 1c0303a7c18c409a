#!/bin/sh
# Usage: cicd/verify.sh ENVIRONMENT        (staging or production)
#
# The acceptance check pipewright runs after deploying (the verify job of pipewright.yaml, on
# the host, given $PIPEWRIGHT_ENVIRONMENT): the environment's scoring service
# answers on its port, says it is that environment and reads that environment's schema, and
# scores a sample of two customers sensibly: a new, expensive, unhappy month-to-month customer
# is likelier to leave than a loyal one. It prints the image its container runs (the digest).
# Needs curl and jq.
set -eu
environment=${1:?usage: cicd/verify.sh ENVIRONMENT}
# shellcheck source=examples/churn-model/cicd/environments.sh
. "$(dirname -- "$0")/environments.sh"
churn_environment "$environment"
url=http://127.0.0.1:$CHURN_PORT
fail() { echo "verify.sh: FAILED: $*" >&2; exit 1; }

health=$(curl -fsS --max-time 10 "$url/health") || fail "$url/health does not answer"
[ "$(printf '%s' "$health" | jq -r .environment)" = "$environment" ] || fail "$url is not $environment: $health"
[ "$(printf '%s' "$health" | jq -r .schema)" = "$CHURN_SCHEMA" ] || fail "$url does not use schema $CHURN_SCHEMA: $health"
running=$(docker inspect --format '{{.Config.Image}}' "$CHURN_CONTAINER") || fail "no container $CHURN_CONTAINER"
echo "verify.sh: $CHURN_CONTAINER runs $running"

sample='{"customers": [
  {"customer_id": 1, "tenure_months": 2, "monthly_charges": 115.0, "support_calls": 5, "on_monthly_contract": 1},
  {"customer_id": 2, "tenure_months": 68, "monthly_charges": 30.0, "support_calls": 0, "on_monthly_contract": 0}]}'
scores=$(curl -fsS --max-time 30 -H 'Content-Type: application/json' --data "$sample" "$url/score") ||
  fail "POST $url/score failed"
echo "verify.sh: $environment scored the sample: $scores"
printf '%s' "$scores" | jq -e '
  (.scores | length == 2)
  and ([.scores[].churn_probability | . >= 0 and . <= 1] | all)
  and (.scores[0].churn_probability > .scores[1].churn_probability)' >/dev/null ||
  fail "unexpected scores: $scores"
echo "verify.sh: $environment ok"
