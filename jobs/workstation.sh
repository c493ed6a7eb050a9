#!/bin/bash
# The same kind of study where there is no scheduler: parbench under `mpirun -np N` on this machine, the whole
# rank sweep of the config inside that one launch, then the report.
#
# Usage (from anywhere):  jobs/workstation.sh [N]
#   N        ranks to launch (default: PARBENCH_NP, else the number of physical cores); the config's
#            [study] ranks must all be <= N
# Examples:
#   jobs/workstation.sh                                              # configs/workstation.toml on every core
#   PARBENCH_CONFIG=configs/uneven.toml jobs/workstation.sh 2
#   PARBENCH_CONFIG=configs/edison-strong.toml jobs/workstation.sh 24    # more ranks than cores: oversubscribed
# Output: $PARBENCH_OUT_DIR/<config name>-<date-time>.h5 (results/ under the current directory) and, unless
# PARBENCH_REPORT=0, its report in <same name>-report/.
#
# Environment (all optional): PARBENCH_CONFIG, PARBENCH_OUT (the .h5 file; an existing file is continued with
# --resume), PARBENCH_OUT_DIR, PARBENCH_BIN, PARBENCH_NP, PARBENCH_RANKS, PARBENCH_REPORT, PARBENCH_HOME,
# PARBENCH_MPIRUN_FLAGS (default: pinned, --bind-to core --map-by core, when N fits the cores; else
# --oversubscribe --bind-to none), and jobs/site.sh (modules).
# Stopping: Ctrl-C (or kill -TERM / -USR1 this script) lets parbench finish or checkpoint the run in progress;
# every finished run is kept, and the script prints the command that continues the study.
# Running as root needs OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (Open MPI refuses otherwise).
user_flags=${PARBENCH_MPIRUN_FLAGS-}
set -euo pipefail
# Find the checkout: sbatch runs a copy of this script from its spool directory, so look at $0's directory, the
# path the job was submitted with (scontrol's Command=), then the submit directory; or set PARBENCH_HOME.
if [ -z "${PARBENCH_HOME:-}" ]; then
  for d in "$(dirname "$0")/.." \
           "$(dirname "$(scontrol show job -o "${SLURM_JOB_ID:-none}" 2>/dev/null | sed -n '/ Command=/{s/.* Command=\([^ ]*\).*/\1/p;q;}')")/.." \
           "${SLURM_SUBMIT_DIR:-.}"; do
    if [ -f "$d/jobs/lib.sh" ]; then PARBENCH_HOME=$(cd "$d" && pwd); break; fi
  done
fi
[ -f "${PARBENCH_HOME:-}/jobs/lib.sh" ] || { echo "parbench-job: error: cannot find the parbench checkout; set PARBENCH_HOME" >&2; exit 2; }
export PARBENCH_HOME
# shellcheck source=site.sh
. "$PARBENCH_HOME/jobs/site.sh"
# shellcheck source=lib.sh
. "$PARBENCH_HOME/jobs/lib.sh"

pb_setup configs/workstation.toml
PARBENCH_LAUNCHER=mpirun
cores=$(lscpu -p=CORE,SOCKET 2>/dev/null | grep -v '^#' | sort -u | wc -l)
[ "$cores" -gt 0 ] || cores=$(nproc)
np=${1:-${PARBENCH_NP:-$cores}}
[[ $np =~ ^[1-9][0-9]*$ ]] || pb_die "usage: jobs/workstation.sh [N], N a positive rank count, got '$np'"
if [ -z "$user_flags" ] && [ "$np" -gt "$cores" ]; then
  PARBENCH_MPIRUN_FLAGS="--oversubscribe --bind-to none"
  pb_log "$np ranks on $cores cores: oversubscribed, not pinned (timings beyond $cores ranks measure sharing)"
fi
out=$(pb_output "$(date +%Y%m%d-%H%M%S)")
config=$PARBENCH_CONFIG
if [ -n "${PARBENCH_RANKS:-}" ]; then pb_set_ranks "$PARBENCH_RANKS"; fi
pb_log "config $config -> $out"
rc=0
PB_NEW_SESSION=1 pb_launch "$np" "$config" "$out" || rc=$?
if [ "$rc" -eq 0 ] && [ "${PARBENCH_REPORT:-1}" != 0 ]; then
  "$PARBENCH_BIN" report "$out" -o "${out%.h5}-report" || rc=$?
fi
pb_finish "$rc" "$out" "jobs/workstation.sh $np"
