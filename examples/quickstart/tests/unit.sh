#!/bin/sh
# Unit tests of bin/wordfreq; writes JUnit XML to $PIPEWRIGHT_REPORTS/unit.xml.
set -u
out=${PIPEWRIGHT_REPORTS:-.}/unit.xml
cases="" failures=0 total=0
check() { # NAME EXPECTED INPUT [N]
  total=$((total + 1))
  got=$(printf '%s' "$3" | ./bin/wordfreq ${4:-})
  if [ "$got" = "$2" ]; then
    cases="$cases<testcase classname=\"wordfreq\" name=\"$1\"/>"
    echo "ok   $1"
  else
    failures=$((failures + 1))
    cases="$cases<testcase classname=\"wordfreq\" name=\"$1\"><failure message=\"expected [$2] got [$got]\"/></testcase>"
    echo "FAIL $1: expected [$2] got [$got]"
  fi
}
check counts_words "2 the
1 cat" "the cat the" 2
check ignores_case "2 hello" "Hello hello" 1
check strips_punctuation "3 a" "a, a. a!" 1
check empty_input "" "" 3
printf '<testsuite name="unit" tests="%d" failures="%d">%s</testsuite>\n' "$total" "$failures" "$cases" > "$out"
[ "$failures" -eq 0 ]
