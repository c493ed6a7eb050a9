# shellcheck shell=bash
# jobs/lib.sh — what every script in jobs/ shares: output names, the launch, signals, requeue and resume.
# Nothing here is site-specific (that is site.sh). Sourced after site.sh, with PARBENCH_HOME set.
#
# Environment read here (all optional):
#   PARBENCH_CONFIG    study config (each script has its own default)
#   PARBENCH_OUT       the HDF5 file to write; default $PARBENCH_OUT_DIR/<config name>-<job id>.h5
#   PARBENCH_RANKS     rank counts to sweep instead of the config's [study] ranks, e.g. "24 48"
#   PARBENCH_REQUEUE   1 (default): when stopped by the time-limit warning, requeue the job, which continues
#                      with --resume; 0: print the resubmit command instead; dry: say what would be done
#   PARBENCH_MAX_REQUEUES  give up requeueing after this many restarts (default 5)
#   PARBENCH_REQUEUE_ON_FAILURE  1: also requeue (same id, same file, --resume) a job whose launch FAILED, e.g. a rank
#                      or a node died (any exit but 0, 2 = bad input, 3 = stopped); default 0: it just fails
#   PARBENCH_FAULT     test-only fault injection read by parbench (RANK:RUN:TASK); a requeued job (restart >= 1)
#                      drops it, so an injected fault is a failure of the first attempt only
#   PARBENCH_QUIET     1: pass --quiet (no per-run progress lines in the job log)

PB_EXIT_INTERRUPTED=3   # parbench's exit code when SIGUSR1/SIGTERM stopped it (finished runs are in the file)
PB_EXIT_USER_ERROR=2    # bad config or arguments: the same launch would fail again, so never requeued

pb_log() { printf 'parbench-job: %s\n' "$*" >&2; }
pb_die() { printf 'parbench-job: error: %s\n' "$*" >&2; exit 2; }

# Checks the binary before anything is launched: a typo should cost seconds, not a queue wait and 24 error lines.
pb_require_bin() {
  [ -x "$PARBENCH_BIN" ] || pb_die "no parbench binary at $PARBENCH_BIN (build it, or set PARBENCH_BIN)"
}

# The config's file name without directory and .toml: names the output files.
pb_config_name() {
  local base
  base=$(basename "$1")
  printf '%s\n' "${base%.toml}"
}

