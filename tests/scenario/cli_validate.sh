#!/usr/bin/env bash
# Black-box: `pipewright validate` on good and bad specs, exit codes, --help and --version.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

work=$(tmpdir)
cd "$work"
git init -q -b main .
mkdir -p cicd/build
printf 'FROM scratch\n' > cicd/build/Dockerfile
cat > pipewright.yaml <<'YAML'
version: 1
name: demo
images:
  test: { dockerfile: cicd/build/Dockerfile }
jobs:
  unit: { image: test, run: "true" }
  lint: { image: test, run: "true" }
flows:
  - { branches: ["feature/*"], run: [unit, lint] }
YAML

out=$("$PIPEWRIGHT" validate)
assert_eq "pipewright.yaml: valid (1 image, 0 services, 2 jobs, 0 environments, 1 flow)" "$out" "validate names the file and counts"
assert_contains "$out" "pipewright.yaml: valid"
assert_eq "" "$("$PIPEWRIGHT" validate -q)" "validate -q prints nothing"

# From a subdirectory the spec is found at the repository root.
mkdir -p sub/dir
(cd sub/dir && "$PIPEWRIGHT" validate -q) || fail "validate from a subdirectory"
# -C and -f
(cd / && "$PIPEWRIGHT" -C "$work" validate -q) || fail "-C DIR"
cp pipewright.yaml other.yaml
"$PIPEWRIGHT" -f other.yaml validate -q || fail "-f FILE"
"$PIPEWRIGHT" validate -q -f other.yaml || fail "-f after the subcommand"

# A spec with several problems: every one reported with file:line:col, source line, caret.
cat > bad.yaml <<'YAML'
version: 1
name: demo
images:
  test: { dockerfile: cicd/build/Dockerfile }
jobs:
  unit: { image: tset, run: "true", timeout: 10 }
  lint: { imgae: test, run: "true" }
YAML
set +e
err=$("$PIPEWRIGHT" -f bad.yaml validate 2>&1 >/dev/null)
code=$?
set -e
assert_eq 3 "$code" "invalid spec exits 3"
assert_contains "$err" "bad.yaml:6:18: error: unknown image 'tset' in job 'unit'"
assert_contains "$err" " 6 |   unit: { image: tset, run: \"true\", timeout: 10 }"
assert_contains "$err" "   |                  ^~~~"
assert_contains "$err" "hint: did you mean 'test'?"
assert_contains "$err" "bad.yaml:6:46: error: malformed duration '10'"
assert_contains "$err" "bad.yaml:7:11: error: unknown key 'imgae' in job 'lint'"
assert_contains "$err" "hint: did you mean 'image'?"
assert_contains "$err" "pipewright: error: invalid spec bad.yaml (4 errors)"

# Missing spec file.
set +e
err=$("$PIPEWRIGHT" -f nope.yaml validate 2>&1)
code=$?
set -e
assert_eq 3 "$code" "missing spec exits 3"
assert_contains "$err" "pipewright: error: cannot read spec 'nope.yaml': No such file or directory"

# YAML syntax error points at the spot.
printf 'version: 1\nname: demo\njobs: [a,\n' > syntax.yaml
set +e
err=$("$PIPEWRIGHT" -f syntax.yaml validate 2>&1)
code=$?
set -e
assert_eq 3 "$code" "syntax error exits 3"
assert_contains "$err" "syntax.yaml:4:1: error: invalid YAML"

# Usage errors exit 2 and point at --help.
set +e
err=$("$PIPEWRIGHT" frobnicate 2>&1); code=$?
set -e
assert_eq 2 "$code" "unknown command exits 2"
assert_contains "$err" "pipewright: error:"
assert_contains "$err" "pipewright --help"
set +e
"$PIPEWRIGHT" >/dev/null 2>&1; code=$?
set -e
assert_eq 2 "$code" "no command exits 2"

# --help and --version.
help=$("$PIPEWRIGHT" --help)
assert_contains "$help" "validate"
assert_contains "$help" "plan"
assert_contains "$("$PIPEWRIGHT" validate --help)" "Exit status"
assert_contains "$("$PIPEWRIGHT" --version)" "pipewright 0."
# The validation cache: a second validate answers from .pipewright/cache/validate, but a
# removed file or a changed variable is noticed.
cat > cached.yaml <<'YAML'
version: 1
name: demo
registry: ${CACHE_TEST_REGISTRY}/demo
images:
  test: { dockerfile: cicd/build/Dockerfile }
jobs:
  unit: { image: test, run: "true" }
YAML
export CACHE_TEST_REGISTRY=registry.example
"$PIPEWRIGHT" -f cached.yaml validate -q || fail "cached.yaml should be valid"
ls .pipewright/cache/validate/*.json >/dev/null 2>&1 || fail "no validation record written"
assert_not_contains "$(cat .pipewright/cache/validate/*.json)" "registry.example" "a variable's value stored in clear"
"$PIPEWRIGHT" -f cached.yaml validate -q || fail "second validate"
unset CACHE_TEST_REGISTRY
set +e
err=$("$PIPEWRIGHT" -f cached.yaml validate 2>&1); code=$?
set -e
assert_eq 3 "$code" "an unset variable after a cached verdict"
assert_contains "$err" "variable 'CACHE_TEST_REGISTRY' is not set"
export CACHE_TEST_REGISTRY=registry.example
mv cicd/build/Dockerfile cicd/build/Dockerfile.away
set +e
err=$("$PIPEWRIGHT" -f cached.yaml validate 2>&1); code=$?
set -e
assert_eq 3 "$code" "a removed Dockerfile after a cached verdict"
assert_contains "$err" "Dockerfile 'cicd/build/Dockerfile' of image 'test' does not exist"
mv cicd/build/Dockerfile.away cicd/build/Dockerfile
"$PIPEWRIGHT" -f cached.yaml validate -q --no-cache || fail "--no-cache"
echo "cli_validate: ok"
