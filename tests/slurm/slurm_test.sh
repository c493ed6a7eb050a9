#!/bin/bash
# tests/slurm/slurm_test.sh BINARY — the job scripts in jobs/ against a REAL single-node SLURM on localhost.
#
# Starts munged, slurmctld and slurmd (Debian's packages, no systemd) in a scratch directory, declaring 24 CPUs on
# this machine (SlurmdParameters=config_overrides), submits the job scripts with sbatch on tiny configs from this
# directory, checks the HDF5 files with /usr/bin/python3 + h5py (check.py), and stops the daemons by PID.
#   edison-strong.sbatch   (mpirun)   ranks 1 and 24 in one launch; job id, node list, tasks per node recorded
#   edison-weak.sbatch     (srun)     weak scaling: work grows with ranks
#   edison-multinode.sbatch           --nodes=1: the nodes sweep is [24]
#   sweep-array.sbatch + report.sbatch --dependency=afterok: every rank count merged into one file, report written
#   edison-strong.sbatch + USR1       stops early (exit 3), dry-run requeue, then a resubmission resumes the file
# Needs root (munged and slurmd run as root); without root or the SLURM/munge packages it prints one line and
# exits 77 (ctest: SKIP_RETURN_CODE 77). PARBENCH_KEEP_SCRATCH=1 keeps the scratch directory (it is kept anyway
# on failure). About a minute on 2 cores.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PATH=$PATH:/usr/sbin:/sbin
skip() { echo "slurm_test: skipped: $*"; exit 77; }