# pb_study_key CONFIG KEY: the value of KEY in the config's [study] table as written (first line only), or nothing.
# Enough to see whether a key is there (e.g. `nodes`, which makes a placement study); parbench parses the TOML.
pb_study_key() {
  awk -v key="$2" '
    /^[[:space:]]*\[/ { in_study = ($0 ~ /^[[:space:]]*\[[[:space:]]*study[[:space:]]*\][[:space:]]*(#.*)?$/); next }
    in_study && $0 ~ ("^[[:space:]]*\"?" key "\"?[[:space:]]*=") {
      sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]*#.*$/, ""); print; exit
    }' "$1"
}

# pb_output TAG: the output file (PARBENCH_OUT, or $PARBENCH_OUT_DIR/<config name>-TAG.h5); makes its directory.
pb_output() {
  local out=${PARBENCH_OUT:-$PARBENCH_OUT_DIR/$(pb_config_name "$PARBENCH_CONFIG")-$1.h5}
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$out"
}

# pb_set_ranks "R1 R2 ...": rank counts to sweep instead of the config's [study] ranks, passed to parbench as
# `run --ranks` (parbench runs every rank count inside one launch and refuses counts above the launch size, so a job
# array element or a multi-node job of another size needs its own list). parbench records the override in the
# file's config text, and the same list on a restart lets --resume recognise its runs.
pb_set_ranks() {
  PB_RANKS=$(printf '%s\n' "$1" | tr -s ', ' '\n' | grep -v '^$' | paste -sd, -)
  [[ $PB_RANKS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || pb_die "bad rank list: '$1'"
  pb_log "ranks $PB_RANKS for this launch (parbench run --ranks)"
}

# pb_transport: turns site.sh's transport knobs (PARBENCH_MPI_IF, PARBENCH_MPI_BTL, PARBENCH_MPI_SHM_DIR) into
# Open MPI's environment, which mpirun forwards to every rank and srun's tasks inherit, and into launcher flags
# (PB_TRANSPORT_MPIRUN, PB_TRANSPORT_SRUN). All empty by default: Open MPI decides.
pb_transport() {
  PB_TRANSPORT_MPIRUN=()
  PB_TRANSPORT_SRUN=()
  if [ -n "${PARBENCH_MPI_IF:-}" ]; then
    export OMPI_MCA_btl_tcp_if_include=$PARBENCH_MPI_IF OMPI_MCA_oob_tcp_if_include=$PARBENCH_MPI_IF
    pb_log "transport: TCP and Open MPI's control channel on interface(s) $PARBENCH_MPI_IF (PARBENCH_MPI_IF)"
  fi
  if [ -n "${PARBENCH_MPI_BTL:-}" ]; then
    export OMPI_MCA_btl=$PARBENCH_MPI_BTL
    pb_log "transport: Open MPI btl $PARBENCH_MPI_BTL (PARBENCH_MPI_BTL)"
  fi
  if [ -n "${PARBENCH_MPI_SHM_DIR:-}" ]; then
    # The task prolog runs in every task SLURM starts: srun's ranks, or the orted daemons through which mpirun starts
    # its ranks (plm_slurm_args: extra arguments of mpirun's own srun). Each sets the shared-memory directory of its
    # node from SLURMD_NODENAME. Ranks that mpirun starts itself, on its own node, keep /dev/shm: one node only.
    local prolog=$PARBENCH_HOME/jobs/task-prolog.sh
    case $prolog in *[[:space:]]*) pb_die "PARBENCH_MPI_SHM_DIR needs a checkout path without blanks: $prolog" ;; esac
    [ -x "$prolog" ] || pb_die "$prolog is not executable"
    export PARBENCH_MPI_SHM_DIR
    PB_TRANSPORT_MPIRUN=(--mca plm_slurm_args "--task-prolog=$prolog")
    PB_TRANSPORT_SRUN=("--task-prolog=$prolog")
    pb_log "transport: shared memory in $PARBENCH_MPI_SHM_DIR/<node name> (PARBENCH_MPI_SHM_DIR)"
  fi
}

# pb_launch NP CONFIG OUT: starts parbench on NP ranks with the site's launcher, always with --resume (a requeued
# or resubmitted job continues where it stopped). Runs it in the background so this shell can take signals:
# USR1 (sbatch --signal=B:USR1@T, sent T seconds before the time limit), TERM (scancel, the limit itself) and
# INT (Ctrl-C) are all passed on as USR1, which parbench answers by stopping after the run in progress (or
# checkpointing it) and exiting 3. Returns parbench's exit code; PB_SIGNAL says which signal arrived, if any.
pb_launch() {
  local np=$1 config=$2 out=$3 rc flags=()
  PB_SIGNAL=
  if [ -n "${PARBENCH_FAULT:-}" ] && [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then
    pb_log "restart ${SLURM_RESTART_COUNT}: not injecting the test fault PARBENCH_FAULT=$PARBENCH_FAULT again"
    unset PARBENCH_FAULT
  fi
  pb_transport
  case $PARBENCH_LAUNCHER in
    mpirun) read -r -a flags <<<"$PARBENCH_MPIRUN_FLAGS"
            PB_CMD=("$PARBENCH_MPIRUN" -np "$np" "${flags[@]}" "${PB_TRANSPORT_MPIRUN[@]}") ;;
    srun)   read -r -a flags <<<"$PARBENCH_SRUN_FLAGS"
            PB_CMD=(srun --ntasks="$np" "${flags[@]}" "${PB_TRANSPORT_SRUN[@]}") ;;
    *)      pb_die "PARBENCH_LAUNCHER must be mpirun or srun, got '$PARBENCH_LAUNCHER'" ;;
  esac
  PB_CMD+=("$PARBENCH_BIN" run "$config" -o "$out" --resume)
  [ -n "${PB_RANKS:-}" ] && PB_CMD+=(--ranks "$PB_RANKS")
  [ "${PARBENCH_QUIET:-0}" = 1 ] && PB_CMD+=(--quiet)
  pb_log "$(date -u +%FT%TZ) on $(hostname): ${PB_CMD[*]}"
  trap 'pb_forward USR1' USR1
  trap 'pb_forward TERM' TERM
  trap 'pb_forward INT' INT
  # Outside SLURM (workstation.sh) the launcher gets its own session, so a Ctrl-C at the terminal reaches only this
  # script, which turns it into a graceful USR1; mpirun itself would abort the job on SIGINT.
  if [ "${PB_NEW_SESSION:-0}" = 1 ] && command -v setsid >/dev/null 2>&1; then
    setsid "${PB_CMD[@]}" &
  else
    "${PB_CMD[@]}" &
  fi
  PB_CHILD=$!
  while :; do
    rc=0
    wait "$PB_CHILD" || rc=$?
    # wait returns >128 when a trapped signal interrupted it; the launcher may still be running.
    if [ "$rc" -gt 128 ] && kill -0 "$PB_CHILD" 2>/dev/null; then continue; fi
    break
  done
  trap - USR1 TERM INT
  pb_log "$(date -u +%FT%TZ): parbench exited with $rc"
  return "$rc"
}

pb_forward() {
  PB_SIGNAL=$1
  pb_log "$(date -u +%FT%TZ): got SIG$1; asking parbench to stop after the run in progress (SIGUSR1)"
  if [ -n "${PB_CHILD:-}" ]; then kill -USR1 "$PB_CHILD" 2>/dev/null || true; fi
}

# pb_finish RC OUT RESUBMIT: ends the script. RC 3 (stopped by a signal): under SLURM, after the time-limit
# warning, requeue the job (same job id, same output file, --resume continues); otherwise, or when requeueing is
# off or fails, print how to continue by hand. Any other failure (a rank or node died): requeue only with
# PARBENCH_REQUEUE_ON_FAILURE=1, else print how to continue. RESUBMIT is the command that resubmits this script.
pb_finish() {
  local rc=$1 out=$2 resubmit=$3
  if [ "$rc" -eq 0 ]; then
    pb_log "done: $out"
    exit 0
  fi
  if [ "$rc" -ne "$PB_EXIT_INTERRUPTED" ]; then
    if [ "$rc" -eq "$PB_EXIT_USER_ERROR" ] || [ ! -f "$out" ]; then exit "$rc"; fi
    pb_log "failed (exit $rc); every run finished before the failure is in $out"
    if [ -n "${SLURM_JOB_ID:-}" ] && [ -z "${PB_SIGNAL:-}" ] && [ "${PARBENCH_REQUEUE_ON_FAILURE:-0}" = 1 ]; then
      pb_requeue "$out" && exit "$rc"
    fi
    pb_log "once the cause is fixed, continue with: PARBENCH_CONFIG=$PARBENCH_CONFIG PARBENCH_OUT=$out $resubmit"
    exit "$rc"
  fi
  pb_log "stopped early; every finished run is in $out"
  if [ -n "${SLURM_JOB_ID:-}" ] && [ "${PB_SIGNAL:-}" != TERM ] && [ "${PB_SIGNAL:-}" != INT ]; then
    case ${PARBENCH_REQUEUE:-1} in
      dry)
        pb_log "dry run (PARBENCH_REQUEUE=dry): would run: scontrol requeue $SLURM_JOB_ID"
        exit "$rc" ;;
      0) ;;
      *) pb_requeue "$out" && exit "$rc" ;;
    esac
  fi
  pb_log "continue with: PARBENCH_CONFIG=$PARBENCH_CONFIG PARBENCH_OUT=$out $resubmit"
  exit "$rc"
}

