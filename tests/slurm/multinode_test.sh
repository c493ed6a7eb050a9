#!/bin/bash
# tests/slurm/multinode_test.sh BINARY — the job scripts across NODES of a real SLURM cluster on this one machine.
#
# Starts munged, slurmctld and three slurmd (fake nodes n1, n2, n3 on localhost, 6 CPUs each; tests/slurm/cluster.sh)
# in a scratch directory, submits jobs/edison-multinode.sbatch with sbatch overrides that fit this machine, checks
# the logs and HDF5 files (check.py), and stops every daemon by its pid, also on failure.
#   1. where the ranks are: node_probe.cpp (plain MPI, no parbench) through the job script, by mpirun and by srun:
#      2 ranks on each node, block-wise, MPI_COMM_TYPE_SHARED groups = nodes, data crosses nodes
#   2. 3 nodes x 2 tasks, -p alt: ranks 2, 4, 6 on 1, 2, 3 nodes, node indices recorded; results bitwise equal to
#      a one-node job of the same config (3.); the same through srun --mpi=pmix (4.)
#   5. placement study: [study] nodes = [1, 2, 3] at 6 ranks in one allocation, report grouped by node count
#   6. rank 2 (node n2) fails: the job ends within 10 s naming rank and node, with exit code 4 (6a); with
#      PARBENCH_REQUEUE_ON_FAILURE=1 it requeues itself, resumes, and finishes with results bitwise equal to the
#      one-node job (6b)
#   7. weak scaling (work proportional to ranks) across the nodes, and its report
# Transport settings are jobs/site.sh's knobs: PARBENCH_MPI_IF=lo, PARBENCH_MPI_SHM_DIR=<scratch>/shm (each fake node
# its own shared-memory directory).
#
# Needs root; exits 77 (skipped) without root or the SLURM/munge packages. PARBENCH_KEEP_SCRATCH=1 keeps the
# scratch directory (kept anyway on failure). About 35 s on 2 cores (11 of them the requeue delay).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PATH=$PATH:/usr/sbin:/sbin
skip() { echo "multinode_test: skipped: $*"; exit 77; }

