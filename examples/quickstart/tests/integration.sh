#!/bin/sh
# Integration test: stores wordfreq's result in the "kv" service and reads it back over TCP.
set -eu
result=$(echo "to be or not to be" | ./bin/wordfreq 1)
reply=$(printf 'PUT top %s\n' "$result" | nc kv 7379)
echo "kv answered: $reply"
[ "$reply" = "OK top=2 be" ] || { echo "unexpected answer from kv"; exit 1; }
printf '<testsuite name="integration" tests="1" failures="0"><testcase classname="kv" name="stores_result"/></testsuite>\n' \
  > "$PIPEWRIGHT_REPORTS/integration.xml"
