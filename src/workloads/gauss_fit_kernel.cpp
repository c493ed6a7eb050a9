// Built with -fopenmp-simd (src/CMakeLists.txt). The fit is Levenberg–Marquardt on p = (A, mu, sigma) with
// residuals r_i = A e_i - y_i, e_i = exp(-(x_i - mu)² / (2 sigma²)), d_i = x_i - mu.
//
// One pass over the points per evaluation: it sums r², the moments M_k = Σ e r d^k (k = 0..4) and N_k = Σ e² d^k
// (k = 0..4), from which the gradient Jᵀr, the Gauss–Newton matrix JᵀJ and the second-order term Σ r ∇²f all follow
// in closed form (every column of J is e times a power of d). The damped 3×3 system is solved by Cholesky.
// Damping follows Nielsen's rule (Madsen, Nielsen & Tingleff, "Methods for non-linear least squares problems",
// 2004, §3.2), with Marquardt's diagonal scaling kept at its running maximum as in MINPACK so that a column that
// fades (A -> 0 makes the mu and sigma columns vanish) stays damped.
// Far from the minimum the system matrix is JᵀJ (plain LM, globally robust). Once the accepted steps are small it
// becomes the full Hessian JᵀJ + Σ r ∇²f (still damped, still accepted only if the cost drops): with noisy data
// Gauss–Newton converges only linearly (about 30× per step at 5% noise), Newton quadratically, which saves about
// a quarter of the passes. The minimum is the same; only the way there changes.
//
// exp is computed inline (exp_nonpositive below), not by libm or libmvec: a call inside the pass would make GCC
// spill the eleven vector accumulators around it, and the inline version vectorises on any target. It is plain
// arithmetic without FMA (the project builds with -ffp-contract=off), so it gives the same bits everywhere; only
// the summation order of the vectorised reductions depends on the vector width of the build. (PARBENCH_LIBMVEC
// and -fno-builtin-sin/cos from src/CMakeLists.txt serve the synthetic-spectrum generator at the end of the file.)
#include "workloads/gauss_fit_kernel.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#if defined(PARBENCH_LIBMVEC)
// glibc's vector math (libmvec), used by the synthetic-noise generator only (the fit's exp is inline, see above).
extern "C" {
__attribute__((simd("notinbranch"))) double log(double) noexcept;
__attribute__((simd("notinbranch"))) double sin(double) noexcept;
__attribute__((simd("notinbranch"))) double cos(double) noexcept;
}
#endif

