#pragma once
// gauss_fit's kernel: a small Levenberg–Marquardt fit of y ≈ A exp(-(x - mu)² / (2 sigma²)) to one spectrum.
#include <cstdint>
#include <vector>

namespace parbench::workloads::kernels {

// Why a fit failed (stored in the result as an integer code; 0 = success).
enum class FitStatus : std::int64_t {
  kOk = 0,
  kNotConverged = 1,   // max_iterations tries without meeting the step tolerance
  kNonFiniteData = 2,  // NaN or Inf in the spectrum: not fitted
  kDegenerate = 3,     // no Gaussian to speak of: sigma -> 0 or far beyond the x range, A ≈ 0, mean far outside
};
inline constexpr int kFitStatusCount = 4;
const char* fit_status_name(FitStatus status);  // "ok", "not converged", "non-finite data", "degenerate"

// The x grid shared by every spectrum, with the scales that decide when a fit is degenerate.
struct GaussGrid {
  std::vector<double> x;
  std::vector<double> x_padded;  // x, then copies of its last value up to a whole number of vectors
  double centre = 0.0;           // (min + max) / 2
  double span = 0.0;             // max - min (> 0)
  double spacing = 0.0;          // span / (points - 1)
};
// Builds the grid from finite x values (at least 2 distinct); the caller validates them.
GaussGrid make_grid(std::vector<double> x);
// numpy.linspace(lo, hi, points): lo + i * step, the last point exactly hi.
std::vector<double> linspace(double lo, double hi, std::int64_t points);

struct GaussFitOptions {
  std::int64_t max_iterations = 200;  // tries: model evaluations after the start point (and failed solves)
  double xtol = 1e-10;                // stop when |step| <= xtol (|p| + xtol); tighter only stalls on rounding
  double amplitude = 1.0, mean = 0.0, stddev = 1.0;  // start guess (the tutorial's)
};

struct GaussFit {
  double amplitude, mean, stddev;  // stddev reported as |sigma|; NaN when the data were not finite
  double residual_norm;            // sqrt(sum (model - y)²) at the reported parameters
  std::int64_t iterations;         // tries used (see GaussFitOptions::max_iterations)
  FitStatus status;
  bool converged() const { return status == FitStatus::kOk; }
};

// Fits y[0..points) on grid.x. Deterministic: the same inputs give the same bits for a given build. Plain C++ with
// an inline exp, so every target runs the same arithmetic; only the summation order of the vectorised pass depends
// on the vector width (last-bit differences, far inside the 1e-6 agreement with scipy the tests demand).
GaussFit gauss_fit(const GaussGrid& grid, const double* y, const GaussFitOptions& options);

// Synthetic spectra. Fit `fit` of a seed gets its true parameters and noise from Philox4x32-10 with
// key = {seed, 0x67617573} and counter = {fit mod 2^32, fit / 2^32, block, 0}: block 0 gives the parameters
// (A = 0.5 + 1.5 u0, mu = centre + 0.3 span (u1 - 0.5), sigma = span (0.05 + 0.1 u2), u = (word + 0.5) / 2^32),
// block b >= 1 the noise of points 4(b-1) .. 4(b-1)+3 by Box–Muller: words (0, 1) give points 4(b-1) and +1 as
// sqrt(-2 ln u0) (cos, sin)(2 pi u1), words (2, 3) the next two. So a spectrum depends only on (seed, fit).
struct GaussTruth {
  double amplitude, mean, stddev;
};
GaussTruth gauss_truth(std::uint32_t seed, std::int64_t fit, const GaussGrid& grid);
// y[i] = A exp(-(x_i - mu)²/(2 sigma²)) + noise * z_i with the truth above and standard normal z_i.
void gauss_synthesize(std::uint32_t seed, std::int64_t fit, const GaussGrid& grid, double noise, double* y);

}  // namespace parbench::workloads::kernels
