# shellcheck shell=sh disable=SC2034 # the variables are for the scripts that source this
# The environments' settings, in one place for cicd/deploy.sh, cicd/verify.sh and
# cicd/undeploy.sh. Sourced with ENVIRONMENT set; sets:
#   CHURN_SCHEMA     the environment's schema in the shared database (as in the seed templates)
#   CHURN_PORT       the host port its scoring service is published on (127.0.0.1 only)
#   CHURN_CONTAINER  its container's name: <prefix>-<environment>, i.e. churn-staging
# and, for every environment, CHURN_PREFIX (default churn), CHURN_NETWORK (<prefix>-net),
# CHURN_DB_CONTAINER (<prefix>-db), CHURN_DB_IMAGE (pipewright/postgres:15).
# Here "an environment" is a set of containers on this Docker host; in a real project it is a
# cluster, a VM or a platform, and these lines are where its addresses go.
# Overrides, for running several copies side by side (tests): CHURN_PREFIX,
# CHURN_STAGING_PORT, CHURN_PRODUCTION_PORT.
CHURN_PREFIX=${CHURN_PREFIX:-churn}
CHURN_NETWORK=$CHURN_PREFIX-net
CHURN_DB_CONTAINER=$CHURN_PREFIX-db
CHURN_DB_IMAGE=${CHURN_DB_IMAGE:-pipewright/postgres:15}
CHURN_LABEL=churn-model.deployment=$CHURN_PREFIX

churn_environment() {
  case $1 in
    staging) CHURN_SCHEMA=staging CHURN_PORT=${CHURN_STAGING_PORT:-8081} ;;
    production) CHURN_SCHEMA=production CHURN_PORT=${CHURN_PRODUCTION_PORT:-8082} ;;
    *)
      echo "unknown environment '$1' (staging or production)" >&2
      return 2
      ;;
  esac
  CHURN_CONTAINER=$CHURN_PREFIX-$1
}