namespace parbench::workloads::kernels {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The pass runs over a whole number of kPad points, so no point goes through a slower scalar epilogue. Filler
// points repeat the last x with y = 0 and have e forced to 0, so every contribution of theirs is exactly zero.
constexpr std::size_t kPad = 8;
constexpr std::size_t kStackPoints = 512;

// a * b + c, fused where the target has FMA (written out because the project builds with -ffp-contract=off, so
// the choice is explicit and the same on every rank of a build). Without FMA hardware std::fma would be a slow
// library call, so the fallback multiplies and adds: last-bit differences between builds, well inside the 1e-6
// agreement with scipy that matters here.
inline double mul_add(double a, double b, double c) {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// e^t for t <= 0 (also right for small positive t), within 2 ulp of glibc's exp: t = k ln2 + r with |r| <= ln2/2
// (Cody–Waite split of ln2, exact for |k| < 2^21), e^r by its Taylor series to degree 13 (truncation < 5e-18),
// times 2^k built in the exponent bits. Below -708 (where e^t is subnormal) it returns 0; -inf gives 0, NaN NaN.
inline double exp_nonpositive(double t) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 rounded to 32 significant bits
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
  constexpr double kShift = 6755399441055744.0;          // 1.5 * 2^52: adding it rounds to an integer, kept in the
                                                         // low mantissa bits
  const double z = mul_add(t, kLog2e, kShift);
  const double k = z - kShift;
  const double r = mul_add(-k, kLn2Lo, mul_add(-k, kLn2Hi, t));
  // e^r = sum r^j / j!, j = 0..13, by Estrin's scheme: a dependency chain of 8 operations instead of Horner's 26,
  // so consecutive points overlap in the pipeline.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double p01 = 1.0 + r;
  const double p23 = mul_add(r, 1.0 / 6, 1.0 / 2);
  const double p45 = mul_add(r, 1.0 / 120, 1.0 / 24);
  const double p67 = mul_add(r, 1.0 / 5040, 1.0 / 720);
  const double p89 = mul_add(r, 1.0 / 362880, 1.0 / 40320);
  const double p1011 = mul_add(r, 1.0 / 39916800, 1.0 / 3628800);
  const double p1213 = mul_add(r, 1.0 / 6227020800, 1.0 / 479001600);
  const double q0 = mul_add(r2, p23, p01), q1 = mul_add(r2, p67, p45), q2 = mul_add(r2, p1011, p89);
  const double p = mul_add(r8, mul_add(r4, p1213, q2), mul_add(r4, q1, q0));
  const std::uint64_t k_bits = std::bit_cast<std::uint64_t>(z) - std::bit_cast<std::uint64_t>(kShift);
  const double scale = std::bit_cast<double>((k_bits + 1023u) << 52);
  return t < -708.0 ? 0.0 : p * scale;
}

struct Params {
  double a, mu, sigma;
};

// Results of one pass. Matrices are symmetric 3×3, upper triangle in row order: 00 01 02 11 12 22.
struct Pass {
  double cost;  // Σ r²
  double g[3];  // Jᵀr
  double h[6];  // JᵀJ
  double s[6];  // Σ r ∇²f (the part of the Hessian Gauss–Newton leaves out)
};

// Points [0, n) are real, [n, padded) filler.
Pass evaluate(const double* x, const double* y, std::int64_t n, std::int64_t padded, const Params& p) {
  const double inv_s = 1.0 / p.sigma;
  const double inv_s2 = inv_s * inv_s;
  const double neg_half_inv_s2 = -0.5 * inv_s2;
  double c = 0, m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0;
#pragma omp simd reduction(+ : c, m0, m1, m2, m3, m4, n0, n1, n2, n3, n4)
  for (std::int64_t i = 0; i < padded; ++i) {
    const double d = x[i] - p.mu;
    const double d2 = d * d;
    const double e = i < n ? exp_nonpositive(d2 * neg_half_inv_s2) : 0.0;
    const double r = mul_add(p.a, e, -y[i]);
    const double er = e * r, erd = er * d, erd2 = er * d2;
    const double ee = e * e, eed = ee * d, eed2 = ee * d2;
    c = mul_add(r, r, c);
    m0 += er;
    m1 += erd;
    m2 += erd2;
    m3 = mul_add(erd, d2, m3);
    m4 = mul_add(erd2, d2, m4);
    n0 += ee;
    n1 += eed;
    n2 += eed2;
    n3 = mul_add(eed, d2, n3);
    n4 = mul_add(eed2, d2, n4);
  }
  // J columns: e, A e d / sigma², A e d² / sigma³ (sigma signed: the fit may cross zero).
  const double u = p.a * inv_s2;  // A / sigma²
  const double v = u * inv_s;     // A / sigma³
  Pass out;
  out.cost = c;
  out.g[0] = m0;
  out.g[1] = u * m1;
  out.g[2] = v * m2;
  out.h[0] = n0;
  out.h[1] = u * n1;
  out.h[2] = v * n2;
  out.h[3] = u * u * n2;
  out.h[4] = u * v * n3;
  out.h[5] = v * v * n4;
  // Second derivatives of f = A e: f_AA = 0, f_Amu = e d/s², f_Asigma = e d²/s³, f_mumu = A e (d²/s⁴ - 1/s²),
  // f_musigma = A e (d³/s⁵ - 2d/s³), f_sigmasigma = A e (d⁴/s⁶ - 3d²/s⁴).
  out.s[0] = 0.0;
  out.s[1] = inv_s2 * m1;
  out.s[2] = inv_s2 * inv_s * m2;
  out.s[3] = u * (inv_s2 * m2 - m0);
  out.s[4] = v * (inv_s2 * m3 - 2.0 * m1);
  out.s[5] = u * inv_s2 * (inv_s2 * m4 - 3.0 * m2);
  return out;
}

// Solves (M + lambda diag(D)) step = -g by Cholesky, M symmetric (upper triangle). False when the matrix is not
// numerically positive definite.
bool damped_step(const double* m, const double* g, const double* diag, double lambda, double* step) {
  const double m00 = m[0] + lambda * diag[0], m01 = m[1], m02 = m[2];
  const double m11 = m[3] + lambda * diag[1], m12 = m[4];
  const double m22 = m[5] + lambda * diag[2];
  if (!(m00 > 0)) return false;
  const double l00 = std::sqrt(m00);
  const double l10 = m01 / l00, l20 = m02 / l00;
  const double r11 = m11 - l10 * l10;
  if (!(r11 > 0)) return false;
  const double l11 = std::sqrt(r11);
  const double l21 = (m12 - l20 * l10) / l11;
  const double r22 = m22 - l20 * l20 - l21 * l21;
  if (!(r22 > 0)) return false;
  const double l22 = std::sqrt(r22);
  const double z0 = -g[0] / l00;
  const double z1 = (-g[1] - l10 * z0) / l11;
  const double z2 = (-g[2] - l20 * z0 - l21 * z1) / l22;
  step[2] = z2 / l22;
  step[1] = (z1 - l21 * step[2]) / l11;
  step[0] = (z0 - l10 * step[1] - l20 * step[2]) / l00;
  return std::isfinite(step[0]) && std::isfinite(step[1]) && std::isfinite(step[2]);
}

// No Gaussian to speak of. `slack` widens the bounds for the early abort during the iteration.
bool degenerate(const GaussGrid& grid, const Params& p, double y_scale, double slack) {
  const double s = std::abs(p.sigma);
  if (!std::isfinite(p.a) || !std::isfinite(p.mu) || !std::isfinite(s)) return true;
  // Narrower than a quarter of the spacing: every neighbour of the peak point sees < exp(-8) of it, so sigma is
  // not determined by the data (the fit drifts towards a spike).
  if (s < 0.25 * grid.spacing / slack) return true;
  // Much wider than the window, or centred far outside it: a flat line or a tail, not a peak.
  if (s > 10.0 * slack * grid.span) return true;
  if (std::abs(p.mu - grid.centre) > 10.0 * slack * grid.span) return true;
  // Amplitude vanishing against the data (or no data to speak of: all zero), also where the peak sits so far
  // outside the window that the model is ~0 on every point (its largest value is at the nearest edge).
  const double outside = std::max(0.0, std::abs(p.mu - grid.centre) - 0.5 * grid.span);
  const double peak_in_window = std::abs(p.a) * std::exp(-outside * outside / (2.0 * s * s));
  return y_scale == 0.0 || !(peak_in_window > 1e-6 * y_scale);
}

// Relative step below which the accepted steps count as "close": from there on, Newton steps.
constexpr double kNewtonZone = 1e-2;
// Bound on the next step's scaled length after a step of scaled length `scaled` with gain ratio rho: twice the
// step after a fair prediction, the same length after a poor one (MINPACK halves it; with Nielsen's damping on
// top, halving made the fits more timid and more often stuck than scipy's).
double next_radius(double rho, double scaled) { return rho < 0.25 ? scaled : 2.0 * scaled; }

}  // namespace

