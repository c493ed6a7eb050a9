// The floor under a gauss_fit study of a user's spectra (bench/inputs.sh): what MPI and HDF5 alone take for the
// same bytes. Rank 0 reads DATASET of FILE with one H5Dread; then the rows are scattered in two equal blocks with a
// raw MPI_Scatterv, once into fresh memory (first touch, as a run's first distribution) and then again (warm).
// Prints "read_s first_scatterv_s warm_scatterv_s" on rank 0. Without arguments it is an MPI hello: MPI_Init and
// MPI_Finalize only, the cost of any launch.
#include <hdf5.h>
#include <mpi.h>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc < 3) return MPI_Finalize();
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long long count[2] = {0, 0};  // rows, points
  std::vector<double> rows;
  double read_s = 0;
  if (rank == 0) {
    const double t = MPI_Wtime();
    const hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, argv[2], H5P_DEFAULT);
    const hid_t s = H5Dget_space(d);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(s, dims, nullptr);
    count[0] = static_cast<long long>(dims[0]);
    count[1] = static_cast<long long>(dims[1]);
    rows.resize(dims[0] * dims[1]);
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data());
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    read_s = MPI_Wtime() - t;
  }
  MPI_Bcast(count, 2, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  std::vector<int> counts(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    const long long first = count[0] * r / size, last = count[0] * (r + 1) / size;
    counts[static_cast<std::size_t>(r)] = static_cast<int>((last - first) * count[1]);
    displs[static_cast<std::size_t>(r)] = static_cast<int>(first * count[1]);
  }
  double times[2];
  for (double& t : times) {
    std::vector<double> mine(static_cast<std::size_t>(counts[static_cast<std::size_t>(rank)]));
    MPI_Barrier(MPI_COMM_WORLD);
    const double begin = MPI_Wtime();
    MPI_Scatterv(rows.data(), counts.data(), displs.data(), MPI_DOUBLE, mine.data(), counts[rank], MPI_DOUBLE, 0,
                 MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    t = MPI_Wtime() - begin;
  }
  if (rank == 0) std::printf("%.6f %.6f %.6f\n", read_s, times[0], times[1]);
  MPI_Finalize();
}
