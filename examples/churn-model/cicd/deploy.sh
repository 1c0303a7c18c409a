#!/bin/sh
# Usage: cicd/deploy.sh ENVIRONMENT
#
# Run by pipewright on the host after it has promoted the release image: by then the registry
# tag ENVIRONMENT (pipewright.yaml: an environment's registry tag defaults to its name) points
# at the digest that passed the previous environment. Deploying means telling the scheduler
# that runs the nightly scoring job to use that digest; replace the echo below with yours
# (a CronJob's image, a systemd timer's `docker run`, an Airflow variable, ...).
set -eu
environment=${1:?usage: cicd/deploy.sh ENVIRONMENT}
case $environment in
  staging | production) ;;
  *) echo "deploy.sh: unknown environment '$environment'" >&2; exit 2 ;;
esac
image="${REGISTRY:-localhost:5000}/churn-model:$environment"
echo "deploy.sh: $environment now runs $image (churn score, nightly)"
