"""Shared fixtures for the end-to-end tests: the real parbench binary under mpirun, files read back with h5py."""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_pml": "ob1",
    "OMPI_MCA_orte_execute_quiet": "1",
}


@pytest.fixture(scope="session")
def parbench():
    path = pathlib.Path(os.environ.get("PARBENCH_BIN", REPO / "build" / "parbench"))
    if not path.exists():
        pytest.fail(f"parbench binary not found at {path}: build it (tools/setup.sh) or set PARBENCH_BIN")
    return path


@pytest.fixture(scope="session")
def env():
    e = dict(os.environ)
    e.update(MPI_ENV)
    return e


@pytest.fixture(scope="session")
def mpirun(parbench, env):
    """mpirun(np, *args, extra=[...], timeout=...) -> CompletedProcess running parbench with args."""

    def run(np, *args, extra=(), timeout=300, **kw):
        cmd = ["mpirun", "-np", str(np), *extra, str(parbench), *map(str, args)]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, **kw)

    return run
