# shellcheck shell=bash
# jobs/site.sh — the ONE file a site edits: modules, MPI launcher, core binding, where the binary is.
#
# Every script in jobs/ sources this file first (after finding the checkout, $PARBENCH_HOME). Each setting
# below is a default: a value already in the environment wins, so a single submission can override it, e.g.
#     PARBENCH_LAUNCHER=srun sbatch jobs/edison-strong.sbatch
# Account, partition/QOS and time limit are NOT set here: pass them to sbatch (sbatch -A ACCOUNT -p PARTITION
# -t HH:MM:SS ...), which overrides the #SBATCH lines of every script.

# --- 1. Modules and environment -------------------------------------------------------------------------------
# Load what parbench was built with (same compiler, MPI, HDF5 and Boost as at build time). Examples:
#   Cray (Edison-era):  module swap PrgEnv-intel PrgEnv-gnu; module load cray-hdf5 boost cmake
#   generic cluster:    module load gcc/12 openmpi/4.1 hdf5/1.10 boost/1.74
# `module` is a shell function that batch shells may not have; it is used only when PARBENCH_MODULES is set.
: "${PARBENCH_MODULES:=}"
if [ -n "$PARBENCH_MODULES" ]; then
  if ! command -v module >/dev/null 2>&1 && [ -f /etc/profile.d/modules.sh ]; then
    # shellcheck source=/dev/null
    . /etc/profile.d/modules.sh
  fi
  # shellcheck disable=SC2086  # a list of module names, split on purpose
  module load $PARBENCH_MODULES
fi
# Site-wide environment lines go here, e.g.
#   export OMPI_MCA_btl=^openib
#   export HDF5_USE_FILE_LOCKING=FALSE   # file systems without POSIX locks (some Lustre/NFS mounts)

# --- 2. The parbench binary -----------------------------------------------------------------------------------
: "${PARBENCH_BIN:=$PARBENCH_HOME/build/parbench}"

# --- 3. How ranks are started and pinned ----------------------------------------------------------------------
# mpirun: Open MPI's mpirun inside an allocation takes its slots (hosts, tasks per node) from SLURM.
# srun:   Slurm starts the ranks itself; Open MPI needs --mpi=pmix, Cray MPICH needs no --mpi flag at all.
# One rank per core, pinned: the timings of a scaling study mean little if ranks wander between cores.
: "${PARBENCH_LAUNCHER:=mpirun}"                               # mpirun | srun
: "${PARBENCH_MPIRUN:=mpirun}"                                 # or a full path, or mpiexec
: "${PARBENCH_MPIRUN_FLAGS:=--bind-to core --map-by core}"     # add --report-bindings to see the pinning
: "${PARBENCH_SRUN_FLAGS:=--cpu-bind=cores --mpi=pmix}"        # Cray: --cpu-bind=cores

# --- 4. Where results go (each script names its file after the job id) ------------------------------------------
: "${PARBENCH_OUT_DIR:=${SLURM_SUBMIT_DIR:-$PWD}/results}"

# --- 5. Transport between ranks (Open MPI) ----------------------------------------------------------------------
# Empty (the defaults) leaves every choice to Open MPI, which is right on a real cluster: shared memory (vader)
# between ranks of one node, the fastest network between nodes. Set them only where that is wrong, e.g. on a
# test cluster whose "nodes" are several slurmd on one machine (tests/slurm/multinode_test.sh sets all three).
#   PARBENCH_MPI_IF       network interface(s) for Open MPI's TCP traffic between ranks AND its own control channel
#                         (btl_tcp_if_include, oob_tcp_if_include), e.g. "ib0" or "eth0,eth1"; "lo" on a one-machine
#                         test cluster. Empty: every interface that is up.
#   PARBENCH_MPI_BTL      Open MPI's transports (btl), e.g. "self,vader,tcp", or "self,tcp" for no shared memory
#                         at all. Empty: Open MPI's choice.
#   PARBENCH_MPI_SHM_DIR  a node-local directory: the ranks of each node keep their shared-memory segments in
#                         DIR/<node name> (btl_vader_backing_directory, set per node by jobs/task-prolog.sh, which
#                         the launch passes as srun --task-prolog). Needed when several SLURM nodes share one
#                         /dev/shm: Open MPI names its segments by host name and local rank, so ranks of different
#                         fake nodes on one host would open each other's segments (crash or hang). Empty: /dev/shm.
#                         (Under mpirun this sets Open MPI's plm_slurm_args; a site that sets it too must add
#                         --task-prolog=<checkout>/jobs/task-prolog.sh to its own value.)
# Open MPI settings of your own can go into the environment as OMPI_MCA_<name>=<value> (section 1).
: "${PARBENCH_MPI_IF:=}"
: "${PARBENCH_MPI_BTL:=}"
: "${PARBENCH_MPI_SHM_DIR:=}"