[ $# -eq 1 ] || { echo "usage: $0 PARBENCH_BINARY" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || skip "needs root (munged and slurmd run as root here)"
for c in munged slurmctld slurmd sbatch srun scontrol scancel squeue sinfo; do
  command -v "$c" >/dev/null 2>&1 || skip "$c not found (Debian: apt-get install munge slurmctld slurmd slurm-client)"
done
bin=$(readlink -f "$1")
[ -x "$bin" ] || { echo "multinode_test: FAIL: no parbench binary at $1" >&2; exit 1; }
for c in mpirun mpicxx; do command -v "$c" >/dev/null || { echo "multinode_test: FAIL: $c not found" >&2; exit 1; }; done
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "multinode_test: FAIL: /usr/bin/python3 has no h5py" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=cluster.sh
. "$here/cluster.sh"

t_start=$SECONDS
S=$(mktemp -d /tmp/parbench-mn.XXXXXX)   # short path: the munge socket path must fit in 108 bytes
log() { printf '[%3ds] %s\n' $((SECONDS - t_start)) "$*"; }
fail() {
  echo "multinode_test: FAIL: $*"
  for f in "$S"/submit/*.out "$S"/log/slurmctld.log "$S"/log/slurmd-n*.log; do
    [ -f "$f" ] && { echo "----- tail $f"; tail -n 25 "$f"; }
  done
  exit 1
}
keep_scratch=${PARBENCH_KEEP_SCRATCH:-0}

finish() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  cluster_stop
  log "daemons stopped (${CLUSTER_STOPPED_PIDS:-none})"
  if [ "$rc" -eq 0 ] && [ "$keep_scratch" != 1 ]; then rm -rf "$S"; else echo "multinode_test: scratch kept: $S"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# The jobs must see only this cluster and this test's settings.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM_|SBATCH_|SRUN_|SALLOC_|PARBENCH_|OMPI_MCA_)' || true)
cluster_start "$S" 3 6 || fail "cluster did not start"
log "SLURM up: 3 nodes n[1-3], 6 CPUs each, ports $(cluster_ports) ($S)"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1
# More ranks than this machine's 2 cores, which Open MPI cannot tell (SLURM grants 6 slots per node): waiting ranks
# must yield the core rather than spin.
export OMPI_MCA_mpi_yield_when_idle=1
export PARBENCH_BIN=$bin PARBENCH_OUT_DIR=$S/results PARBENCH_QUIET=0
# Transport on fake nodes (jobs/site.sh): loopback between them, a shared-memory directory per node.
export PARBENCH_MPI_IF=lo PARBENCH_MPI_SHM_DIR=$S/shm
# Ranks fill the nodes in order (--map-by core, site.sh's default) but are NOT pinned: each fake node would pin its
# ranks to the same two real cores, several per core, and ranks pinned behind a waiting neighbour make a 2-second
# job take 30 s or more (measured with 6 ranks per node). A real node uses site.sh's default, --bind-to core.
export PARBENCH_MPIRUN_FLAGS="--map-by core --bind-to none"
mkdir -p "$S/submit" "$S/results"
cd "$S/submit"   # job logs (parbench-multinode-<id>.out) land here

check() { /usr/bin/python3 "$here/check.py" "$@"; }
# check_strict ARGS...: check.py, every check must pass.
check_strict() { check "$@" || fail "check $*"; }

# job_wait JOB [TIMEOUT_S]: polls until the job has finished for good (a requeued job is waited for until its last
# attempt ends). Sets JOB_STATE, JOB_EXIT and JOB_RESTARTS.
job_wait() {
  local job=$1 limit=${2:-180} line st t0=$SECONDS
  while :; do
    line=$(scontrol -o show job "$job" 2>/dev/null) || fail "job $job vanished from slurmctld"
    st=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$line")
    JOB_RESTARTS=$(sed -n 's/.* Restarts=\([0-9]*\).*/\1/p' <<<"$line")
    case $st in
      PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_FED|REQUEUE_HOLD|RESIZING) ;;
      *) JOB_STATE=$st
         JOB_EXIT=$(sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' <<<"$line")
         return 0 ;;
    esac
    [ $(( SECONDS - t0 )) -lt "$limit" ] || fail "job $job not finished after $limit s (state $st)"
    sleep 0.25
  done
}
# submit [sbatch options] SCRIPT: sbatch, sets JOB.
submit() { JOB=$(sbatch --parsable "$@") || fail "sbatch $*"; JOB=${JOB%%;*}; }
mn=$repo/jobs/edison-multinode.sbatch
joblog() { printf '%s\n' "$S/submit/parbench-multinode-$1.out"; }

# --- 1. Where the ranks are, by MPI itself (no parbench): the probe in place of the binary -------------------
mpicxx -O2 -o "$S/node_probe" "$here/node_probe.cpp" || fail "mpicxx node_probe.cpp"
for launcher in mpirun srun; do
  t=$SECONDS
  PARBENCH_BIN=$S/node_probe PARBENCH_LAUNCHER=$launcher submit --nodes=3 --ntasks-per-node=2 "$mn"
  job_wait "$JOB"
  [ "$JOB_STATE" = COMPLETED ] || fail "probe job $JOB ($launcher): $JOB_STATE exit $JOB_EXIT"
  log "probe via $launcher: job $JOB in $((SECONDS - t)) s"
  check_strict probe "$(joblog "$JOB")" 3 2 "$S/shm"
done

# --- 2. 3 nodes x 2 tasks (the script's 24 per node overridden), partition alt: ranks 2, 4, 6 ---------------------
t=$SECONDS
PARBENCH_CONFIG=$here/multinode.toml submit --nodes=3 --ntasks-per-node=2 -p alt "$mn"
job_wait "$JOB"
[ "$JOB_STATE" = COMPLETED ] || fail "edison-multinode.sbatch -N 3: job $JOB $JOB_STATE exit $JOB_EXIT"
three=$JOB
grep -q 'run .*--ranks 2,4,6' "$(joblog "$JOB")" || fail "job $JOB did not sweep --ranks 2,4,6"
grep -q 'partition alt' "$(joblog "$JOB")" || fail "job $JOB did not run in partition alt (-p alt)"
grep -q 'tasks per node 2(x3)' "$(joblog "$JOB")" || fail "job $JOB: not 2 tasks on each of 3 nodes"
log "edison-multinode.sbatch --nodes=3 --ntasks-per-node=2 -p alt: job $JOB in $((SECONDS - t)) s"
check_strict multinode3 "$S/results/multinode-$JOB.h5" "$JOB" 2

