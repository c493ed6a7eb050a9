"""Bad input, table-driven: every case exits 2 with one line `error: <file>: <key>: <expected>` on rank 0 only, and
leaves an existing output file byte-identical."""
import hashlib

import h5py
import numpy as np
import pytest

GOOD = "[study]\nrepetitions = 1\nwarmup = 0\n[[workload]]\nkind = 'cube'\nn = 100\n"
W = "[study]\nrepetitions = 1\nwarmup = 0\n[[workload]]\n"

# (id, config text (bytes or str), text expected in the message)
CASES = [
    ("unknown-workload", W + "kind = 'fft'\n", "workload[1].kind: unknown workload \"fft\""),
    ("negative-size", W + "kind = 'trig'\nn = -5\n", "workload[1].n: must be an integer between 1 and"),
    ("string-for-number", W + "kind = 'trig'\nn = 'many'\n", "workload[1].n: must be"),
    ("unknown-key", W + "kind = 'trig'\nsize = 5\n", "workload[1].size: unknown key"),
    ("unknown-strategy", GOOD + "[[strategy]]\nkind = 'random'\n", "strategy[1].kind: unknown strategy"),
    ("unknown-study-key", "[study]\nrepeats = 2\n[[workload]]\nkind = 'cube'\n", "study.repeats: unknown key"),
    ("ranks-above-world", "[study]\nranks = [1, 3]\n[[workload]]\nkind = 'cube'\n", "study.ranks[2]: must be at most"),
    ("chunk-zero", GOOD + "[[strategy]]\nkind = 'dynamic'\nchunk = 0\n", "strategy[1].chunk"),
    ("chunk-word", GOOD + "[[strategy]]\nkind = 'dynamic'\nchunk = 'big'\n", "strategy[1].chunk"),
    ("cyclic-chunk-zero", GOOD + "[[strategy]]\nkind = 'cyclic'\nchunk = 0\n", "strategy[1].chunk"),
    ("guided-min-chunk-zero", GOOD + "[[strategy]]\nkind = 'guided'\nmin_chunk = 0\n", "strategy[1].min_chunk"),
    ("repetitions-zero", "[study]\nrepetitions = 0\n[[workload]]\nkind = 'cube'\n", "study.repetitions"),
    ("warmup-negative", "[study]\nwarmup = -1\n[[workload]]\nkind = 'cube'\n", "study.warmup"),
    ("threads-zero", "[study]\nthreads = [0]\n[[workload]]\nkind = 'cube'\n", "study.threads"),
    ("ranks-empty", "[study]\nranks = []\n[[workload]]\nkind = 'cube'\n", "study.ranks"),
    ("ranks-zero", "[study]\nranks = [0]\n[[workload]]\nkind = 'cube'\n", "study.ranks"),
    ("iterations-negative", W + "kind = 'trig'\niterations = -1\n", "workload[1].iterations"),
    ("trig-n-zero", W + "kind = 'trig'\nn = 0\n", "workload[1].n"),
    ("intervals-zero", W + "kind = 'midpoint'\nintervals = 0\n", "workload[1].intervals"),
    ("jobs-zero", W + "kind = 'monte_carlo_pi'\njobs = 0\n", "workload[1].jobs"),
    ("darts-zero", W + "kind = 'monte_carlo_pi'\ndarts = 0\n", "workload[1].darts"),
    ("fits-zero", W + "kind = 'gauss_fit'\nfits = 0\n", "workload[1].fits"),
    ("tasks-zero", W + "kind = 'cube'\ntasks = 0\n", "workload[1].tasks"),
    ("bad-integrand", W + "kind = 'midpoint'\nintegrand = 'cosh'\n", "workload[1].integrand: must be one of"),
    ("bad-init", W + "kind = 'trig'\ninit = 'random'\n", "workload[1].init: must be one of"),
    ("float-for-integer", W + "kind = 'trig'\nn = 1.5\n", "workload[1].n"),
    ("bool-for-integer", W + "kind = 'trig'\nn = true\n", "workload[1].n"),
    ("cube-overflow-bound", W + "kind = 'cube'\nn = 5000000000\n", "workload[1].n"),
    ("primes-empty-values", W + "kind = 'nth_prime'\nvalues = []\n", "workload[1].values"),
    ("primes-zero-value", W + "kind = 'nth_prime'\nvalues = [0]\n", "workload[1].values"),
    ("kind-missing", W + "n = 5\n", "workload[1].kind: required"),
    ("workload-not-table", "workload = 5\n", "workload"),
    ("study-not-table", "study = 'x'\n[[workload]]\nkind = 'cube'\n", "study"),
    ("unknown-top-level", GOOD + "[output]\nfile = 'x'\n", "output: unknown key"),
    ("no-workload", "[study]\nname = 'x'\n", "workload: at least one"),
    ("empty-config", "", "workload: at least one"),
    ("truncated", GOOD[: GOOD.index("cube") + 2], "not valid TOML"),
    ("duplicate-key", W + "kind = 'cube'\nn = 1\nn = 2\n", "not valid TOML"),
    ("not-utf8", (W + "kind = 'cu\xffbe'\n").encode("latin-1"), "not valid TOML"),
    ("x-range-reversed", W + "kind = 'gauss_fit'\nx_min = 2.0\nx_max = 1.0\n", "workload[1].x_max: must be greater"),
    ("weak-scaling-file-input", "[study]\nscaling = 'weak'\n[[workload]]\nkind = 'gauss_fit'\ninput = 'spectra.h5'\n",
     "workload[1].input: weak scaling"),
    ("missing-input-file", W + "kind = 'gauss_fit'\ninput = 'nope.h5'\n", "nope.h5"),
    ("input-not-hdf5", W + "kind = 'gauss_fit'\ninput = 'text.h5'\n", "text.h5"),
    ("input-dataset-missing", W + "kind = 'gauss_fit'\ninput = 'spectra.h5'\ndataset = '/nothing'\n", "/nothing"),
    ("input-dataset-1d", W + "kind = 'gauss_fit'\ninput = 'spectra.h5'\ndataset = '/flat'\n", "/flat"),
    ("input-x-length", W + "kind = 'gauss_fit'\ninput = 'spectra.h5'\ndataset = '/y'\nx_dataset = '/x_short'\n",
     "/x_short"),
    ("input-x-nan", W + "kind = 'gauss_fit'\ninput = 'spectra.h5'\ndataset = '/y'\nx_dataset = '/x_nan'\n", "/x_nan"),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, mpirun_module):
    d = tmp_path_factory.mktemp("bad")
    (d / "text.h5").write_text("this is not HDF5\n")
    with h5py.File(d / "spectra.h5", "w") as f:
        x = np.linspace(-5, 5, 20)
        f["y"] = np.exp(-x[None, :] ** 2 / 2) * np.ones((4, 1))
        f["x"] = x
        f["x_short"] = x[:10]
        xn = x.copy()
        xn[3] = np.nan
        f["x_nan"] = xn
        f["flat"] = x
    good = d / "good.toml"
    good.write_text(GOOD)
    p = mpirun_module(2, "run", good, "-o", d / "out.h5", "-q")
    assert p.returncode == 0, p.stderr
    return d


