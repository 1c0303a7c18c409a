#!/usr/bin/env bash
# `pipewright build` against the real daemon: tags, OCI labels, the committed tree only,
# BuildKit secrets that leave no trace, up-to-date skipping, and each failure's exit code.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
require_docker
base=$(require_busybox_image)

work=$(tmpdir)
cd "$work"
project="pwtest-$PW_TEST_ID"
registry="localhost:5000/$project"
cleanup_images() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$registry/" | xargs -r docker rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup_images

git init -q -b main .
git config user.name "Test Author"
git config user.email "author@example.invalid"
git remote add origin "https://ci-user:glpat-SECRET-TOKEN@git.example.invalid/team/demo.git"
mkdir -p cicd/build src
cat > cicd/build/Dockerfile <<DOCKERFILE
FROM $base AS base
RUN echo base > /base-stage
FROM $base AS test
ARG GREETING
COPY . /src
RUN --mount=type=secret,id=API_TOKEN test -s /run/secrets/API_TOKEN && echo "\$GREETING" > /greeting
DOCKERFILE
printf 'print("hello")\n' > src/app.py
printf 'ignored-by-docker.txt\n' > .dockerignore
printf 'docker must not see this\n' > ignored-by-docker.txt
cat > pipewright.yaml <<YAML
version: 1
name: $project
registry: localhost:5000/$project
secrets:
  API_TOKEN: { env: PW_TEST_API_TOKEN }
images:
  test:
    dockerfile: cicd/build/Dockerfile
    target: test
    args: { GREETING: "hello \${WHO:-world}" }
    secrets: [API_TOKEN]
jobs:
  unit: { image: test, run: "true" }
YAML
git add -A
git commit -q -m "first"
sha=$(git rev-parse HEAD)
printf 'local data dump\n' > untracked-data.csv
secret_value="s3cr3t-$PW_TEST_ID-value"
export PW_TEST_API_TOKEN=$secret_value

# --- first build: tags, labels, tree, secret ----------------------------------------------
out=$("$PIPEWRIGHT" build 2>&1)
assert_contains "$out" "==> building image 'test'"
assert_contains "$out" "test | "
assert_contains "$out" "==> image 'test' built in"
assert_not_contains "$out" "$secret_value" "secret in build output"
image="$registry/test:$sha"
docker image inspect "$image" >/dev/null || fail "no tag by full sha"
docker image inspect "$registry/test:${sha:0:12}" >/dev/null || fail "no tag by short sha"
label() { docker image inspect --format "{{index .Config.Labels \"$1\"}}" "$image"; }
assert_eq "$sha" "$(label org.opencontainers.image.revision)" "revision label"
assert_eq "https://git.example.invalid/team/demo.git" "$(label org.opencontainers.image.source)" \
  "source label without credentials"
