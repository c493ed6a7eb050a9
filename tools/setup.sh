#!/usr/bin/env bash
# Set-up shared by ./run.sh and ./test.sh: installs missing Debian packages (as root), then configures and builds
# into build/. Quick when nothing changed: no apt call when every package is present, an incremental build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  g++ cmake make git pkg-config
  openmpi-bin libopenmpi-dev libboost-mpi-dev libboost-serialization-dev
  libhdf5-dev hdf5-tools libtomlplusplus-dev libcli11-dev librandom123-dev nlohmann-json3-dev libxxhash-dev
  libgtest-dev libbenchmark-dev
  python3-h5py python3-numpy python3-scipy python3-matplotlib python3-pandas python3-pytest
  slurmctld slurmd slurm-client munge shellcheck clang clang-format libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${PARBENCH_BUILD_DIR:-build}
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- ' || true
test -x "$build_dir/parbench" || { echo "error: build failed: $build_dir/parbench missing" >&2; exit 1; }