# --- 3. The same config on one node (6 ranks): the reference for bitwise-identical results ------------------------
t=$SECONDS
PARBENCH_CONFIG=$here/multinode.toml submit --nodes=1 --ntasks-per-node=6 "$mn"
job_wait "$JOB"
[ "$JOB_STATE" = COMPLETED ] || fail "edison-multinode.sbatch -N 1: job $JOB $JOB_STATE exit $JOB_EXIT"
one=$JOB
log "edison-multinode.sbatch --nodes=1 --ntasks-per-node=6: job $JOB in $((SECONDS - t)) s"
check_strict onenode "$S/results/multinode-$JOB.h5" "$JOB" 6
check_strict identical "$S/results/multinode-$three.h5" "$S/results/multinode-$one.h5"

# --- 4. Launched by srun --mpi=pmix across the nodes (TmpFS=<dir>/%n gives each node its own PMIx client dir) ----
t=$SECONDS
PARBENCH_CONFIG=$here/multinode.toml PARBENCH_LAUNCHER=srun submit --nodes=3 --ntasks-per-node=2 "$mn"
job_wait "$JOB"
[ "$JOB_STATE" = COMPLETED ] || fail "edison-multinode.sbatch via srun: job $JOB $JOB_STATE exit $JOB_EXIT"
grep -q 'srun --ntasks=6' "$(joblog "$JOB")" || fail "job $JOB did not launch with srun"
log "edison-multinode.sbatch via srun --mpi=pmix, 3 nodes: job $JOB in $((SECONDS - t)) s"
check_strict multinode3 "$S/results/multinode-$JOB.h5" "$JOB" 2
check_strict identical "$S/results/multinode-$JOB.h5" "$S/results/multinode-$one.h5"

# --- 5. Placement study: 6 ranks on 1, 2 and 3 nodes in one allocation of 3 x 6 tasks ----------------------
t=$SECONDS
PARBENCH_CONFIG=$here/placement.toml submit --nodes=3 --ntasks-per-node=6 "$mn"
job_wait "$JOB"
if [ "$JOB_STATE" != COMPLETED ]; then
  fail "placement study job $JOB: $JOB_STATE exit $JOB_EXIT ($(grep -m1 -i 'error' "$(joblog "$JOB")" || true))"
else
  grep -q 'placement study' "$(joblog "$JOB")" || fail "job $JOB: the script did not keep the placement config's ranks"
  log "placement study (6 ranks on 1, 2, 3 nodes): job $JOB in $((SECONDS - t)) s"
  check_strict placement "$S/results/placement-$JOB.h5" "$JOB" 6 "1 2 3"
  check_strict identical "$S/results/placement-$JOB.h5" "$S/results/placement-$JOB.h5"
  rc=0
  "$bin" report "$S/results/placement-$JOB.h5" -o "$S/results/placement-$JOB-report" >"$S/placement-report.log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { cat "$S/placement-report.log"; fail "parbench report of the placement study: exit $rc"; }
  check_strict placement_report "$S/results/placement-$JOB-report" "1 2 3"
fi

