#!/usr/bin/env bash
# The Docker Engine features pipewright relies on, against the real daemon:
#   1. a BuildKit build (DOCKER_BUILDKIT=1) with RUN --mount=type=secret: the secret is readable
#      during the build and absent from `docker history --no-trunc`, `docker inspect`, the
#      image's layers and the build log;
#   2. `docker run` propagates the container's exit status;
#   3. two containers on a user-defined bridge network reach each other over TCP by their
#      --network-alias;
#   4. labels on images, containers and networks, found again with --filter label=….
set -euo pipefail
# shellcheck source=tests/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/common.sh"

require_docker
on_exit docker_cleanup_labelled
base=$(require_busybox_image)

# --- 1. BuildKit + secret mount -------------------------------------------------------------
ctx=$(tmpdir)
secret_dir=$(tmpdir) # outside the build context: the secret must reach the build only via --secret
secret="pw-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$secret" >"$secret_dir/token"
secret_sha=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
cat >"$ctx/Dockerfile" <<EOF
FROM $base
RUN --mount=type=secret,id=pw_token sha256sum /run/secrets/pw_token | cut -d' ' -f1 >/secret.sha256
CMD ["cat", "/secret.sha256"]
EOF
image=pipewright-test/engine:$PW_TEST_ID
build_log=$(tmpdir)/build.log
# --no-cache: a secret does not enter BuildKit's cache key, so a cached RUN step from an
# earlier run would carry that run's hash instead of proving this secret was mounted.
if ! DOCKER_BUILDKIT=1 docker build --no-cache --progress=plain --secret "id=pw_token,src=$secret_dir/token" \
  --label "$PW_TEST_LABEL" -t "$image" "$ctx" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  fail "BuildKit build with a secret mount failed"
fi
build_output=$(<"$build_log")
# BuildKit's plain progress numbers its steps (#1, #2…); the classic builder prints "Step 1/3".
assert_contains "$build_output" "#1 " "the build did not run on BuildKit"
assert_not_contains "$build_output" "Step 1/" "the build ran on the classic builder"
assert_not_contains "$build_output" "$secret" "secret in the build log"

# The secret was there during the build: its hash, computed inside the RUN step, is in the image.
assert_eq "$secret_sha" "$(docker run --rm --label "$PW_TEST_LABEL" "$image")" \
  "secret not mounted during the build"
assert_eq absent "$(docker run --rm --label "$PW_TEST_LABEL" "$image" \
  sh -c 'test -e /run/secrets/pw_token && echo present || echo absent')" "secret file left in the image"

assert_not_contains "$(docker history --no-trunc "$image")" "$secret" "secret in docker history"
assert_not_contains "$(docker inspect "$image")" "$secret" "secret in docker inspect"
saved=$(tmpdir)/image.tar
docker save -o "$saved" "$image"
# docker save writes uncompressed layer tars, so file contents appear verbatim: the hash written
# by the RUN step must be found (the search works), the secret must not.
grep -qaF -- "$secret_sha" "$saved" || fail "docker save output does not show the layer contents"
if grep -qaF -- "$secret" "$saved"; then fail "secret in the image's layers"; fi

# --- 2. exit status -------------------------------------------------------------------------
rc=0
docker run --rm --label "$PW_TEST_LABEL" "$base" sh -c 'exit 7' || rc=$?
assert_eq 7 "$rc" "docker run exit status"

# --- 3. user-defined network, aliases, TCP both ways ----------------------------------------
net=pw-net-$PW_TEST_ID
docker network create --label "$PW_TEST_LABEL" "$net" >/dev/null
# Each container listens on 7000 (answering "hello-from-ME" and recording what it receives),
# connects to its peer by alias (retrying until the peer listens), then waits for its own
# listener to have served the peer.
# shellcheck disable=SC2016 # expanded inside the container
peer_script='me=$1 peer=$2
echo "hello-from-$me" | nc -l -p 7000 >/tmp/received &
listener=$!
tries=0
until reply=$(echo "hi-from-$me" | nc -w 5 "$peer" 7000 2>/dev/null) && [ -n "$reply" ]; do
  tries=$((tries + 1))
  if [ "$tries" -ge 100 ]; then echo "cannot reach $peer:7000" >&2; exit 3; fi
  sleep 0.2
done
echo "reply:$reply"
wait "$listener"
echo "received:$(cat /tmp/received)"'
for pair in alpha:beta beta:alpha; do
  me=${pair%%:*} peer=${pair#*:}
  docker run -d --label "$PW_TEST_LABEL" --name "$net-$me" --network "$net" --network-alias "$me" \
    "$base" sh -c "$peer_script" sh "$me" "$peer" >/dev/null
done
for pair in alpha:beta beta:alpha; do
  me=${pair%%:*} peer=${pair#*:}
  status=$(timeout 60 docker wait "$net-$me") || fail "container $me did not finish within 60 s"
  logs=$(docker logs "$net-$me" 2>&1)
  assert_eq 0 "$status" "container $me exit status (logs: $logs)"
  assert_contains "$logs" "reply:hello-from-$peer" "$me did not get $peer's answer by alias"
  assert_contains "$logs" "received:hi-from-$peer" "$me did not receive $peer's message"
done

# --- 4. labels --------------------------------------------------------------------------------
filter=label=$PW_TEST_LABEL
containers=$(docker ps -a --filter "$filter" --format '{{.Names}}')
assert_contains "$containers" "$net-alpha" "labelled containers"
assert_contains "$containers" "$net-beta" "labelled containers"
assert_contains "$(docker network ls --filter "$filter" --format '{{.Name}}')" "$net" "labelled networks"
assert_contains "$(docker images --filter "$filter" --format '{{.Repository}}:{{.Tag}}')" "$image" \
  "labelled images"
assert_eq "" "$(docker ps -a --filter "label=pipewright.test=no-such-$PW_TEST_ID" -q)" \
  "label filter matches nothing for another value"

echo "PASS: docker_engine"
