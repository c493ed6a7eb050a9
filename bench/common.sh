# shellcheck shell=bash
# Shared by bench/*.sh: build, Open MPI environment, a scratch directory, and running one study.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
tools/setup.sh >&2
source tools/mpi_env.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# bench_run NP CONFIG_TEXT NAME [mpirun flags...]: runs a study, prints nothing, leaves $scratch/NAME.h5.
bench_run() {
  local np=$1 text=$2 name=$3
  shift 3
  printf '%s\n' "$text" >"$scratch/$name.toml"
  mpirun -np "$np" "$@" build/parbench run "$scratch/$name.toml" -o "$scratch/$name.h5" -q >/dev/null
}
summarize() { /usr/bin/python3 bench/summarize.py "$scratch/$1.h5" "$2"; }