const char* fit_status_name(FitStatus status) {
  switch (status) {
    case FitStatus::kOk:
      return "ok";
    case FitStatus::kNotConverged:
      return "not converged";
    case FitStatus::kNonFiniteData:
      return "non-finite data";
    case FitStatus::kDegenerate:
      return "degenerate";
  }
  return "unknown";
}

std::vector<double> linspace(double lo, double hi, std::int64_t points) {
  std::vector<double> x(static_cast<std::size_t>(points));
  if (points == 1) {
    x[0] = lo;
    return x;
  }
  const double step = (hi - lo) / static_cast<double>(points - 1);
  for (std::int64_t i = 0; i < points; ++i) x[static_cast<std::size_t>(i)] = lo + static_cast<double>(i) * step;
  x.back() = hi;
  return x;
}

GaussGrid make_grid(std::vector<double> x) {
  GaussGrid grid;
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  grid.centre = 0.5 * (*lo + *hi);
  grid.span = *hi - *lo;
  grid.spacing = x.size() > 1 ? grid.span / static_cast<double>(x.size() - 1) : 0.0;
  grid.x = std::move(x);
  grid.x_padded = grid.x;
  grid.x_padded.resize((grid.x.size() + kPad - 1) / kPad * kPad, grid.x.back());
  return grid;
}