assert_eq "$project/test" "$(label org.opencontainers.image.title)" "title label"
assert_eq "${sha:0:12}" "$(label org.opencontainers.image.version)" "version label"
[[ $(label org.opencontainers.image.created) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] ||
  fail "created label is not RFC 3339"
assert_eq "test" "$(label dev.pipewright.image)" "image label"
[[ $(label dev.pipewright.inputs) =~ ^[0-9a-f]{40}$ ]] || fail "inputs label"
assert_eq "" "$(label dev.pipewright.dirty)" "clean build has no dirty label"

files=$(docker run --rm "$image" find /src)
assert_contains "$files" "/src/src/app.py"
assert_contains "$files" "pipewright.yaml"
assert_not_contains "$files" "untracked-data.csv" "untracked file in image"
assert_not_contains "$files" "ignored-by-docker.txt" ".dockerignore not honoured"
assert_not_contains "$files" ".git" ".git in image"
assert_eq "hello world" "$(docker run --rm "$image" cat /greeting)" "build arg expanded"

history=$(docker history --no-trunc "$image")
inspect=$(docker image inspect "$image")
assert_not_contains "$history" "$secret_value" "secret in docker history"
assert_not_contains "$inspect" "$secret_value" "secret in docker inspect"
assert_not_contains "$inspect" "glpat-SECRET-TOKEN" "remote credentials in labels"
logs=$(cat .pipewright/logs/build-test.log)
assert_contains "$logs" "naming to $image"
assert_not_contains "$logs" "$secret_value" "secret in build log"
[[ -z $(git status --porcelain -- .pipewright) ]] || fail ".pipewright shows up in git status"
id1=$(docker image inspect --format '{{.Id}}' "$image")

# --- nothing changed: up to date, same image ------------------------------------------------
out=$("$PIPEWRIGHT" build 2>&1)
assert_contains "$out" "==> image 'test' up to date"
assert_not_contains "$out" "==> building image" "rebuilt although nothing changed"
json=$("$PIPEWRIGHT" build --json 2>/dev/null)
assert_eq "true" "$(jq -r '.[0].up_to_date' <<<"$json")" "json up_to_date"
assert_eq "$id1" "$(jq -r '.[0].image_id' <<<"$json")" "json image id"
assert_eq "$id1" "$(jq -r '.test.image_id' .pipewright/images/"$sha".json)" "recorded image id"

# An untracked change does not make the committed tree differ.
printf 'more\n' >> untracked-data.csv
assert_contains "$("$PIPEWRIGHT" build 2>&1)" "up to date"

# --- a tracked change rebuilds ------------------------------------------------------------
printf 'print("changed")\n' > src/app.py
out=$("$PIPEWRIGHT" build 2>&1)
assert_contains "$out" "up to date" "working-copy edits are not built without --dirty"
assert_contains "$out" "note: uncommitted changes are not built"
git commit -q -am "change app"
sha2=$(git rev-parse HEAD)
out=$("$PIPEWRIGHT" build 2>&1)
assert_contains "$out" "==> image 'test' built in"
assert_eq 'print("changed")' "$(docker run --rm "$registry/test:$sha2" cat /src/src/app.py)" "new content"

# --- --dirty builds the working copy and says so ------------------------------------------
printf 'print("dirty")\n' > src/app.py
out=$("$PIPEWRIGHT" build --dirty 2>&1)
assert_contains "$out" "(dirty: from the working copy)"
assert_eq 'print("dirty")' "$(docker run --rm "$registry/test:$sha2" cat /src/src/app.py)" "dirty content"
assert_eq "true" "$(docker image inspect --format '{{index .Config.Labels "dev.pipewright.dirty"}}' "$registry/test:$sha2")" "dirty label"
git checkout -q -- src/app.py

# --- failures and their exit codes ----------------------------------------------------------
expect_exit() { # CODE COMMAND...: runs it, checks the exit code, leaves stderr in $err
  local want=$1; shift
  set +e
  err=$("$@" 2>&1 >/dev/null)
  local got=$?
  set -e
  assert_eq "$want" "$got" "exit code of: $*
$err"
}

unset PW_TEST_API_TOKEN
printf 'x\n' >> src/app.py && git commit -q -am "needs a fresh build"
expect_exit 7 "$PIPEWRIGHT" build
assert_contains "$err" "secret 'API_TOKEN': environment variable PW_TEST_API_TOKEN is not set"
export PW_TEST_API_TOKEN=$secret_value

expect_exit 5 env DOCKER_HOST=unix:///nonexistent/docker.sock "$PIPEWRIGHT" build
assert_contains "$err" "DOCKER_HOST=unix:///nonexistent/docker.sock"

printf 'RUN echo about to fail && false\n' >> cicd/build/Dockerfile
git commit -q -am "broken Dockerfile"
expect_exit 6 "$PIPEWRIGHT" build
assert_contains "$err" "failed step: [test 4/4] RUN echo about to fail && false"
assert_contains "$err" "last lines of the build log:"
assert_contains "$err" "pipewright: error: building image 'test' failed (exit code 1); full log: "
assert_contains "$err" ".pipewright/logs/build-test.log"
git revert --no-edit HEAD >/dev/null

sed -i 's|dockerfile: cicd/build/Dockerfile|dockerfile: cicd/build/Dockerfile.new|' pipewright.yaml
cp cicd/build/Dockerfile cicd/build/Dockerfile.new   # exists on disk, never committed
git commit -q -m "spec names an uncommitted Dockerfile" pipewright.yaml
expect_exit 3 "$PIPEWRIGHT" build
assert_contains "$err" "Dockerfile 'cicd/build/Dockerfile.new' of image 'test' is not in commit"

expect_exit 2 "$PIPEWRIGHT" build tets
assert_contains "$err" "did you mean 'test'?"
echo "build_images: ok"
