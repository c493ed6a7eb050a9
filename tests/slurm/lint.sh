#!/bin/bash
# tests/slurm/lint.sh — `bash -n` and `shellcheck` (every severity) on every script in jobs/ and on this
# directory's scripts. Exits 1 on any finding, 77 (skipped) when shellcheck is not installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v shellcheck >/dev/null 2>&1 || { echo "lint: skipped: shellcheck not installed (apt-get install shellcheck)"; exit 77; }
cd "$root/jobs"   # where the scripts' source=site.sh / source=lib.sh directives resolve
scripts=(./*.sbatch ./*.sh "$root"/tests/slurm/*.sh)
status=0
for s in "${scripts[@]}"; do
  bash -n "$s" || { echo "lint: bash -n failed: $s"; status=1; }
done
shellcheck --shell=bash --severity=style --external-sources "${scripts[@]}" || status=1
[ "$status" -eq 0 ] && echo "lint: ${#scripts[@]} scripts clean (bash -n, shellcheck $(shellcheck --version | sed -n 's/^version: //p'))"
exit "$status"
