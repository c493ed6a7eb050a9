#!/bin/sh
# jobs/task-prolog.sh — SLURM task prolog for PARBENCH_MPI_SHM_DIR (jobs/site.sh). Not run by hand.
#
# slurmstepd runs it before each task it starts (srun --task-prolog=...; mpirun passes the flag to the srun that
# starts its orted daemons, whose ranks inherit their environment), on that task's node. Lines "export NAME=VALUE"
# on stdout enter the task's environment; "print TEXT" goes to the task's output.
# It gives the ranks of each node their own directory for Open MPI's shared-memory segments,
# PARBENCH_MPI_SHM_DIR/<node name>: a must when several SLURM nodes run on one host and share its /dev/shm, where
# Open MPI's segment names (host name, job, local rank) would be the same on every one of those nodes.
[ -n "${PARBENCH_MPI_SHM_DIR:-}" ] || exit 0
node=${SLURMD_NODENAME:-$(hostname)}
dir=$PARBENCH_MPI_SHM_DIR/$node
if mkdir -p "$dir" 2>/dev/null; then
  echo "export OMPI_MCA_btl_vader_backing_directory=$dir"
else
  echo "print parbench-job: warning: cannot create $dir (PARBENCH_MPI_SHM_DIR); shared memory stays in /dev/shm"
fi
exit 0