GaussFit gauss_fit(const GaussGrid& grid, const double* y, const GaussFitOptions& options) {
  const std::size_t points = grid.x.size();
  const std::size_t padded = grid.x_padded.size();
  const std::int64_t n = static_cast<std::int64_t>(points);
  const double* x = grid.x_padded.data();
  // y padded with zeros to match x_padded: on the stack for ordinary spectra.
  double y_stack[kStackPoints];
  std::vector<double> y_heap;
  double* yp = y_stack;
  if (padded > kStackPoints) {
    y_heap.resize(padded);
    yp = y_heap.data();
  }
  double y_scale = 0.0;
  bool finite = true;
  for (std::size_t i = 0; i < points; ++i) {
    yp[i] = y[i];
    finite = finite && std::isfinite(y[i]);
    y_scale = std::max(y_scale, std::abs(y[i]));
  }
  for (std::size_t i = points; i < padded; ++i) yp[i] = 0.0;
  if (!finite) return {kNaN, kNaN, kNaN, kNaN, 0, FitStatus::kNonFiniteData};

  Params p{options.amplitude, options.mean, options.stddev};
  Pass cur = evaluate(x, yp, n, static_cast<std::int64_t>(padded), p);
  double diag[3] = {std::max(cur.h[0], 1e-300), std::max(cur.h[3], 1e-300), std::max(cur.h[5], 1e-300)};
  double lambda = 1e-3;  // relative to the scaling diag(JᵀJ)
  double nu = 2.0;
  bool newton = false;
  double radius = std::numeric_limits<double>::infinity();  // bound on the scaled step length
  std::int64_t iterations = 0;
  FitStatus status = FitStatus::kNotConverged;

  while (iterations < options.max_iterations) {
    if (cur.g[0] == 0.0 && cur.g[1] == 0.0 && cur.g[2] == 0.0) {  // exact stationary point (e.g. a perfect fit)
      status = FitStatus::kOk;
      break;
    }
    // Solve; while the step is longer than the trust radius (scaled norm |D^1/2 step|), damp harder. Without the
    // radius a step that nearly zeroes A (so that the mu and sigma columns vanish) can be followed by a long jump
    // into a flat region far from the peak; MINPACK (scipy's method="lm") bounds its steps the same way.
    double step[3];
    bool solved = false;
    double scaled = 0.0;
    for (int tries = 0; tries < 64; ++tries) {
      solved = false;
      if (newton) {
        double full[6];
        for (int j = 0; j < 6; ++j) full[j] = cur.h[j] + cur.s[j];
        solved = damped_step(full, cur.g, diag, lambda, step);  // fails where the Hessian is indefinite
      }
      if (!solved) solved = damped_step(cur.h, cur.g, diag, lambda, step);
      if (!solved) break;
      scaled = std::sqrt(diag[0] * step[0] * step[0] + diag[1] * step[1] * step[1] + diag[2] * step[2] * step[2]);
      if (!(scaled > radius)) break;
      lambda *= 1.1 * scaled / radius;  // exact where damping dominates (step ~ 1/lambda); else try again
    }
    if (!solved) {  // not positive definite even with damping: damp harder; counts as a try, so it cannot loop
      lambda *= nu;
      nu *= 2.0;
      ++iterations;
      continue;
    }
    const double step_norm = std::sqrt(step[0] * step[0] + step[1] * step[1] + step[2] * step[2]);
    const double p_norm = std::sqrt(p.a * p.a + p.mu * p.mu + p.sigma * p.sigma);
    if (step_norm <= options.xtol * (p_norm + options.xtol)) {
      status = FitStatus::kOk;
      break;
    }
    const Params trial{p.a + step[0], p.mu + step[1], p.sigma + step[2]};
    const Pass next = evaluate(x, yp, n, static_cast<std::int64_t>(padded), trial);
    ++iterations;
    // Gain ratio: actual over predicted decrease of the cost. The model's decrease -(2 stepᵀg + stepᵀ M step)
    // simplifies with the damped equations to lambda stepᵀ D step - stepᵀ g, for either matrix M.
    const double predicted =
        lambda * (diag[0] * step[0] * step[0] + diag[1] * step[1] * step[1] + diag[2] * step[2] * step[2]) -
        (cur.g[0] * step[0] + cur.g[1] * step[1] + cur.g[2] * step[2]);
    const double rho = (cur.cost - next.cost) / predicted;
    radius = next_radius(rho, scaled);
    if (rho > 0.0 && std::isfinite(next.cost)) {  // accept (a NaN cost compares false: rejected)
      p = trial;
      cur = next;
      diag[0] = std::max(diag[0], cur.h[0]);
      diag[1] = std::max(diag[1], cur.h[3]);
      diag[2] = std::max(diag[2], cur.h[5]);
      const double t = 2.0 * rho - 1.0;
      lambda *= std::max(1.0 / 3.0, 1.0 - t * t * t);
      nu = 2.0;
      newton = step_norm <= kNewtonZone * p_norm;
      if (degenerate(grid, p, y_scale, 100.0)) {  // running away (a flat line): no point in going on
        status = FitStatus::kDegenerate;
        break;
      }
    } else {
      lambda *= nu;
      nu *= 2.0;
      newton = false;
    }
  }
  if (status != FitStatus::kDegenerate && degenerate(grid, p, y_scale, 1.0)) status = FitStatus::kDegenerate;
  return {p.a, p.mu, std::abs(p.sigma), std::sqrt(cur.cost), iterations, status};
}

