#!/bin/sh
# Usage: cicd/deploy.sh ENVIRONMENT        (staging or production)
#
# pipewright runs this on the host after it has promoted the release image, with
# PIPEWRIGHT_IMAGE=<repository>@<digest> (the digest that passed the previous environment) and
# PIPEWRIGHT_ENVIRONMENT in the environment. Deploying means: the environment's scoring service
# (container <prefix>-ENVIRONMENT, i.e. churn-staging) runs exactly that digest with the
# environment's settings (cicd/environments.sh: schema, port), next to the shared database
# (container churn-db, one schema per environment; started here when it is not running, and
# given synthetic customers when the environment's schema has none, as a demo needs).
# The database password comes from CHURN_DB_PASSWORD and reaches containers only through their
# environment. Waits until the service answers /health; a failure exits non-zero, and
# pipewright then puts the previous digest back and runs this again with it.
# Remove everything it started with cicd/undeploy.sh.
set -eu
environment=${1:?usage: cicd/deploy.sh ENVIRONMENT}
image=${PIPEWRIGHT_IMAGE:?PIPEWRIGHT_IMAGE is not set: pipewright promote sets it}
: "${CHURN_DB_PASSWORD:?CHURN_DB_PASSWORD is not set}"
# shellcheck source=examples/churn-model/cicd/environments.sh
. "$(dirname -- "$0")/environments.sh"
churn_environment "$environment"
say() { echo "deploy.sh: $*"; }

# The shared database and its network (once for every environment).
docker network inspect "$CHURN_NETWORK" >/dev/null 2>&1 ||
  docker network create --label "$CHURN_LABEL" "$CHURN_NETWORK" >/dev/null
if [ "$(docker inspect --format '{{.State.Running}}' "$CHURN_DB_CONTAINER" 2>/dev/null)" != true ]; then
  docker rm -f "$CHURN_DB_CONTAINER" >/dev/null 2>&1 || true
  say "starting the database $CHURN_DB_CONTAINER ($CHURN_DB_IMAGE)"
  POSTGRES_PASSWORD=$CHURN_DB_PASSWORD docker run -d --name "$CHURN_DB_CONTAINER" \
    --network "$CHURN_NETWORK" --label "$CHURN_LABEL" \
    -e POSTGRES_USER=churn -e POSTGRES_DB=churn -e POSTGRES_PASSWORD "$CHURN_DB_IMAGE" >/dev/null
fi
i=0
until docker exec "$CHURN_DB_CONTAINER" pg_isready -q --host=127.0.0.1 --username=churn --dbname=churn; do
  i=$((i + 1))
  [ "$i" -lt 120 ] || { say "the database did not become ready"; docker logs "$CHURN_DB_CONTAINER" | tail -n 20; exit 1; }
  sleep 0.5
done

export DATABASE_URL="postgresql+psycopg2://churn@$CHURN_DB_CONTAINER:5432/churn" PGPASSWORD="$CHURN_DB_PASSWORD"
export CHURN_SCHEMA CHURN_ENVIRONMENT="$environment"
# Demo data: synthetic customers when the environment's schema has none (a real environment
# has its data; then drop this line).
docker run --rm --network "$CHURN_NETWORK" --label "$CHURN_LABEL" \
  -e DATABASE_URL -e PGPASSWORD -e CHURN_SCHEMA "$image" churn load-sample --if-empty | sed 's/^/deploy.sh: /'

# Replace the running service with one on the new digest.
docker rm -f "$CHURN_CONTAINER" >/dev/null 2>&1 || true
say "$environment: starting $CHURN_CONTAINER on 127.0.0.1:$CHURN_PORT (schema $CHURN_SCHEMA) from $image"
docker run -d --name "$CHURN_CONTAINER" --network "$CHURN_NETWORK" \
  --label "$CHURN_LABEL" --label "churn-model.environment=$environment" \
  -p "127.0.0.1:$CHURN_PORT:8080" \
  -e DATABASE_URL -e PGPASSWORD -e CHURN_SCHEMA -e CHURN_ENVIRONMENT \
  "$image" churn serve --port 8080 >/dev/null
i=0
until curl -fsS --max-time 2 "http://127.0.0.1:$CHURN_PORT/health" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 120 ] || [ "$(docker inspect --format '{{.State.Running}}' "$CHURN_CONTAINER")" != true ]; then
    say "$CHURN_CONTAINER does not answer; its log:"
    docker logs "$CHURN_CONTAINER" 2>&1 | tail -n 20
    exit 1
  fi
  sleep 0.5
done
say "$environment: $CHURN_CONTAINER answers on http://127.0.0.1:$CHURN_PORT ($(curl -fsS "http://127.0.0.1:$CHURN_PORT/health"))"
