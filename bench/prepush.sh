#!/usr/bin/env bash
# Usage: bench/prepush.sh [PIPEWRIGHT]     (default: build/src/pipewright)
#
# What a repeated push of unchanged work costs with the pre-push hook, against `true` (the
# cost of starting any process), in one hyperfine run.
#   1. a throwaway repository with a 200-job spec (BENCH_JOBS): one busybox image, a fifth of
#      the jobs in containers and the rest on the host, all `true`, in needs chains of ten,
#      every job with `paths:`, one feature flow running them all; a bare remote;
#   2. the pre-push run once for real (`pipewright hook pre-push origin URL` with git's
#      pre-push input for a new branch feature/bench), which builds the image, runs the 200
#      jobs and records the verdict;
#   3. hyperfine --warmup 3 --runs 30: `true` against the same pre-push run again (warm: the
#      spec read and validated from the commit, the flow planned and selected, every job's and
#      image's inputs keyed from git objects, the verdict found; no Docker call);
#   4. prints the means (wall clock and CPU), with `pipewright --version` as the floor of
#      starting pipewright at all, and whether the goal is met: under 100 ms.
# Needs a Docker daemon (source .state/env.sh after cicd/services-up), the busybox test image
# (cicd/busybox-image), hyperfine and git. Environment: BENCH_JOBS (200), BENCH_RUNS (30),
# BENCH_OUT (bench/results), BENCH_STRICT=1 (exit 1 when the goal is missed).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/.." && pwd -P)
pipewright=${1:-$repo/build/src/pipewright}
[[ $pipewright == /* ]] || pipewright=$PWD/$pipewright
jobs=${BENCH_JOBS:-200}
runs=${BENCH_RUNS:-30}
out=${BENCH_OUT:-$here/results}
image=pipewright-test/busybox:latest
goal_ms=100

die() {
  echo "prepush.sh: $*" >&2
  exit 2
}
[[ -x $pipewright ]] || die "no pipewright binary at $pipewright (build it, or pass its path)"
command -v hyperfine >/dev/null || die "hyperfine not found (Debian: apt-get install hyperfine)"
command -v jq >/dev/null || die "jq not found"
docker image inspect "$image" >/dev/null 2>&1 || die "build $image first (cicd/busybox-image)"

work=$(mktemp -d "${TMPDIR:-/tmp}/pw-bench-prepush.XXXXXX")
project=bench-prepush-$$
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^localhost:5000/$project/" |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
[[ $work != *[[:space:]]* && $pipewright != *[[:space:]]* ]] || die "paths with spaces are not supported"

# 1. The repository, its remote and the spec.
git init -q --bare "$work/remote.git"
mkdir -p "$work/repo" && cd "$work/repo"
git init -q -b main . && git config user.email b@b.invalid && git config user.name bench
printf 'FROM %s\n' "$image" > Dockerfile
{
  printf 'version: 1\nname: %s\nimages:\n  tools: { dockerfile: Dockerfile }\njobs:\n' "$project"
  for ((i = 0; i < jobs; i++)); do
    group=$((i / 10))
    mkdir -p "src/part$group"
    [[ -f src/part$group/code ]] || echo "$group" > "src/part$group/code"
    needs=""
    ((i % 10 == 0)) || needs=", needs: [j$((i - 1))]"
    if ((i % 5 == 0)); then
      printf '  j%d: { image: tools, run: "true", paths: [src/part%d]%s }\n' "$i" "$group" "$needs"
    else
      printf '  j%d: { host: true, run: "true", paths: [src/part%d]%s }\n' "$i" "$group" "$needs"
    fi
  done
  printf 'flows:\n  - { name: feature, branches: ["feature/*"], run: ['
  for ((i = 0; i < jobs; i++)); do printf '%sj%d' "$([[ $i == 0 ]] || echo ', ')" "$i"; done
  printf '] }\n'
} > pipewright.yaml
git add -A && git commit -q -m bench
"$pipewright" validate -q || die "the generated spec does not validate"
sha=$(git rev-parse HEAD)
zero=0000000000000000000000000000000000000000
printf 'refs/heads/feature/bench %s refs/heads/feature/bench %s\n' "$sha" "$zero" > "$work/push-input"
hook="$pipewright -C $work/repo hook pre-push origin $work/remote.git"

# 2. The first push: the real run.
echo "first pre-push run ($jobs jobs, cold):"
start=$(date +%s%N)
$hook < "$work/push-input" > "$work/first.log" 2>&1 || { cat "$work/first.log"; die "the first run failed"; }
echo "  $(( ($(date +%s%N) - start) / 1000000 )) ms"
$hook < "$work/push-input" 2>&1 | grep -q "unchanged since it passed" || die "the second run was not answered from the verdict"

# 3. Warm runs against `true`.
mkdir -p -- "$out"
json=$out/prepush-$jobs.json
hyperfine --warmup 3 --runs "$runs" --export-json "$json" \
  -n true "true < $work/push-input" \
  -n "pipewright --version" "$pipewright --version < $work/push-input" \
  -n "pre-push $jobs jobs (warm)" "$hook < $work/push-input"

# 4. The figures: wall-clock means, and CPU time (user + system), which unlike the wall clock
# does not grow while the process waits for a CPU on a busy machine.
echo
jq -r --argjson goal "$goal_ms" --arg strict "${BENCH_STRICT:-0}" '
  .results as $r
  | ($r[] | "  \(.command): \(.mean * 1000 | . * 10 | round / 10) ms wall, cpu \((.user + .system) * 1000 | . * 10 | round / 10) ms"),
    "  pre-push warm: +\(($r[2].mean - $r[0].mean) * 1000 | . * 10 | round / 10) ms over true; goal under \($goal) ms: \(if $r[2].mean * 1000 < $goal then "met" else "MISSED" end)"
' "$json"
if [[ ${BENCH_STRICT:-0} == 1 ]]; then
  jq -e --argjson goal "$goal_ms" '.results[2].mean * 1000 < $goal' "$json" >/dev/null
fi
