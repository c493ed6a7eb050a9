# shellcheck shell=bash
# tests/slurm/cluster.sh — a real multi-node SLURM on this one machine, for tests (sourced, not run).
#
# Debian's Slurm 22.05 runs several slurmd daemons on one host when each has its own name (slurmd -N nK), port,
# spool directory, pid file and log (%n in slurm.conf). cluster_start writes the configuration into a scratch
# directory and starts munged, slurmctld and one slurmd per node n1..nN, all as root, no systemd; cluster_stop
# stops exactly those daemons, by the pids they recorded, and waits for them to exit.
#
#   cluster_start DIR NODES CPUS   DIR: empty scratch directory (short path: the munge socket path must fit in 108
#                                  bytes); NODES fake nodes n1..nNODES, each declaring CPUS CPUs
#                                  (SlurmdParameters=config_overrides: more than the machine has is fine)
#   cluster_stop                   cancels every job, stops slurmd x N, slurmctld and munged; safe to call twice
#   cluster_ports                  (after start) "slurmctld port, slurmd ports"
# CLUSTER_STOPPED_PIDS (after cluster_stop): the pids it stopped.
#
# After cluster_start, SLURM_CONF points at the cluster, so sbatch/srun/squeue/scontrol talk to it (and only to
# it). Partitions: debug (default) and alt, both all nodes (to test sbatch -p).
#
# Differences from a real cluster, on purpose:
#   - every node has NodeHostname=localhost and NodeAddr=127.0.0.1 and its own slurmd port;
#   - TmpFS=DIR/pmix/%n: srun --mpi=pmix puts each step's PMIx client directory (spmix_appdir_<job>.<step>) under
#     TmpFS expanded with the node name, so each fake node has its own. mpi.conf's PMIxCliTmpDirBase, which the
#     single-node test uses, is one directory for every slurmd of the host: a step across fake nodes then fails
#     ("Cannot create client cli tmpdir ... File exists"), so it is not set here;
#   - mpi.conf PMIxCollFence=ring: with the plugin's default fence, about 1 srun launch in 12 across the fake nodes
#     (under CPU load) let ranks leave MPI_Init's fences while another rank was still in the first one; that rank
#     then got MPI traffic before Open MPI could take it and crashed (SIGSEGV in the TCP BTL, a NULL handler for
#     ob1's MATCH tag). Likely cause: the tree fence's broadcast goes through slurmd to a socket path built from
#     the sender's own spool directory (%n is substituted only for point-to-point sends). The ring fence sends
#     point to point only: 0 failures in 200 launches under the same load;
#   - AuthInfo cred_expire=10: a requeued job may start again after ~10 s instead of 120 s;
#   - MinJobAge=30: finished jobs stay visible to scontrol for 30 s (the tests poll it; sbatch --wait would poll
#     only every 8-10 s with that setting);
#   - batch_sched_delay=0, sched_interval=2, bf_interval=2: a submitted job starts at once, and a requeued job
#     as soon as cred_expire has passed (default: up to 60 s later, at the next scheduling pass);
#   - TaskPlugin=task/none (task/affinity cannot lay out tasks on CPUs the machine does not have).
# What makes the fake nodes work for Open MPI is not here but in jobs/site.sh's transport knobs, which the tests set:
# PARBENCH_MPI_IF=lo, and PARBENCH_MPI_SHM_DIR (one shared-memory directory per node: they share one /dev/shm).

CLUSTER_DIR=
CLUSTER_NODES=0
CLUSTER_PORT=

# A free block of NODES+1 ports, derived from our pid, in 7000-11999: below the single-node test's range
# (12000-29999) and the ephemeral range, so the two tests never pick the same ports.
_cluster_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
_cluster_pick_ports() {
  local n=$1 p i ok
  p=$((7000 + ($$ % 900) * 5))
  for _ in $(seq 100); do
    ok=1
    for ((i = 0; i <= n; i++)); do _cluster_port_free $((p + i)) || { ok=0; break; }; done
    [ "$ok" = 1 ] && { CLUSTER_PORT=$p; return 0; }
    p=$((p + n + 1)); [ "$p" -gt 11990 ] && p=7000
  done
  return 1
}