@pytest.fixture(scope="module")
def mpirun_module(parbench, env):
    import subprocess

    def run(np_, *args, timeout=120):
        return subprocess.run(["mpirun", "-np", str(np_), str(parbench), *map(str, args)], env=env,
                              capture_output=True, text=True, timeout=timeout)

    return run


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case,text,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_config_is_one_clean_line(workdir, mpirun_module, case, text, expected):
    cfg = workdir / f"{case}.toml"
    if isinstance(text, bytes):
        cfg.write_bytes(text)
    else:
        cfg.write_text(text)
    out = workdir / "out.h5"
    before = digest(out)
    p = mpirun_module(2, "run", cfg, "-o", out)
    lines = p.stderr.splitlines()
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert expected in lines[0], lines[0]
    # The file is named as the user wrote it: the config's path, or the input file's path from the config.
    assert lines[0].startswith((f"error: {cfg}: ", "error: nope.h5: ", "error: text.h5: ", "error: spectra.h5: ")), lines[0]
    assert digest(out) == before


def test_missing_config_file(workdir, mpirun_module):
    out = workdir / "out.h5"
    before = digest(out)
    p = mpirun_module(2, "run", workdir / "absent.toml", "-o", out)
    assert p.returncode == 2 and p.stderr.splitlines() == [f"error: {workdir / 'absent.toml'}: no such config file"]
    assert digest(out) == before


def test_output_that_is_not_a_parbench_file_is_refused(workdir, mpirun_module):
    for name in ("text.h5", "spectra.h5"):
        target = workdir / name
        before = digest(target)
        p = mpirun_module(2, "run", workdir / "good.toml", "-o", target)
        assert p.returncode == 2 and len(p.stderr.splitlines()) == 1, p.stderr
        assert "refusing" in p.stderr
        assert digest(target) == before


def test_bad_command_line(mpirun_module):
    p = mpirun_module(2, "run")
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and p.stderr.startswith("error: command line")
