#!/bin/sh
# Usage: cicd/deploy.sh ENVIRONMENT
#
# The spec's `deploy:` command, run by pipewright on the host after it has promoted the
# release image: the registry tag ENVIRONMENT (an environment's tag defaults to its name) now
# points at the digest that passed the previous environment. Make your platform run it:
# replace the echo with `kubectl set image ...`, `docker compose pull && up -d` over ssh, an
# API call...
set -eu
environment=${1:?usage: cicd/deploy.sh ENVIRONMENT}
image="${REGISTRY:-localhost:5000}/my-project:$environment"
echo "deploy.sh: $environment now runs $image"
