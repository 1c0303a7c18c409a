#!/bin/sh
# Checks: every shell script parses, and none calls eval.
set -eu
status=0
for f in bin/* tests/*.sh; do
  sh -n "$f" || status=1
  # The pattern is split so that this file does not match itself.
  if grep -n 'ev''al ' "$f"; then echo "$f: uses a forbidden builtin (see above)"; status=1; fi
done
[ "$status" -eq 0 ] && echo "lint: all scripts clean"
exit "$status"
