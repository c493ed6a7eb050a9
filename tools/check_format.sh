#!/usr/bin/env bash
# Checks that every C++ file follows .clang-format (run by ./test.sh). Fix with:
#   clang-format -i $(git ls-files '*.cpp' '*.hpp')
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find src tests bench -name '*.[ch]pp')
clang-format --dry-run --Werror "${files[@]}"
echo "check_format: ${#files[@]} C++ files follow .clang-format"
