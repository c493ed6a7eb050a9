#!/usr/bin/env bash
# A gauss_fit study of a user's spectra (30,000 × 100 points, 24 MB of HDF5) at 2 ranks against its floor, measured
# side by side (not a timed test):
#   whole process  ≤ 1.3 × (MPI hello + the fits at the kernel's measured speed + reading the file once)
#   distribute_s   ≤ 3 × a raw MPI_Scatterv of the same bytes into fresh memory
# Whole-process times are medians of 7 launches; the fit cost per spectrum is bench/kernels_bench's BM_GaussFit.
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
cmake --build build --target parbench_input_baseline parbench_kernels_bench >&2
/usr/bin/python3 - "$scratch" <<'PY'
import json, subprocess, sys, time
import h5py, numpy as np

d = sys.argv[1]
rng = np.random.default_rng(1)
fits, points = 30000, 100
x = np.linspace(-5, 5, points)
a, mu, s = (rng.uniform(lo, hi, (fits, 1)) for lo, hi in ((0.5, 2), (-1, 1), (0.5, 1.5)))
with h5py.File(f"{d}/spectra.h5", "w") as f:
    f["y"] = a * np.exp(-(x - mu) ** 2 / (2 * s ** 2)) + rng.normal(0, 0.05, (fits, points))
    f["x"] = x
with open(f"{d}/fit.toml", "w") as f:
    f.write('[study]\nrepetitions = 1\nwarmup = 0\nranks = [2]\n[[workload]]\nkind = "gauss_fit"\n'
            'input = "spectra.h5"\ndataset = "/y"\nx_dataset = "/x"\ntasks = 400\n[[strategy]]\nkind = "static"\n')
mpirun = ["mpirun", "-np", "2", "--bind-to", "core"]

def median_seconds(cmd, n=7):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return float(np.median(times))

hello = median_seconds(mpirun + ["build/parbench_input_baseline"])
floor = [subprocess.run(mpirun + ["build/parbench_input_baseline", f"{d}/spectra.h5", "/y"], check=True,
                        capture_output=True, text=True).stdout.split() for _ in range(5)]
read_s, first_s, warm_s = (float(np.median([float(r[i]) for r in floor])) for i in range(3))
bench = json.loads(subprocess.run(["build/parbench_kernels_bench", "--benchmark_filter=BM_GaussFit$",
                                   "--benchmark_repetitions=3", "--benchmark_format=json"], check=True,
                                  capture_output=True, text=True).stdout)
per_fit = min(b["us_per_fit"] for b in bench["benchmarks"] if b.get("run_type") == "iteration") * 1e-6
fit_s = fits * per_fit / 2
out = f"{d}/fit.h5"
whole = median_seconds(mpirun + ["build/parbench", "run", f"{d}/fit.toml", "-o", out, "-q"])
with h5py.File(out, "r") as f:
    distribute = float(np.median(f["runs/distribute_s"][()]))
    wall = float(np.median(f["runs/wall_s"][()]))
budget = hello + fit_s + read_s
print(f"MPI hello {hello:.3f} s; read the file {read_s * 1e3:.1f} ms; fits at {per_fit * 1e6:.2f} µs each on 2 ranks "
      f"{fit_s * 1e3:.1f} ms; raw Scatterv {first_s * 1e3:.1f} ms first touch, {warm_s * 1e3:.1f} ms warm")
print(f"parbench: whole process {whole:.3f} s = {whole / budget:.2f} x (hello + fits + read) (target <= 1.3); "
      f"run wall {wall * 1e3:.1f} ms; distribute_s {distribute * 1e3:.1f} ms = {distribute / first_s:.1f} x the raw "
      f"first-touch Scatterv (target <= 3)")
PY