# pb_requeue OUT: scontrol requeue of this job, at most PARBENCH_MAX_REQUEUES times (SLURM_RESTART_COUNT counts the
# restarts). The job keeps its id, so the restarted script finds OUT again and continues it with --resume.
# Returns 0 when the job was requeued.
pb_requeue() {
  local restarts=${SLURM_RESTART_COUNT:-0}
  if [ "$restarts" -ge "${PARBENCH_MAX_REQUEUES:-5}" ]; then
    pb_log "already restarted $restarts times (PARBENCH_MAX_REQUEUES); not requeueing again"
    return 1
  fi
  if scontrol requeue "$SLURM_JOB_ID"; then
    pb_log "requeued job $SLURM_JOB_ID (restart $((restarts + 1))); it continues with --resume into $1"
    return 0
  fi
  pb_log "scontrol requeue $SLURM_JOB_ID failed"
  return 1
}

# pb_setup DEFAULT_CONFIG: the checks at the top of every script. PARBENCH_CONFIG becomes an absolute path (a
# relative one is looked up in the current directory, then in the checkout).
pb_setup() {
  local c=${PARBENCH_CONFIG:-$1}
  case $c in /*) ;; *) [ -f "$c" ] || c=$PARBENCH_HOME/$c ;; esac
  [ -f "$c" ] || pb_die "no such config: ${PARBENCH_CONFIG:-$1} (set PARBENCH_CONFIG)"
  PARBENCH_CONFIG=$(cd "$(dirname "$c")" && pwd)/$(basename "$c")
  pb_require_bin
}

# pb_allocation_job DEFAULT_CONFIG SCRIPT [RANKS]: the body of the one-launch jobs. Starts parbench once on every
# task of the allocation ($SLURM_NTASKS) and lets it sweep the config's rank counts inside that launch: one
# allocation, one complete curve. RANKS (or PARBENCH_RANKS, which wins) replaces the config's rank list.
# The output is named after the job id, so a requeued job (same id) continues the same file.
pb_allocation_job() {
  local script=$2 ranks=${PARBENCH_RANKS:-${3:-}} out config np
  [ -n "${SLURM_JOB_ID:-}" ] || pb_die "not inside a SLURM job: submit with sbatch $script (or use jobs/workstation.sh)"
  pb_setup "$1"
  np=${SLURM_NTASKS:?SLURM_NTASKS is not set: give the job --ntasks or --ntasks-per-node}
  out=$(pb_output "$SLURM_JOB_ID")
  config=$PARBENCH_CONFIG
  [ -n "$ranks" ] && pb_set_ranks "$ranks"
  pb_log "job $SLURM_JOB_ID (partition ${SLURM_JOB_PARTITION:-?}, restart ${SLURM_RESTART_COUNT:-0}): $np ranks on ${SLURM_JOB_NUM_NODES:-1} node(s) [${SLURM_JOB_NODELIST:-}], tasks per node ${SLURM_TASKS_PER_NODE:-?}"
  pb_log "config $config -> $out"
  local rc=0
  pb_launch "$np" "$config" "$out" || rc=$?
  pb_finish "$rc" "$out" "sbatch $script"
}