cluster_start() {
  local dir=$1 nodes=$2 cpus=$3 k state=
  CLUSTER_DIR=$dir
  CLUSTER_NODES=$nodes
  _cluster_pick_ports "$nodes" || { echo "cluster: no free block of $((nodes + 1)) ports in 7000-11999" >&2; return 1; }
  mkdir -p "$dir"/{etc,munge,state,spool,log,run,pmix}
  chmod 755 "$dir" "$dir/munge"   # munged: the socket directory needs o+x
  cat >"$dir/etc/slurm.conf" <<EOF
ClusterName=pbmulti
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
SlurmctldPort=$CLUSTER_PORT
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
TmpFS=$dir/pmix/%n
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
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=2
ReturnToService=2
EnforcePartLimits=ALL
MailProg=/bin/true
SlurmdParameters=config_overrides
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=30
NodeName=n[1-$nodes] NodeHostname=localhost NodeAddr=127.0.0.1 Port=[$((CLUSTER_PORT + 1))-$((CLUSTER_PORT + nodes))] CPUs=$cpus RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
PartitionName=alt Nodes=ALL Default=NO MaxTime=INFINITE State=UP
EOF
  echo "PMIxCollFence=ring" >"$dir/etc/mpi.conf"
  for ((k = 1; k <= nodes; k++)); do mkdir -p "$dir/spool/n$k" "$dir/pmix/n$k"; done

  export SLURM_CONF=$dir/etc/slurm.conf
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge/munge.key"
  munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" --log-file="$dir/munge/munged.log" \
         --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" ||
    { echo "cluster: munged did not start" >&2; return 1; }
  slurmctld -f "$SLURM_CONF" || { echo "cluster: slurmctld did not start" >&2; return 1; }
  for ((k = 1; k <= nodes; k++)); do
    slurmd -f "$SLURM_CONF" -N "n$k" || { echo "cluster: slurmd n$k did not start" >&2; return 1; }
  done
  for _ in $(seq 120); do
    state=$(sinfo -h -p debug -o %T 2>/dev/null | sort -u | paste -sd, -)
    [ "$state" = idle ] && [ "$(sinfo -h -p debug -o %D 2>/dev/null)" = "$nodes" ] && return 0
    sleep 0.25
  done
  echo "cluster: nodes not idle after 30 s: $(sinfo -h -N -o '%N %T' 2>/dev/null | paste -sd' ' -)" >&2
  return 1
}

cluster_ports() { echo "$CLUSTER_PORT, $((CLUSTER_PORT + 1))-$((CLUSTER_PORT + CLUSTER_NODES))"; }

# Stops only the daemons this cluster started (their pid files), TERM first, KILL after 10 s.
cluster_stop() {
  local dir=$CLUSTER_DIR p f k pids=()
  [ -n "$dir" ] || return 0
  if [ -s "$dir/run/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
    scancel --user=root >/dev/null 2>&1
    for _ in $(seq 40); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.25; done
  fi
  for ((k = 1; k <= CLUSTER_NODES; k++)); do
    f=$dir/run/slurmd-n$k.pid
    [ -s "$f" ] && p=$(cat "$f") && kill -TERM "$p" 2>/dev/null && pids+=("$p")
  done
  for f in "$dir/run/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -s "$f" ] && p=$(cat "$f") && kill -TERM "$p" 2>/dev/null && pids+=("$p")
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then echo "cluster: pid $p did not stop on TERM; killing it" >&2; kill -KILL "$p"; fi
  done
  # shellcheck disable=SC2034  # for the caller's log
  CLUSTER_STOPPED_PIDS="${pids[*]}"
  CLUSTER_DIR=
}
