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
# This machine kind has 2 cores, so anything beyond 2 ranks is oversubscribed. Then Open MPI's tree collectives
# need several rounds of process scheduling each, linear ones a single round: 24 ranks on 2 cores cost 1.7 ms per
# empty run with the defaults and 0.95 ms with these (bench/overhead.sh). On a real node, leave these out.
export OMPI_MCA_coll_tuned_use_dynamic_rules=${OMPI_MCA_coll_tuned_use_dynamic_rules:-1}
for _c in barrier gather gatherv scatter scatterv allreduce; do
  _v=OMPI_MCA_coll_tuned_${_c}_algorithm
  export "$_v=${!_v:-1}"
done
unset _c _v
