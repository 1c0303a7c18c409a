#!/usr/bin/env bash
# Usage: bench/validate.sh [PIPEWRIGHT]     (default: build/src/pipewright)
#
# How long `pipewright validate` takes on a big spec, measured against `true` (the cost of
# starting any process) in one hyperfine run, and how much memory it uses.
#   1. generates a 1000-job spec (bench/gen-spec.sh) in a temporary git repository, with the
#      files it names, and checks that it validates;
#   2. copies examples/churn-model into a second temporary repository (a small real spec);
#   3. hyperfine --warmup 3 --runs 30: `true`, `validate -q` of the big spec (warm: answered
#      by the validation cache), the same with --no-cache (cold: a full parse), the example;
#   4. prints each validate's mean minus the mean of `true` (ms) and their ratio, against the
#      goal: the 1000-job spec validates in less than 10 ms above `true` (checked warm; the
#      cold figure is printed beside it);
#   5. prints the maximum resident set size of each (GNU time -v).
#
# Environment: BENCH_JOBS (default 1000), BENCH_RUNS (30), BENCH_WARMUP (3),
# BENCH_OUT (directory for the hyperfine JSON/CSV exports, default bench/results),
# BENCH_STRICT=1 (exit 1 when the goal is missed). Needs: hyperfine, GNU time, git, awk.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/.." && pwd -P)
pipewright=${1:-$repo/build/src/pipewright}
[[ $pipewright == /* ]] || pipewright=$PWD/$pipewright
jobs=${BENCH_JOBS:-1000}
runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-3}
out=${BENCH_OUT:-$here/results}
goal_ms=10

die() {
  echo "validate.sh: $*" >&2
  exit 2
}
[[ -x $pipewright ]] || die "no pipewright binary at $pipewright (build it, or pass its path)"
command -v hyperfine >/dev/null || die "hyperfine not found (Debian: apt-get install hyperfine)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian: apt-get install time)"
command -v git >/dev/null || die "git not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/pw-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# 1. The big spec, in a repository of its own (paths resolve against the work tree root).
big=$work/big
mkdir -p -- "$big"
git -C "$big" init -q
"$here/gen-spec.sh" "$jobs" "$big" >"$big/pipewright.yaml"
echo "spec: $jobs jobs, $(wc -c <"$big/pipewright.yaml") bytes"
"$pipewright" -C "$big" validate || die "the generated spec does not validate"

# 2. The example, also as its own repository.
# Warm: what a developer or a hook sees on the second run (the validation cache answers after
# checking the variables and paths the verdict depended on). Cold: --no-cache, a full parse.
commands=(true "$pipewright -C $big validate -q" "$pipewright -C $big validate -q --no-cache")
names=(true "validate $jobs jobs" "validate $jobs cold")
if [[ -f $repo/examples/churn-model/pipewright.yaml ]]; then
  small=$work/churn-model
  cp -R -- "$repo/examples/churn-model" "$small"
  git -C "$small" init -q
  "$pipewright" -C "$small" validate -q || die "examples/churn-model does not validate"
  commands+=("$pipewright -C $small validate -q")
  names+=("validate churn-model")
fi
[[ $work != *[[:space:]]* && $pipewright != *[[:space:]]* ]] ||
  die "paths with spaces are not supported (hyperfine -N splits commands on spaces)"

# 3. One hyperfine run, so that every command sees the same machine state.
mkdir -p -- "$out"
stamp=$(date +%Y%m%d-%H%M%S)
json=$out/validate-$jobs-$stamp.json
csv=$out/validate-$jobs-$stamp.csv
args=(--warmup "$warmup" --runs "$runs" -N --export-json "$json" --export-csv "$csv")
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine "${args[@]}"

# 4. Difference to `true` and ratio, from the CSV export (mean and stddev in seconds).
echo
echo "results ($json):"
awk -F, -v goal="$goal_ms" -v big="validate $jobs jobs" -v strict="${BENCH_STRICT:-0}" '
  # CSV: command,mean,stddev,median,user,system,min,max (seconds). "cpu" = user + system: on
  # a busy machine the wall-clock mean includes waiting for a CPU, the CPU time does not.
  NR == 1 { next }
  NR == 2 {
    base = $2; basecpu = $5 + $6
    printf "  %-22s %8.2f ms ± %5.2f   cpu %6.2f ms\n", $1, $2 * 1000, $3 * 1000, basecpu * 1000
    next
  }
  {
    diff = ($2 - base) * 1000; cpu = $5 + $6
    printf "  %-22s %8.2f ms ± %5.2f   cpu %6.2f ms   +%.2f ms over true (%.1fx), cpu +%.2f ms\n",
      $1, $2 * 1000, $3 * 1000, cpu * 1000, diff, $2 / base, (cpu - basecpu) * 1000
    if ($1 == big) { verdict = diff < goal ? "met" : "MISSED"; bigdiff = diff }
  }
  END {
    printf "  goal: %s within %d ms of true (wall-clock means): %s (+%.2f ms)\n", big, goal, verdict, bigdiff
    if (strict == 1 && verdict != "met") exit 1
  }' "$csv"

# 5. Peak memory.
echo "max RSS (GNU time -v):"
for i in "${!commands[@]}"; do
  read -r -a argv <<<"${commands[$i]}"
  /usr/bin/time -v -o "$work/time.txt" "${argv[@]}" >/dev/null
  awk -F: -v name="${names[$i]}" '/Maximum resident set size/ {
    printf "  %-22s %8.1f MiB\n", name, $2 / 1024 }' "$work/time.txt"
done
