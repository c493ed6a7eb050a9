# Sourced by the launch and test scripts: Open MPI's environment for this kind of machine. Never set in C++.
#  - as root Open MPI refuses to start without both variables;
#  - tests run more ranks than the machine's cores (oversubscription);
#  - ob1 skips probing for PSM/OFI fabrics, halving MPI_Init time here.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}
# mpirun's own banner after a non-zero exit ("Primary job terminated normally, but ...") would follow parbench's
# one-line error; quiet mode (mpirun -q) leaves just parbench's line.
export OMPI_MCA_orte_execute_quiet=${OMPI_MCA_orte_execute_quiet:-1}
# This machine kind has 2 cores, so anything beyond 2 ranks is oversubscribed. The per-rank timings are gathered
# after every run, when results have already reached rank 0; the linear gather then finds every message waiting,
# while the default tree needs intermediate ranks to be scheduled again to forward: 24 ranks on 2 cores cost
# 0.19–0.24 ms per empty static run with it, 0.7–0.86 ms without (bench/overhead.sh). On a real node, leave it out.
export OMPI_MCA_coll_tuned_use_dynamic_rules=${OMPI_MCA_coll_tuned_use_dynamic_rules:-1}
export OMPI_MCA_coll_tuned_gather_algorithm=${OMPI_MCA_coll_tuned_gather_algorithm:-1}
