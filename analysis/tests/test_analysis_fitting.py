"""The fits recover the serial fraction the synthetic data were made with (no plotting, in-process)."""
import numpy as np
import pytest

from analysis_testlib import STRONG_FRACTIONS
from make_synthetic import SyntheticPoint, write_synthetic
from parbench_analysis.fitting import FitUnavailable, fit_amdahl
from parbench_analysis.loader import load_results
from parbench_analysis.scaling import analyse


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_amdahl_fit_recovers_f_within_001(tmp_path, seed):
    # 3 % noise limits what any fit can do: at f = 0.3 the standard error of f is 0.0053 with 5 repetitions
    # (|error| > 0.01 in 7 % of seeds) and 0.0036 with 10 (0.7 %); measured over 300 seeds.
    points = [SyntheticPoint(serial_fraction=f, label=f"f={f}", repetitions=10) for f in STRONG_FRACTIONS]
    path = write_synthetic(tmp_path / "s.h5", points, seed=seed)
    for a, f in zip(analyse(load_results([path])), STRONG_FRACTIONS):
        assert a.fit.model == "amdahl"
        assert abs(a.fit.fraction - f) <= 0.01, (f, a.fit)
        assert a.fit.lo <= a.fit.fraction <= a.fit.hi
        assert a.fit.hi - a.fit.lo < 0.05  # about ±2 standard errors, see above


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gustafson_fit_recovers_alpha(tmp_path, seed):
    alpha = 0.2
    point = SyntheticPoint(serial_fraction=alpha, label="weak", scaling="weak", repetitions=7)
    (a,) = analyse(load_results([write_synthetic(tmp_path / "w.h5", [point], seed=seed)]))
    assert a.fit.model == "gustafson"
    # With 3 % noise S(24) is known to about ±0.7, i.e. α to about ±0.03 from one p.
    assert abs(a.fit.fraction - alpha) <= 0.03, a.fit
    assert a.fit.lo <= a.fit.fraction <= a.fit.hi
    assert a.fit.hi - a.fit.lo < 0.15


def test_exact_data_give_exact_f():
    p = np.array([1, 2, 4, 8])
    fit = fit_amdahl(p, 3.0 * (0.2 + 0.8 / p))
    assert fit.fraction == pytest.approx(0.2, abs=1e-6)
    assert fit.scale == pytest.approx(3.0, rel=1e-6)


def test_one_rank_count_cannot_be_fitted():
    with pytest.raises(FitUnavailable, match="only one rank count"):
        fit_amdahl([4, 4, 4], [1.0, 1.1, 0.9])
