"""gauss_fit against scipy: >= 1000 spectra written to HDF5, fitted by the real binary under mpirun -np 2, compared
with scipy.optimize.least_squares(method="lm") from the same start (1, 0, 1).

Every spectrum that should fit must agree with scipy to 1e-6 (relative, or absolute where |param| < 1; the sign of
sigma is free), and the ones that should fail (flat lines, all zeros, NaN/Inf) must be flagged as failed. If the
binary is missing the `parbench` fixture fails the test (it does not skip)."""
import subprocess

import h5py
import numpy as np
import pytest
from scipy.optimize import least_squares

X = np.linspace(-5.0, 5.0, 100)
TOLERANCE = 1e-6

# name: (count, amplitude range, |mean| range, mean sign random?, stddev range, noise). Peaks lie where a fit from
# (1, 0, 1) reaches them (the start Gaussian overlaps the peak), so the least-squares minimum is well defined.
CATEGORIES = {
    "easy": (300, (0.5, 2.0), (0.0, 1.0), True, (0.7, 1.5), 0.01),
    "noisy": (200, (0.5, 2.0), (0.0, 1.0), True, (0.7, 1.5), 0.1),
    "narrow": (150, (0.5, 2.0), (0.0, 0.5), True, (0.2, 0.4), 0.02),
    "wide": (150, (0.5, 2.0), (0.0, 1.0), True, (2.0, 3.5), 0.02),
    "off-centre": (150, (0.5, 2.0), (1.0, 2.0), True, (0.9, 1.5), 0.02),
    "clean": (50, (0.5, 2.0), (0.0, 1.5), True, (0.5, 2.0), 0.0),
}


def gaussian(x, a, mu, s):
    return a * np.exp(-((x - mu) ** 2) / (2.0 * s * s))


def make_spectra(rng):
    """Rows, their category, their true parameters (NaN for the ones that should fail)."""
    rows, kinds, truth = [], [], []
    for kind, (n, a_range, m_range, signed, s_range, noise) in CATEGORIES.items():
        for _ in range(n):
            a = rng.uniform(*a_range)
            mu = rng.uniform(*m_range) * (rng.choice([-1.0, 1.0]) if signed else 1.0)
            s = rng.uniform(*s_range)
            rows.append(gaussian(X, a, mu, s) + noise * rng.standard_normal(X.size))
            kinds.append(kind)
            truth.append((a, mu, s))
    for _ in range(30):  # flat lines: no peak
        rows.append(np.full(X.size, rng.uniform(-1.0, 1.5)))
        kinds.append("flat")
    rows.append(np.zeros(X.size))
    kinds.append("flat")
    for i in range(20):  # a good peak spoiled by one NaN or Inf
        y = gaussian(X, 1.0, 0.3, 1.0) + 0.01 * rng.standard_normal(X.size)
        y[rng.integers(X.size)] = [np.nan, np.inf, -np.inf][i % 3]
        rows.append(y)
        kinds.append("non-finite")
    truth += [(np.nan,) * 3] * (len(rows) - len(truth))
    return np.array(rows), np.array(kinds), np.array(truth)


def scipy_fit(y):
    res = least_squares(lambda p: gaussian(X, *p) - y, [1.0, 0.0, 1.0], method="lm", xtol=1e-15, ftol=1e-15,
                        gtol=1e-15)
    return np.array([res.x[0], res.x[1], abs(res.x[2])])


def agree(ours, ref):
    return np.all(np.abs(ours - ref) <= TOLERANCE * np.maximum(1.0, np.abs(ref)))


@pytest.fixture(scope="module")
def study(tmp_path_factory, parbench, env):
    tmp = tmp_path_factory.mktemp("gauss_scipy")
    rows, kinds, truth = make_spectra(np.random.default_rng(20240611))
    with h5py.File(tmp / "spectra.h5", "w") as f:
        f["y"] = rows
        f["x"] = X
    (tmp / "fits.toml").write_text(
        '[study]\nname = "scipy-check"\nrepetitions = 1\nwarmup = 0\nranks = [2]\n\n'
        '[[workload]]\nkind = "gauss_fit"\ninput = "spectra.h5"\ndataset = "/y"\nx_dataset = "/x"\n\n'
        '[[strategy]]\nkind = "static"\n')
    out = tmp / "out.h5"
    p = subprocess.run(["mpirun", "-np", "2", str(parbench), "run", str(tmp / "fits.toml"), "-o", str(out), "--quiet"],
                       env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    with h5py.File(out, "r") as f:
        groups = [g.decode() if isinstance(g, bytes) else g for g in f["runs"]["group"][()]]
        assert len(groups) == 1, groups
        g = f[groups[0]]
        result = {"params": g["result/params"][()], "converged": g["result/converged"][()],
                  "message": g.attrs.get("message", ""), "verified": f["runs"]["verified"][0]}
    return rows, kinds, truth, result


def test_shapes(study):
    rows, _, _, result = study
    assert result["params"].shape == (rows.shape[0], 3)
    assert result["converged"].shape == (rows.shape[0],)
    assert rows.shape[0] >= 1000


def test_scipy_itself_finds_the_peaks(study):
    """Guards the generator: every spectrum that should fit is one scipy fits near its truth."""
    rows, kinds, truth, _ = study
    for i in np.flatnonzero(~np.isnan(truth[:, 0])):
        ref = scipy_fit(rows[i])
        assert np.allclose(ref, truth[i], rtol=0.3, atol=0.1), (i, kinds[i], ref, truth[i])


def test_every_good_fit_agrees_with_scipy(study):
    rows, kinds, truth, result = study
    bad = []
    for i in np.flatnonzero(~np.isnan(truth[:, 0])):
        ref = scipy_fit(rows[i])
        ours = result["params"][i]
        if result["converged"][i] != 1 or not agree(ours, ref):
            bad.append((int(i), str(kinds[i]), int(result["converged"][i]), ours.tolist(), ref.tolist()))
    assert not bad, f"{len(bad)} fits disagree with scipy, first: {bad[:5]}"


def test_bad_spectra_are_flagged_failed(study):
    _, kinds, _, result = study
    should_fail = np.isin(kinds, ["flat", "non-finite"])
    assert should_fail.sum() == 51
    assert not result["converged"][should_fail].any(), np.flatnonzero(result["converged"][should_fail])
    assert f"{should_fail.sum()} of {kinds.size} fits failed" in str(result["message"])
    assert "non-finite data" in str(result["message"])


def test_file_results_verify(study):
    assert study[3]["verified"] == 1
