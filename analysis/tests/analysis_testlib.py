"""Helpers shared by the analysis tests (a uniquely named module, so it cannot clash with other test folders)."""
import os
import shutil
import struct
import subprocess
import sys

import h5py
import pandas as pd
import pytest

ANALYSIS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(ANALYSIS_DIR)
REPORT = os.path.join(ANALYSIS_DIR, "report.py")
if ANALYSIS_DIR not in sys.path:
    sys.path.insert(0, ANALYSIS_DIR)

STRONG_FRACTIONS = (0.0, 0.05, 0.3)
WEAK_ALPHA = 0.1
NO_P1_FRACTION = 0.05
SWEEP_LABEL = "pi sweep"   # the chunk-size sweep (make_synthetic.CHUNK_SWEEP) in its own file
SWEEP_RANKS = (2,)


def run_report(*args):
    """report.py in a fresh interpreter, as a user would run it."""
    return subprocess.run([sys.executable, REPORT, *map(str, args)], capture_output=True, text=True, timeout=300)


def strong_label(f):
    return f"trig f={f:g}"


def png_size(path):
    """(width, height) of a PNG, after checking that it is one."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


# Open MPI's environment for this kind of machine (tools/mpi_env.sh): root, and more ranks than cores.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_pml": "ob1"}


def parbench_binary():
    """PARBENCH_BIN (default <repo>/build/parbench); a missing binary fails the test unless
    PARBENCH_ALLOW_NO_BINARY=1, which skips it."""
    binary = os.environ.get("PARBENCH_BIN", os.path.join(REPO_ROOT, "build", "parbench"))
    if os.path.isfile(binary) and os.access(binary, os.X_OK):
        return binary
    message = (f"parbench binary not found at {binary}: build it (cmake) or set PARBENCH_BIN; "
               "set PARBENCH_ALLOW_NO_BINARY=1 to skip this test")
    if os.environ.get("PARBENCH_ALLOW_NO_BINARY") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def run_study(config, output, ranks: int, timeout: int = 600):
    """`mpirun -np RANKS parbench run CONFIG -o OUTPUT --quiet` from the repository root; fails the test on error.
    The timeout only guards against a hang: on a shared 2-core machine under heavy load a study of a few seconds
    can take minutes."""
    binary = parbench_binary()
    mpirun = shutil.which("mpirun")
    assert mpirun, "mpirun not found on PATH"
    run = subprocess.run([mpirun, "-np", str(ranks), binary, "run", str(config), "-o", str(output), "--quiet"],
                         cwd=REPO_ROOT, env={**os.environ, **MPI_ENV}, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == 0, f"parbench failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    return output


def raw_runs(path):
    """The /runs table read straight with h5py (not through the package)."""
    with h5py.File(path, "r") as f:
        return pd.DataFrame({k: (d.asstr()[()] if d.dtype.kind == "O" else d[()]) for k, d in f["runs"].items()})
