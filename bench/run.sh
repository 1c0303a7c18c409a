#!/usr/bin/env bash
# Usage: bench/run.sh [PIPEWRIGHT]     (default: build/src/pipewright)
#
# Per-job overhead of `pipewright run`, each against its floor in ONE hyperfine invocation:
#   1. container jobs: N jobs running `true` in a busybox image, one at a time, against a shell
#      script doing the same N `docker run --rm IMAGE sh -c true` (goal: ≤ 1.1×);
#   2. host jobs: a 200-job host pipeline of `true`, one at a time, against 200 `bash -c true`
#      (goal: ≤ 1.5×).
# Both pipewright runs use --no-cache (so every job really runs) with images already built.
# Needs a Docker daemon (source .state/env.sh after cicd/services-up), the busybox test image
# (cicd/busybox-image), hyperfine and git.
# Environment: BENCH_CONTAINER_JOBS (default 10), BENCH_HOST_JOBS (200), BENCH_RUNS (5).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/.." && pwd -P)
pipewright=${1:-$repo/build/src/pipewright}
[[ $pipewright == /* ]] || pipewright=$PWD/$pipewright
container_jobs=${BENCH_CONTAINER_JOBS:-10}
host_jobs=${BENCH_HOST_JOBS:-200}
runs=${BENCH_RUNS:-5}
image=pipewright-test/busybox:latest
out=${BENCH_OUT:-$here/results}
mkdir -p "$out"

[[ -x $pipewright ]] || { echo "run.sh: no pipewright binary at $pipewright" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "run.sh: hyperfine not found" >&2; exit 2; }
docker image inspect "$image" >/dev/null 2>&1 || { echo "run.sh: build $image first (cicd/busybox-image)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pw-bench-run.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# --- the container pipeline and its floor -----------------------------------------------------
mkdir -p "$work/containers" && cd "$work/containers"
git init -q -b main . && git config user.email b@b.invalid && git config user.name bench
printf 'FROM %s\n' "$image" > Dockerfile
{
  printf 'version: 1\nname: bench-containers\nimages:\n  tools: { dockerfile: Dockerfile }\njobs:\n'
  for ((i = 0; i < container_jobs; i++)); do printf '  c%d: { image: tools, run: "true" }\n' "$i"; done
} > pipewright.yaml
git add -A && git commit -q -m bench
"$pipewright" build >/dev/null
{
  echo '#!/bin/sh'
  echo 'set -e'
  for ((i = 0; i < container_jobs; i++)); do echo "docker run --rm $image sh -c true"; done
} > floor.sh
chmod +x floor.sh

# --- the host pipeline and its floor ----------------------------------------------------------
mkdir -p "$work/hosts" && cd "$work/hosts"
git init -q -b main . && git config user.email b@b.invalid && git config user.name bench
{
  printf 'version: 1\nname: bench-hosts\njobs:\n'
  for ((i = 0; i < host_jobs; i++)); do printf '  h%d: { host: true, run: "true" }\n' "$i"; done
} > pipewright.yaml
git add -A && git commit -q -m bench
{
  echo '#!/bin/sh'
  echo 'set -e'
  for ((i = 0; i < host_jobs; i++)); do echo "bash -c true"; done
} > floor.sh
chmod +x floor.sh

ratio() { # JSON: mean of command 1 / mean of command 0
  jq -r '.results as $r | "\($r[0].mean*1000|floor) ms floor, \($r[1].mean*1000|floor) ms pipewright, ratio \(($r[1].mean/$r[0].mean)*100|round/100)"' "$1"
}

cd "$work/containers"
hyperfine --runs "$runs" --warmup 1 --export-json "$out/run-containers.json" \
  -n "docker run x$container_jobs" ./floor.sh \
  -n "pipewright run ($container_jobs container jobs)" "$pipewright run --jobs 1 --no-cache -q"
cd "$work/hosts"
hyperfine --runs "$runs" --warmup 1 --export-json "$out/run-hosts.json" \
  -n "bash -c x$host_jobs" ./floor.sh \
  -n "pipewright run ($host_jobs host jobs)" "$pipewright run --jobs 1 --no-cache -q"

echo
echo "container jobs ($container_jobs): $(ratio "$out/run-containers.json")   (goal ≤ 1.1)"
echo "host jobs ($host_jobs):        $(ratio "$out/run-hosts.json")   (goal ≤ 1.5)"
