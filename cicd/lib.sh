# shellcheck shell=bash
# shellcheck disable=SC2034 # the PW_* variables are used by the scripts that source this file
# Shared helpers for the cicd/* scripts. Sourced, never executed.
#
# Layout of the state directory (${PIPEWRIGHT_STATE_DIR:-<repo>/.state}, gitignored):
#   docker.sock                 our dockerd's API socket (DOCKER_HOST=unix://…/docker.sock)
#   dockerd.log                 our dockerd's log
#   docker/{data,exec}          its --data-root and --exec-root
#   docker/dockerd.pid          its --pidfile
#   docker/daemon.json          its --config-file (so /etc/docker/daemon.json never interferes)
#   registry/config.yml         our docker-registry's config
#   registry/registry.pid       its pid
#   registry/data/              its storage
#   registry.log                its log
#   bin/docker                  a docker CLI shim, only when the first docker on PATH cannot
#                               build with BuildKit (see pw_pick_docker_cli)
#   env.sh                      what callers source: DOCKER_HOST, PIPEWRIGHT_TEST_REGISTRY, PATH
#   services.lock               flock serialising services-up / services-down

PW_REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
PW_STATE=$(realpath -m -- "${PIPEWRIGHT_STATE_DIR:-$PW_REPO/.state}")

PW_DOCKER_DIR=$PW_STATE/docker
PW_DOCKER_SOCK=$PW_STATE/docker.sock
PW_DOCKER_HOST=unix://$PW_DOCKER_SOCK
PW_DOCKERD_PIDFILE=$PW_DOCKER_DIR/dockerd.pid
PW_DOCKERD_LOG=$PW_STATE/dockerd.log
PW_CONTAINERD_PIDFILE=$PW_DOCKER_DIR/exec/containerd/containerd.pid
PW_CONTAINERD_CONFIG=$PW_DOCKER_DIR/exec/containerd/containerd.toml
PW_DEFAULT_DOCKER_HOST=unix:///var/run/docker.sock

PW_REGISTRY_DIR=$PW_STATE/registry
PW_REGISTRY_PORT=${PIPEWRIGHT_REGISTRY_PORT:-5000}
PW_REGISTRY_ADDR=127.0.0.1:$PW_REGISTRY_PORT
PW_REGISTRY_CONFIG=$PW_REGISTRY_DIR/config.yml
PW_REGISTRY_PIDFILE=$PW_REGISTRY_DIR/registry.pid
PW_REGISTRY_LOG=$PW_STATE/registry.log

PW_BIN_DIR=$PW_STATE/bin
PW_ENV_FILE=$PW_STATE/env.sh
PW_LOCK_FILE=$PW_STATE/services.lock

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Seconds since the epoch with milliseconds, for timings.
pw_now() { date +%s.%3N; }
pw_elapsed() { awk -v a="$1" -v b="$(pw_now)" 'BEGIN { printf "%.1f", b - a }'; }

# Serialise services-up / services-down (and concurrent callers of cicd/test) on one lock.
pw_lock() {
  mkdir -p -- "$PW_STATE"
  exec 9>"$PW_LOCK_FILE"
  if ! flock -w 300 9; then
    die "another services-up/services-down holds $PW_LOCK_FILE for more than 300 s"
  fi
}

# pw_read_pidfile FILE: print the pid stored in FILE, if FILE holds one.
pw_read_pidfile() {
  local pid
  [[ -r $1 ]] || return 1
  pid=$(<"$1") || return 1 # no trailing newline in dockerd's pidfile: no `read`
  pid=${pid//[[:space:]]/}
  [[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
  printf '%s\n' "$pid"
}

# pw_pid_alive PID: the process exists and is not a zombie.
pw_pid_alive() {
  local stat
  [[ -r /proc/$1/stat ]] || return 1
  stat=$(<"/proc/$1/stat") || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# pw_pid_is PID PROGRAM MARKER: PID is alive, its argv[0] is PROGRAM (by basename) and one of
# its arguments equals MARKER. That is how we recognise *our* dockerd (MARKER = our pidfile) or
# *our* registry (MARKER = our config file) and never touch anybody else's process.
pw_pid_is() {
  local pid=$1 program=$2 marker=$3 arg
  local -a argv=()
  pw_pid_alive "$pid" || return 1
  mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
  ((${#argv[@]} > 0)) || return 1
  [[ ${argv[0]##*/} == "$program" ]] || return 1
  for arg in "${argv[@]:1}"; do
    [[ $arg == "$marker" ]] && return 0
  done
  return 1
}

pw_our_dockerd_pid() {
  local pid
  pid=$(pw_read_pidfile "$PW_DOCKERD_PIDFILE") || return 1
  pw_pid_is "$pid" dockerd "$PW_DOCKERD_PIDFILE" || return 1
  printf '%s\n' "$pid"
}

pw_our_containerd_pid() {
  local pid
  pid=$(pw_read_pidfile "$PW_CONTAINERD_PIDFILE") || return 1
  pw_pid_is "$pid" containerd "$PW_CONTAINERD_CONFIG" || return 1
  printf '%s\n' "$pid"
}

pw_our_registry_pid() {
  local pid
  pid=$(pw_read_pidfile "$PW_REGISTRY_PIDFILE") || return 1
  pw_pid_is "$pid" docker-registry "$PW_REGISTRY_CONFIG" || return 1
  printf '%s\n' "$pid"
}

# pw_docker_answers HOST: a Docker daemon answers the API on HOST.
pw_docker_answers() {
  DOCKER_HOST=$1 timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# pw_registry_http_code: HTTP status of GET /v2/ on our registry address ("000": no answer).
pw_registry_http_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$PW_REGISTRY_ADDR/v2/" || true
}

# pw_stop_pid PID NAME TIMEOUT: SIGTERM, wait up to TIMEOUT s, then SIGKILL. The caller has
# already checked that PID is ours.
pw_stop_pid() {
  local pid=$1 name=$2 timeout=$3 start
  start=$(pw_now)
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + timeout))
  while pw_pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "warning: $name (pid $pid) still running after ${timeout} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
  log "stopped $name (pid $pid) in $(pw_elapsed "$start") s"
}

# pw_docker_cli_has_buildkit BINARY: BINARY can run `DOCKER_BUILDKIT=1 docker build`. Clients
# before 23.0 carry BuildKit support themselves; from 23.0 on it needs the buildx plugin.
pw_docker_cli_has_buildkit() {
  local bin=$1 version major
  version=$("$bin" --version 2>/dev/null) || return 1
  version=${version#Docker version }
  major=${version%%.*}
  [[ $major =~ ^[0-9]+$ ]] || return 1
  ((major < 23)) && return 0
  "$bin" buildx version >/dev/null 2>&1
}

# pw_path_without_shim: $PATH without our shim directory (so we judge the real docker CLI).
pw_path_without_shim() {
  local dir out=""
  local -a dirs=()
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    [[ $dir == "$PW_BIN_DIR" ]] && continue
    out+=${out:+:}$dir
  done
  printf '%s\n' "$out"
}