namespace {

constexpr std::uint32_t kGaussStream = 0x67617573;  // "gaus": keeps these streams apart from other workloads'

r123::Philox4x32::ctr_type gauss_block(std::uint32_t seed, std::int64_t fit, std::uint32_t block) {
  const std::uint64_t f = static_cast<std::uint64_t>(fit);
  const r123::Philox4x32::ctr_type ctr = {
      {static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(f >> 32), block, 0}};
  const r123::Philox4x32::key_type key = {{seed, kGaussStream}};
  return r123::Philox4x32()(ctr, key);
}

// (word + 0.5) / 2^32: uniform in (0, 1), never 0 (safe for log).
double unit(std::uint32_t word) { return (static_cast<double>(word) + 0.5) * 0x1p-32; }

// Box–Muller on n pairs of uniforms: z = sqrt(-2 ln u_radius) (cos, sin)(2 pi u_angle). With PARBENCH_LIBMVEC the
// first loop calls libmvec's vector log/sin/cos (within 1 ulp of scalar libm, so synthetic data may differ in the
// last bits between builds, never between ranks). sqrt has a loop of its own: its errno check (the argument is
// never negative, but GCC cannot know) would keep the first loop from vectorising.
void box_muller(const double* u_radius, const double* u_angle, double* z_cos, double* z_sin, int n) {
  double r2[64];
#pragma omp simd
  for (int k = 0; k < n; ++k) {
    r2[k] = -2.0 * std::log(u_radius[k]);
    const double angle = 2.0 * std::numbers::pi * u_angle[k];
    z_cos[k] = std::cos(angle);
    z_sin[k] = std::sin(angle);
  }
  for (int k = 0; k < n; ++k) {
    const double radius = std::sqrt(r2[k]);
    z_cos[k] *= radius;
    z_sin[k] *= radius;
  }
}

}  // namespace

GaussTruth gauss_truth(std::uint32_t seed, std::int64_t fit, const GaussGrid& grid) {
  const auto r = gauss_block(seed, fit, 0);
  return {0.5 + 1.5 * unit(r[0]), grid.centre + 0.3 * grid.span * (unit(r[1]) - 0.5),
          grid.span * (0.05 + 0.1 * unit(r[2]))};
}

void gauss_synthesize(std::uint32_t seed, std::int64_t fit, const GaussGrid& grid, double noise, double* y) {
  const GaussTruth t = gauss_truth(seed, fit, grid);
  const std::int64_t points = static_cast<std::int64_t>(grid.x.size());
  const double* x = grid.x.data();
  const double neg_half_inv_s2 = -0.5 / (t.stddev * t.stddev);
#pragma omp simd
  for (std::int64_t i = 0; i < points; ++i) {
    const double d = x[i] - t.mean;
    y[i] = t.amplitude * exp_nonpositive(d * d * neg_half_inv_s2);
  }
  if (noise == 0.0) return;
  // Pair k of normals goes to points 2k (cosine) and 2k+1 (sine); its uniforms are words 2(k mod 2) and
  // 2(k mod 2)+1 of block 1 + k/2. Pairs are made kChunk at a time.
  constexpr int kChunk = 64;  // box_muller's buffer size
  double u_radius[kChunk], u_angle[kChunk], z_cos[kChunk], z_sin[kChunk];
  const std::int64_t pairs = (points + 1) / 2;
  for (std::int64_t first = 0; first < pairs; first += kChunk) {
    const int n = static_cast<int>(std::min<std::int64_t>(kChunk, pairs - first));
    for (int k = 0; k < n; k += 2) {  // first is even, so pairs k and k+1 share a block
      const auto r = gauss_block(seed, fit, static_cast<std::uint32_t>(1 + (first + k) / 2));
      u_radius[k] = unit(r[0]);
      u_angle[k] = unit(r[1]);
      if (k + 1 < n) {
        u_radius[k + 1] = unit(r[2]);
        u_angle[k + 1] = unit(r[3]);
      }
    }
    box_muller(u_radius, u_angle, z_cos, z_sin, n);
    for (int k = 0; k < n; ++k) {
      const std::int64_t i = 2 * (first + k);
      y[i] += noise * z_cos[k];
      if (i + 1 < points) y[i + 1] += noise * z_sin[k];
    }
  }
}

}  // namespace parbench::workloads::kernels
