#!/usr/bin/env bash
# The C++ sources are formatted with the repository's .clang-format (Debian's clang-format).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$PW_REPO"
command -v clang-format >/dev/null || fail "clang-format is missing (cicd/install-deps installs it)"
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 2>/dev/null ||
  find src tests -name '*.cpp' -o -name '*.hpp')
(( ${#files[@]} > 0 )) || fail "no C++ sources found"
if ! out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  fail "not formatted (run: clang-format -i on these files):
$(grep -o '^[^:]*\.[ch]pp' <<<"$out" | sort -u)"
fi
echo "clang_format: ${#files[@]} files formatted"