# --- 6. A rank on node n2 fails: the job ends fast; requeued, it resumes and finishes ------------------------------
# Plan run 8 of multinode.toml (monte_carlo_pi, rep 0, 6 ranks on 3 nodes): world rank 2, the first on n2, throws at
# task 8 (PARBENCH_FAULT=RANK:RUN:TASK). Runs 0-7 are in the file by then.
# fault_ends JOB: waits for the job's "error: rank 2" line, then for the job (or its attempt) to leave RUNNING;
# fails unless that takes at most 10 s. Sets FAULT_S (seconds from the error line to the end) and FAULT_STATE.
fault_ends() {
  local job=$1 flog t_err='' t_end='' st=
  flog=$(joblog "$job")
  for _ in $(seq 480); do
    grep -q '^error: rank 2' "$flog" 2>/dev/null && { t_err=$SECONDS; break; }
    sleep 0.25
  done
  [ -n "$t_err" ] || fail "job $job: no 'error: rank 2' line within 120 s"
  while [ $((SECONDS - t_err)) -le 30 ]; do
    st=$(scontrol -o show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    [ "$st" != RUNNING ] && [ "$st" != CONFIGURING ] && { t_end=$SECONDS; break; }
    sleep 0.25
  done
  [ -n "$t_end" ] || fail "job $job still running 30 s after rank 2 failed"
  FAULT_S=$((t_end - t_err)) FAULT_STATE=$st
  [ "$FAULT_S" -le 10 ] || fail "job $job took $FAULT_S s to end after rank 2 failed (limit 10 s)"
  grep -q '^error: rank 2 .*failed: injected fault' "$flog" || fail "job $job: no 'error: rank 2 ... failed: injected fault'"
  grep -q 'parbench exited with 4' "$flog" || fail "job $job: parbench did not exit with 4 (a rank failed)"
  grep -q '^error: rank 2 (node n2) failed: injected fault' "$flog" ||
    fail "job $job: the failure names its node: $(grep -m1 '^error: rank' "$flog")"
}

# 6a. The default (PARBENCH_REQUEUE_ON_FAILURE=0): the job fails with exit code 4 and says how to continue.
t=$SECONDS
PARBENCH_CONFIG=$here/multinode.toml PARBENCH_FAULT=2:8:8 submit --nodes=3 --ntasks-per-node=2 "$mn"
fault_ends "$JOB"
job_wait "$JOB"
if [ "$JOB_STATE" != FAILED ] || [ "$JOB_EXIT" != 4 ]; then
  fail "failed job $JOB: $JOB_STATE exit $JOB_EXIT, expected FAILED, exit 4"
fi
grep -q 'once the cause is fixed, continue with: .*PARBENCH_OUT=' "$(joblog "$JOB")" || fail "job $JOB: no resubmit hint"
log "fault: rank 2 (n2) failed, job $JOB ended $FAULT_S s later: $JOB_STATE, exit $JOB_EXIT ($((SECONDS - t)) s)"
check_strict resumed_plan "$S/results/multinode-$JOB.h5" 8 8

# 6b. PARBENCH_REQUEUE_ON_FAILURE=1: the script requeues the job, whose restart (SLURM_RESTART_COUNT=1) drops the
#     test fault, resumes the file and finishes it.
t=$SECONDS
PARBENCH_CONFIG=$here/multinode.toml PARBENCH_FAULT=2:8:8 PARBENCH_REQUEUE_ON_FAILURE=1 \
  submit --nodes=3 --ntasks-per-node=2 "$mn"
fault=$JOB
flog=$(joblog "$JOB")
fault_ends "$JOB"
log "fault: rank 2 (n2) failed, job $JOB's first attempt ended $FAULT_S s later (state $FAULT_STATE)"
grep -q "requeued job $JOB (restart 1)" "$flog" || fail "job $JOB did not requeue itself after the failure"
job_wait "$JOB" 120
[ "$JOB_STATE" = COMPLETED ] || fail "requeued job $JOB: $JOB_STATE exit $JOB_EXIT"
[ "$JOB_RESTARTS" = 1 ] || fail "job $JOB restarted $JOB_RESTARTS times, expected 1"
grep -q 'restart 1: not injecting the test fault' "$flog" || fail "job $JOB: the restart injected the fault again"
log "fault: job $JOB requeued, resumed and finished; $((SECONDS - t)) s in all"
check_strict resumed_plan "$S/results/multinode-$fault.h5" 12 8
check_strict identical "$S/results/multinode-$fault.h5" "$S/results/multinode-$one.h5"

# --- 7. Weak scaling across nodes (Gustafson): work grows with ranks 2, 4, 6; the report ---------------------------
t=$SECONDS
PARBENCH_CONFIG=$here/weak.toml submit --nodes=3 --ntasks-per-node=2 "$mn"
job_wait "$JOB"
[ "$JOB_STATE" = COMPLETED ] || fail "weak scaling on 3 nodes: job $JOB $JOB_STATE exit $JOB_EXIT"
log "weak scaling on 3 nodes: job $JOB in $((SECONDS - t)) s"
check_strict weak3 "$S/results/weak-$JOB.h5" "$JOB" 2
rc=0
"$bin" report "$S/results/weak-$JOB.h5" -o "$S/results/weak-$JOB-report" >"$S/weak-report.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$S/weak-report.log"; fail "parbench report of the weak study: exit $rc"; }
[ -s "$S/results/weak-$JOB-report/summary.csv" ] || fail "no weak-scaling report"
log "  ok: weak-scaling report written (summary.csv)"

log "all multi-node SLURM checks passed"
