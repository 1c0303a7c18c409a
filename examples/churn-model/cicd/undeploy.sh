#!/bin/sh
# Usage: cicd/undeploy.sh [ENVIRONMENT...]      (default: every environment, the database and
#                                               the network)
#
# Removes what cicd/deploy.sh started on this Docker host: the scoring service of each named
# environment (container <prefix>-ENVIRONMENT); with no argument also the shared database
# container <prefix>-db (its data goes with it) and the network <prefix>-net. Everything
# deploy.sh creates carries the label churn-model.deployment=<prefix>, so
#   docker ps -a --filter label=churn-model.deployment=churn
# lists it. The git tags and registry tags stay: `pipewright status` still says what was
# deployed where, and `pipewright promote` deploys it again.
set -eu
# shellcheck source=examples/churn-model/cicd/environments.sh
. "$(dirname -- "$0")/environments.sh"
if [ $# -gt 0 ]; then
  for environment in "$@"; do
    churn_environment "$environment"
    docker rm -f "$CHURN_CONTAINER" >/dev/null 2>&1 && echo "undeploy.sh: removed $CHURN_CONTAINER" || true
  done
  exit 0
fi
for id in $(docker ps -aq --filter "label=$CHURN_LABEL"); do
  name=$(docker inspect --format '{{.Name}}' "$id" 2>/dev/null || echo "$id")
  docker rm -f -v "$id" >/dev/null 2>&1 && echo "undeploy.sh: removed ${name#/}" || true
done
for id in $(docker network ls -q --filter "label=$CHURN_LABEL"); do
  docker network rm "$id" >/dev/null 2>&1 && echo "undeploy.sh: removed network $CHURN_NETWORK" || true
done