[ $# -eq 1 ] || { echo "usage: $0 PARBENCH_BINARY" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || skip "needs root (munged and slurmd run as root here)"
for c in munged slurmctld slurmd sbatch scontrol scancel squeue sinfo; do
  command -v "$c" >/dev/null 2>&1 || skip "$c not found (Debian: apt-get install munge slurmctld slurmd slurm-client)"
done
bin=$(readlink -f "$1")
[ -x "$bin" ] || { echo "slurm_test: FAIL: no parbench binary at $1" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "slurm_test: FAIL: mpirun not found" >&2; exit 1; }
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { echo "slurm_test: FAIL: /usr/bin/python3 has no h5py" >&2; exit 1; }

t_start=$SECONDS
keep_scratch=${PARBENCH_KEEP_SCRATCH:-0}
S=$(mktemp -d /tmp/parbench-slurm.XXXXXX)   # short path: the munge socket path must fit in 108 bytes
chmod 755 "$S"
log() { printf '[%3ds] %s\n' $((SECONDS - t_start)) "$*"; }
fail() {
  echo "slurm_test: FAIL: $*"
  for f in "$S"/submit/*.out "$S"/log/slurmctld.log "$S"/log/slurmd.log; do
    [ -f "$f" ] && { echo "----- tail $f"; tail -n 25 "$f"; }
  done
  exit 1
}

# --- daemons: always stopped by PID, whatever happens ----------------------------------------------------------
stop_daemons() {
  local rc=$? p f pids=()
  set +e
  trap - EXIT INT TERM
  if [ -s "$S/run/slurmctld.pid" ]; then
    scancel --user=root >/dev/null 2>&1
    for _ in $(seq 40); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.25; done
  fi
  for f in "$S/run/slurmd.pid" "$S/run/slurmctld.pid" "$S/munge/munged.pid"; do
    [ -s "$f" ] || continue
    p=$(cat "$f")
    kill -TERM "$p" 2>/dev/null && pids+=("$p")
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then echo "slurm_test: pid $p did not stop on TERM; killing it"; kill -KILL "$p"; fi
  done
  log "daemons stopped (${pids[*]:-none})"
  if [ "$rc" -eq 0 ] && [ "$keep_scratch" != 1 ]; then rm -rf "$S"; else echo "slurm_test: scratch kept: $S"; fi
  exit "$rc"
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

# Ports: an unusual pair derived from our PID, below the ephemeral range, checked free (another session may be
# running this test at the same time).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((12000 + ($$ % 9000) * 2))
for _ in $(seq 50); do
  port_free "$port" && port_free $((port + 1)) && break
  port=$((port + 2))
done

mkdir -p "$S"/{etc,munge,state,spool,log,run,pmix,submit,results}
chmod 755 "$S/munge"   # munged: the socket directory needs o+x
cat >"$S/etc/slurm.conf" <<EOF
ClusterName=pbtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.socket
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=pmix
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
EnforcePartLimits=ALL
MailProg=/bin/true
SlurmdParameters=config_overrides
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=4
NodeName=localhost NodeAddr=127.0.0.1 CPUs=24 RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
echo "PMIxCliTmpDirBase=$S/pmix" >"$S/etc/mpi.conf"   # the directory must exist, or srun "succeeds" running nothing

# The jobs must see only this cluster and this test's settings.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM_|SBATCH_|SRUN_|SALLOC_|PARBENCH_)' || true)
unset OMPI_MCA_rmaps_base_oversubscribe
export SLURM_CONF=$S/etc/slurm.conf
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1
export PARBENCH_BIN=$bin PARBENCH_OUT_DIR=$S/results PARBENCH_QUIET=0
# 24 ranks on this machine's few cores: pinning must be allowed to put several ranks on one core (on a real
# 24-core node the default, --bind-to core --map-by core, applies).
pinned_overloaded="--bind-to core:overload-allowed --map-by core"

dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$S/munge/munge.key"
munged --socket="$S/munge/munge.socket" --key-file="$S/munge/munge.key" --log-file="$S/munge/munged.log" \
       --pid-file="$S/munge/munged.pid" --seed-file="$S/munge/munged.seed" || fail "munged did not start"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start"
state=
for _ in $(seq 120); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.25
done
[ "$state" = idle ] || fail "node not idle after 30 s (state '$state')"
log "SLURM up on ports $port/$((port + 1)), node localhost idle with 24 CPUs ($S)"

cd "$S/submit"   # job logs (parbench-<name>-<id>.out) land here; the scripts find the checkout by themselves
check() { /usr/bin/python3 "$here/check.py" "$@" || fail "check $1 $2"; }
# submit_wait [sbatch options] SCRIPT: sbatch --wait; sets JOB and RC.
submit_wait() {
  local out
  RC=0
  out=$(sbatch --parsable --wait "$@") || RC=$?
  JOB=$(printf '%s\n' "$out" | head -n1)
  JOB=${JOB%%;*}
}

# 1. Strong scaling, mpirun, the whole sweep (1 and 24 ranks) in one launch of 24.
t=$SECONDS
PARBENCH_CONFIG=$here/strong.toml PARBENCH_MPIRUN_FLAGS=$pinned_overloaded \
  submit_wait "$repo/jobs/edison-strong.sbatch"
[ "$RC" -eq 0 ] || fail "edison-strong.sbatch: job $JOB exit $RC"
log "edison-strong.sbatch: job $JOB done in $((SECONDS - t)) s"
check strong "$S/results/strong-$JOB.h5" "$JOB"

# 2. Weak scaling through srun (pmix) instead of mpirun.
t=$SECONDS
PARBENCH_CONFIG=$here/weak.toml PARBENCH_LAUNCHER=srun submit_wait "$repo/jobs/edison-weak.sbatch"
[ "$RC" -eq 0 ] || fail "edison-weak.sbatch: job $JOB exit $RC"
grep -q 'srun --ntasks=24' "parbench-weak-$JOB.out" || fail "edison-weak.sbatch did not launch with srun"
log "edison-weak.sbatch (srun): job $JOB done in $((SECONDS - t)) s"
check weak "$S/results/weak-$JOB.h5" "$JOB"

# 3. Multi-node script on the one node there is: sweeps [24].
t=$SECONDS
PARBENCH_CONFIG=$here/array.toml PARBENCH_MPIRUN_FLAGS=$pinned_overloaded \
  submit_wait --nodes=1 "$repo/jobs/edison-multinode.sbatch"
[ "$RC" -eq 0 ] || fail "edison-multinode.sbatch: job $JOB exit $RC"
grep -q 'run .*--ranks 24' "parbench-multinode-$JOB.out" || fail "edison-multinode.sbatch did not pass --ranks 24"
log "edison-multinode.sbatch --nodes=1: job $JOB done in $((SECONDS - t)) s"
check multinode "$S/results/array-$JOB.h5" "$JOB"

# 4. Job array, one rank count per task, and the dependent merge + report.
t=$SECONDS
counts="1 2 4"
array=$(PARBENCH_CONFIG=$here/array.toml PARBENCH_ARRAY_RANKS=$counts PARBENCH_MPIRUN_FLAGS=$pinned_overloaded \
        sbatch --parsable --array=0-2 "$repo/jobs/sweep-array.sbatch") || fail "sbatch sweep-array.sbatch"
array=${array%%;*}
submit_wait --dependency=afterok:"$array" "$repo/jobs/report.sbatch" "$array"
[ "$RC" -eq 0 ] || fail "report.sbatch: job $JOB (after array $array) exit $RC"
log "sweep-array.sbatch ($array, 3 tasks) + report.sbatch ($JOB): done in $((SECONDS - t)) s"
check array "$S/results/array-$array.h5" "$counts"
[ -s "$S/results/array-$array-report/summary.csv" ] || fail "no report: $S/results/array-$array-report/summary.csv"
log "  ok: report written: array-$array-report/summary.csv"

# 5. Stop on USR1 (what --signal=B:USR1@120 sends before the time limit): finished runs kept, exit 3, requeue
#    only as a dry run; then a resubmission with PARBENCH_OUT continues the file (--resume).
t=$SECONDS
PARBENCH_CONFIG=$here/stop.toml PARBENCH_REQUEUE=dry sbatch --parsable --wait --ntasks-per-node=1 \
  "$repo/jobs/edison-strong.sbatch" >"$S/stop.id" &
waiter=$!
JOB=
for _ in $(seq 240); do
  [ -s "$S/stop.id" ] && JOB=$(head -n1 "$S/stop.id") && JOB=${JOB%%;*}
  [ -n "$JOB" ] && grep -q 'parbench: \[1/' "parbench-strong-$JOB.out" 2>/dev/null && break
  sleep 0.25
done
[ -n "$JOB" ] || fail "the stop job did not start"
grep -q 'parbench: \[1/' "parbench-strong-$JOB.out" || fail "job $JOB finished no run in 60 s"
scancel --batch --signal=USR1 "$JOB" || fail "scancel --batch --signal=USR1 $JOB"
RC=0
wait "$waiter" || RC=$?
[ "$RC" -eq 3 ] || fail "stopped job $JOB: exit $RC, expected 3"
grep -q "would run: scontrol requeue $JOB" "parbench-strong-$JOB.out" || fail "no dry-run requeue in the log"
log "USR1 -> job $JOB stopped with exit 3, dry-run requeue logged, in $((SECONDS - t)) s"
check stopped "$S/results/stop-$JOB.h5" 10
stopped_job=$JOB
t=$SECONDS
PARBENCH_CONFIG=$here/stop.toml PARBENCH_OUT=$S/results/stop-$stopped_job.h5 PARBENCH_REQUEUE=0 \
  submit_wait --ntasks-per-node=1 "$repo/jobs/edison-strong.sbatch"
[ "$RC" -eq 0 ] || fail "resubmitted job $JOB: exit $RC"
log "resubmitted as job $JOB with PARBENCH_OUT: done in $((SECONDS - t)) s"
check resumed "$S/results/stop-$stopped_job.h5" 10

log "all SLURM job checks passed"
