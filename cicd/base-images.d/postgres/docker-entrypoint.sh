#!/bin/bash
# The entrypoint of pipewright/postgres:15 (cicd/base-images): the official postgres image's
# contract on Debian's postgresql-15.
#   POSTGRES_PASSWORD          the superuser's password (required, unless
#                              POSTGRES_HOST_AUTH_METHOD=trust); POSTGRES_PASSWORD_FILE also works
#   POSTGRES_USER              the superuser (default postgres)
#   POSTGRES_DB                a database created on first start (default: POSTGRES_USER)
#   POSTGRES_INITDB_ARGS       extra initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  authentication for remote hosts (default scram-sha-256)
#   PGDATA                     the cluster (default /var/lib/postgresql/data)
# On first start (no $PGDATA/PG_VERSION): initdb, then a server on the Unix socket only runs
# /docker-entrypoint-initdb.d/*.sh and *.sql, then stops; after that (every start) the server
# is exec'd as PID 1 listening on 0.0.0.0:5432, so it receives docker's signals itself.
# Runs as postgres; started as root (docker run --user root), it fixes $PGDATA's owner and
# drops to postgres with setpriv.
set -Eeuo pipefail

log() { printf 'docker-entrypoint: %s\n' "$*" >&2; }

# A server option (postgres -c ... or -x) as the first argument means "postgres ...".
if [[ ${1:-} == -* ]]; then
  set -- postgres "$@"
fi

# VAR_FILE support (Docker secrets): POSTGRES_PASSWORD_FILE=/run/secrets/pw.
file_env() {
  local var=$1 file_var=${1}_FILE
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    log "error: both $var and $file_var are set"
    exit 1
  fi
  if [[ -n ${!file_var:-} ]]; then
    export "$var"="$(<"${!file_var}")"
  fi
  unset "$file_var"
}

if [[ ${1:-} != postgres ]]; then
  exec "$@" # e.g. `docker run IMAGE psql ...` or `bash`
fi

export PGDATA=${PGDATA:-/var/lib/postgresql/data}

if [[ $(id -u) == 0 ]]; then
  mkdir -p -- "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres -- "$PGDATA" /var/run/postgresql
  chmod 0700 -- "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

file_env POSTGRES_PASSWORD
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

psql_local() {
  psql -X -v ON_ERROR_STOP=1 --no-password --username "$POSTGRES_USER" --host /var/run/postgresql "$@"
}

first_start() {
  if [[ -z ${POSTGRES_PASSWORD:-} && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    cat >&2 <<'TEXT'
docker-entrypoint: error: the database is uninitialized and no superuser password is set.
  Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value, or
  POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password (never do that
  where the port is reachable).
TEXT
    exit 1
  fi
  log "initialising $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
  local pwfile
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  local -a initdb_args=()
  # shellcheck disable=SC2206 # word splitting of POSTGRES_INITDB_ARGS is the contract
  initdb_args=(${POSTGRES_INITDB_ARGS:-})
  if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
    initdb_args+=("--pwfile=$pwfile")
  fi
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" "${initdb_args[@]}" >/dev/null
  rm -f -- "$pwfile"
  {
    echo
    echo "# docker-entrypoint: remote hosts"
    echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
  {
    echo
    echo "# docker-entrypoint"
    echo "listen_addresses = '*'"
    echo "unix_socket_directories = '/var/run/postgresql'"
  } >>"$PGDATA/postgresql.conf"

  # A temporary server on the Unix socket only: nobody connects over TCP before it is ready.
  pg_ctl --pgdata="$PGDATA" --silent --wait --options="-c listen_addresses=''" start
  if [[ $POSTGRES_DB != postgres ]]; then
    psql_local --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh)
        log "running $f"
        # shellcheck source=/dev/null
        if [[ -x $f ]]; then "$f"; else . "$f"; fi
        ;;
      *.sql)
        log "running $f"
        psql_local --dbname "$POSTGRES_DB" -f "$f" >/dev/null
        ;;
      *.sql.gz)
        log "running $f"
        gunzip -c "$f" | psql_local --dbname "$POSTGRES_DB" >/dev/null
        ;;
      *) [[ -e $f ]] && log "ignoring $f" ;;
    esac
  done
  pg_ctl --pgdata="$PGDATA" --silent --wait --mode=fast stop
  log "initialised; starting the server"
}

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  first_start
fi
unset POSTGRES_PASSWORD
exec "$@"
