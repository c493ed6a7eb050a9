// gauss_fit — the tutorial's my_func2: fit amplitude, mean and stddev of a 1-D Gaussian A exp(-(x-mu)²/(2 sigma²))
// to each spectrum by Levenberg–Marquardt, from the tutorial's start guess (1, 0, 1). One item per fit.
//
// Spectra are either synthetic — generated inside compute() from (seed, fit index), so nothing travels and the
// data never depend on who generates them — or read from a user's HDF5 file on rank 0 (load_inputs), in which
// case each spectrum travels with its task (Layout::input_words = points) and the x grid is shared.
// A fit that fails (no convergence, NaN/Inf in its spectrum, or a degenerate answer such as a flat line) is a
// tier-3 failure: it is flagged and counted, and the run goes on.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "workloads/gauss_fit_kernel.hpp"
#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

using kernels::FitStatus;
using kernels::GaussGrid;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Item row: amplitude, mean, |stddev|, converged (0/1), iterations, residual norm, failure reason (FitStatus).
enum ItemWord : std::int64_t { kAmp, kMean, kStd, kConverged, kIterations, kResidual, kReason, kItemWords };

// Synthetic verification: a converged fit must lie within this many standard errors of the truth.
constexpr double kSigmas = 6.0;

// A number as a person would write it ("1", "-2.5"), for messages.
std::string shortest(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// ---- HDF5 input (rank 0 only) ----------------------------------------------------------------------------------

// Reads `name` as doubles after checking it holds numbers of the expected rank; `expected` phrases the requirement
// for errors. Returns the values and fills `shape`.
std::vector<double> read_numeric(hid_t file, const std::string& where, const std::string& name, std::size_t rank,
                                 const std::string& expected, std::vector<std::int64_t>& shape) {
  const std::optional<h5::DatasetInfo> info = h5::inspect(file, name);
  if (!info) throw UserError(where, name, "no such dataset; " + expected);
  if (info->type != h5::TypeClass::kFloat && info->type != h5::TypeClass::kInteger)
    throw UserError(where, name, expected + ", got non-numeric data");
  if (info->shape.size() != rank)
    throw UserError(where, name, expected + ", got rank " + std::to_string(info->shape.size()));
  shape = info->shape;
  try {
    return h5::read_doubles(file, name);
  } catch (const std::runtime_error&) {
    throw UserError(where, name, "could not be read as numbers");
  }
}

// ---- the workload ----------------------------------------------------------------------------------------------

class GaussFitWorkload final : public Workload {
 public:
  GaussFitWorkload(const param::Params& p, const std::filesystem::path& config_dir)
      : fits_(p.integer("fits")),
        points_(p.integer("points")),
        x_min_(p.real("x_min")),
        x_max_(p.real("x_max")),
        noise_(p.real("noise")),
        seed_(static_cast<std::uint32_t>(p.integer("seed"))),
        tasks_given_(p.has("tasks") ? p.integer("tasks") : 0),
        dataset_(p.string("dataset")),
        x_dataset_(p.has("x_dataset") ? p.string("x_dataset") : "") {
    options_.max_iterations = p.integer("max_iterations");
    options_.amplitude = p.real("start_amplitude");
    options_.mean = p.real("start_mean");
    options_.stddev = p.real("start_stddev");
    if (p.has("input")) {
      input_ = p.string("input");
      input_path_ = std::filesystem::path(input_);
      if (input_path_.is_relative()) input_path_ = config_dir / input_path_;
    } else {
      if (!x_dataset_.empty()) throw UserError("gauss_fit", "x_dataset", "only meaningful together with input");
      if (!(x_min_ < x_max_))
        throw UserError("gauss_fit", "x_max", "must be greater than x_min (" + shortest(x_min_) + ")");
      grid_ = kernels::make_grid(kernels::linspace(x_min_, x_max_, points_));
    }
  }

  Layout layout() const override {
    return {.items = fits_,
            .tasks = tasks_given_ > 0 ? tasks_given_ : fits_,
            .item_words = kItemWords,
            .task_words = 0,
            .input_words = from_file() ? points_ : 0};
  }
  std::int64_t work_units() const override { return fits_; }

  void compute(const TaskView& t) const override {
    std::vector<double> y(from_file() ? 0 : static_cast<std::size_t>(points_));
    for (std::int64_t i = t.item_begin; i < t.item_end; ++i) {
      const std::int64_t k = i - t.item_begin;
      const double* spectrum;
      if (from_file()) {
        spectrum = t.inputs + k * points_;
      } else {
        kernels::gauss_synthesize(seed_, i, grid_, noise_, y.data());
        spectrum = y.data();
      }
      const kernels::GaussFit fit = kernels::gauss_fit(grid_, spectrum, options_);
      Word* out = t.item_out + k * kItemWords;
      out[kAmp] = to_word(fit.amplitude);
      out[kMean] = to_word(fit.mean);
      out[kStd] = to_word(fit.stddev);
      out[kConverged] = fit.converged() ? 1 : 0;
      out[kIterations] = static_cast<Word>(fit.iterations);
      out[kResidual] = to_word(fit.residual_norm);
      out[kReason] = static_cast<Word>(fit.status);
    }
  }

  Result reduce(std::span<const Word> item_out, std::span<const Word>) const override {
    const std::size_t fits = item_out.size() / kItemWords;
    std::vector<double> params(3 * fits), residual(fits);
    std::vector<std::int8_t> converged(fits), reason(fits);
    std::vector<std::int64_t> iterations(fits);
    std::int64_t by_reason[kernels::kFitStatusCount] = {};
    double sums[3] = {0, 0, 0};
    std::int64_t ok = 0;
    for (std::size_t i = 0; i < fits; ++i) {  // fit order: the same sums for any rank count
      const Word* row = item_out.data() + i * kItemWords;
      for (int k = 0; k < 3; ++k) params[3 * i + k] = from_word(row[kAmp + k]);
      converged[i] = static_cast<std::int8_t>(row[kConverged]);
      iterations[i] = static_cast<std::int64_t>(row[kIterations]);
      residual[i] = from_word(row[kResidual]);
      const auto code = static_cast<std::int64_t>(row[kReason]);
      reason[i] = static_cast<std::int8_t>(code);
      if (code >= 0 && code < kernels::kFitStatusCount) ++by_reason[code];
      if (converged[i]) {
        ++ok;
        for (int k = 0; k < 3; ++k) sums[k] += params[3 * i + k];
      }
    }
    const std::int64_t n = static_cast<std::int64_t>(fits);
    const std::int64_t failed = n - ok;
    auto mean = [&](int k) { return ok > 0 ? sums[k] / static_cast<double>(ok) : kNaN; };
    Result r;
    r.scalars.emplace_back("fits", n);
    r.scalars.emplace_back("failed", failed);
    r.scalars.emplace_back("mean_amplitude", mean(0));
    r.scalars.emplace_back("mean_mean", mean(1));
    r.scalars.emplace_back("mean_stddev", mean(2));
    r.arrays.emplace_back("params", Array{{n, 3}, std::move(params)});
    r.arrays.emplace_back("converged", Array{{n}, std::move(converged)});
    r.arrays.emplace_back("iterations", Array{{n}, std::move(iterations)});
    r.arrays.emplace_back("residual", Array{{n}, std::move(residual)});
    r.arrays.emplace_back("failure_reason", Array{{n}, std::move(reason)});
    if (failed > 0) {
      std::string parts;
      for (int c = 1; c < kernels::kFitStatusCount; ++c) {
        if (by_reason[c] == 0) continue;
        parts += (parts.empty() ? "" : ", ") + std::to_string(by_reason[c]) + " " +
                 kernels::fit_status_name(static_cast<FitStatus>(c));
      }
      r.note = std::to_string(failed) + " of " + std::to_string(n) + " fits failed (" + parts + ")";
    }
    return r;
  }

  Verification verify(const Result& result) const override {
    const auto& params = std::get<std::vector<double>>(array(result, "params").data);
    const auto& converged = std::get<std::vector<std::int8_t>>(array(result, "converged").data);
    const auto& residual = std::get<std::vector<double>>(array(result, "residual").data);
    const auto& reason = std::get<std::vector<std::int8_t>>(array(result, "failure_reason").data);
    return from_file() ? verify_file(params, converged, residual, reason) : verify_synthetic(params, converged);
  }

  std::optional<ExternalInputs> load_inputs() const override {
    if (!from_file()) return std::nullopt;
    return load_file();
  }

  void attach_inputs(const ExternalInputs& inputs) override {
    fits_ = inputs.items;
    points_ = inputs.input_words;
    grid_ = kernels::make_grid(inputs.shared);
    // Rank 0 gets the rows too; verify() needs them (elsewhere it would read the file again).
    if (inputs.rows) rows_ = inputs.rows;
  }

 private:
  bool from_file() const { return !input_.empty(); }

  static const Array& array(const Result& r, const std::string& name) {
    for (const auto& [key, a] : r.arrays)
      if (key == name) return a;
    throw std::out_of_range("gauss_fit result has no array " + name);
  }

  ExternalInputs load_file() const {
    const std::string& where = input_;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(input_path_, ec))
      throw UserError(where, "", "no such file (looked for " + input_path_.string() + ")");
    h5::silence_hdf5_errors();  // rank 0 reports problems as one line, not HDF5's error stack
    if (!h5::is_hdf5(input_path_.string())) throw UserError(where, "", "not an HDF5 file");
    h5::Object file;
    try {
      file = h5::open_file(input_path_.string(), false);
    } catch (const std::runtime_error&) {
      throw UserError(where, "", "cannot be opened as an HDF5 file");
    }
    std::vector<std::int64_t> y_shape;
    std::vector<double> y =
        read_numeric(file.id(), where, dataset_, 2, "must be a 2-D dataset of numbers (fits x points)", y_shape);
    const std::int64_t fits = y_shape[0];
    const std::int64_t points = y_shape[1];
    if (fits < 1) throw UserError(where, dataset_, "must hold at least one spectrum, got 0 rows");
    if (points < 3)
      throw UserError(where, dataset_, "spectra need at least 3 points (3 parameters), got " + std::to_string(points));

    std::vector<double> x;
    if (!x_dataset_.empty()) {
      const std::string expected = "must be a 1-D dataset of " + std::to_string(points) +
                                   " numbers (the x of every spectrum in " + dataset_ + ")";
      std::vector<std::int64_t> x_shape;
      x = read_numeric(file.id(), where, x_dataset_, 1, expected, x_shape);
      if (x_shape[0] != points)
        throw UserError(where, x_dataset_, expected + ", got " + std::to_string(x_shape[0]) + " values");
      if (!std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); }))
        throw UserError(where, x_dataset_, "x values must be finite, got NaN or Inf");
      const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
      if (!(*lo < *hi)) throw UserError(where, x_dataset_, "x values must not all be equal");
    } else {
      if (!(x_min_ < x_max_))
        throw UserError("gauss_fit", "x_max", "must be greater than x_min (" + shortest(x_min_) + ")");
      x = kernels::linspace(x_min_, x_max_, points);
    }
    ExternalInputs in;
    in.items = fits;
    in.input_words = points;
    in.shared = std::move(x);
    in.rows = std::make_shared<const std::vector<double>>(std::move(y));
    return in;
  }

  // Converged fits against the true parameters. Tolerance: kSigmas standard errors from the Fisher information
  // noise² (JᵀJ)⁻¹ at the truth (what least squares can resolve at this noise), plus 1e-8 relative for the
  // stopping rule when the noise is 0.
  Verification verify_synthetic(const std::vector<double>& params, const std::vector<std::int8_t>& converged) const {
    std::int64_t checked = 0, outside = 0, failed = 0;
    double worst = 0.0;
    for (std::int64_t i = 0; i < fits_; ++i) {
      if (!converged[static_cast<std::size_t>(i)]) {
        ++failed;
        continue;
      }
      const kernels::GaussTruth t = kernels::gauss_truth(seed_, i, grid_);
      double se[3];
      standard_errors(t, se);
      const double truth[3] = {t.amplitude, t.mean, t.stddev};
      bool bad = false;
      for (int k = 0; k < 3; ++k) {
        const double dev = std::abs(params[static_cast<std::size_t>(3 * i + k)] - truth[k]);
        const double tol = kSigmas * se[k] + 1e-8 * (1.0 + std::abs(truth[k]));
        if (!(dev <= tol)) bad = true;
        if (se[k] > 0.0) worst = std::max(worst, dev / se[k]);
      }
      ++checked;
      outside += bad ? 1 : 0;
    }
    std::string detail = "synthetic truth: " + std::to_string(checked - outside) + " of " + std::to_string(checked) +
                         " converged fits within " + shortest(kSigmas) +
                         " standard errors (Fisher information at the true parameters, noise " + shortest(noise_) +
                         ") of their true amplitude, mean and stddev";
    if (noise_ > 0.0) detail += "; worst " + shortest(worst) + " standard errors";
    if (failed > 0) detail += "; " + std::to_string(failed) + " failed fits not compared";
    if (checked == 0) detail += "; no converged fit to compare";
    // Fisher-information errors are a linear approximation; faint or narrow peaks (low signal-to-noise) fall outside
    // it, and in 10^4–10^5 synthetic fits about 0.1 % do. A wrong fit would put far more outside, so allow 1 %.
    detail += "; allowed: 1 % outside";
    return {checked > 0 && outside * 100 <= checked, detail};
  }

  // Standard errors of (A, mu, sigma) for this grid and noise: sqrt of the diagonal of noise² (JᵀJ)⁻¹.
  void standard_errors(const kernels::GaussTruth& t, double* se) const {
    double h[3][3] = {};
    for (double x : grid_.x) {
      const double d = x - t.mean;
      const double e = std::exp(-d * d / (2.0 * t.stddev * t.stddev));
      const double j[3] = {e, t.amplitude * e * d / (t.stddev * t.stddev),
                           t.amplitude * e * d * d / (t.stddev * t.stddev * t.stddev)};
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) h[a][b] += j[a] * j[b];
    }
    // Diagonal of the inverse by cofactors.
    const double det = h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
                       h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                       h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
    const double inv_diag[3] = {(h[1][1] * h[2][2] - h[1][2] * h[2][1]) / det,
                                (h[0][0] * h[2][2] - h[0][2] * h[2][0]) / det,
                                (h[0][0] * h[1][1] - h[0][1] * h[1][0]) / det};
    for (int k = 0; k < 3; ++k) se[k] = noise_ * std::sqrt(std::max(inv_diag[k], 0.0));
  }

  // File data have no truth: check that every converged fit has finite parameters and the residual norm a plain
  // scalar recomputation gives, and that exactly the spectra holding NaN/Inf were flagged as non-finite.
  Verification verify_file(const std::vector<double>& params, const std::vector<std::int8_t>& converged,
                           const std::vector<double>& residual, const std::vector<std::int8_t>& reason) const {
    std::shared_ptr<const std::vector<double>> rows = rows_;
    if (!rows) rows = load_file().rows;  // attached without rows
    std::int64_t checked = 0, bad = 0, flag_mismatch = 0;
    double worst = 0.0;
    for (std::int64_t i = 0; i < fits_; ++i) {
      const double* y = rows->data() + i * points_;
      const bool finite_data = std::all_of(y, y + points_, [](double v) { return std::isfinite(v); });
      const bool flagged = reason[static_cast<std::size_t>(i)] == static_cast<std::int8_t>(FitStatus::kNonFiniteData);
      if (finite_data == flagged) ++flag_mismatch;
      if (!converged[static_cast<std::size_t>(i)]) continue;
      ++checked;
      const double* p = params.data() + 3 * i;
      if (!(std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]) && p[2] > 0.0)) {
        ++bad;
        continue;
      }
      double sum = 0.0, y_scale = 0.0;
      for (std::int64_t k = 0; k < points_; ++k) {
        const double d = grid_.x[static_cast<std::size_t>(k)] - p[1];
        const double r = p[0] * std::exp(-d * d / (2.0 * p[2] * p[2])) - y[k];
        sum += r * r;
        y_scale = std::max(y_scale, std::abs(y[k]));
      }
      const double ref = std::sqrt(sum);
      // Rounding: the kernel's exp and summation order differ from this loop by a few ulp per point.
      const double diff = std::abs(residual[static_cast<std::size_t>(i)] - ref);
      const double tol = 1e-9 * ref + 1e-13 * y_scale * std::sqrt(static_cast<double>(points_));
      if (!(diff <= tol)) ++bad;
      if (ref > 0.0) worst = std::max(worst, diff / ref);
    }
    std::string detail = "file data (no truth): " + std::to_string(checked - bad) + " of " + std::to_string(checked) +
                         " converged fits have finite parameters and the residual norm of a scalar recomputation "
                         "(worst relative difference " +
                         shortest(worst) + "); non-finite flags " +
                         (flag_mismatch == 0 ? std::string("match the spectra holding NaN/Inf")
                                             : std::to_string(flag_mismatch) + " disagree with the data");
    return {bad == 0 && flag_mismatch == 0, detail};
  }

  std::int64_t fits_, points_;
  double x_min_, x_max_, noise_;
  std::uint32_t seed_;
  std::int64_t tasks_given_;  // 0: one task per fit
  std::string dataset_, x_dataset_, input_;
  std::filesystem::path input_path_;
  kernels::GaussFitOptions options_;
  GaussGrid grid_;
  std::shared_ptr<const std::vector<double>> rows_;  // file spectra, rank 0 only (for verify)
};

}  // namespace

WorkloadEntry gauss_fit_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "gauss_fit",
      "the tutorial's my_func2: Levenberg-Marquardt fit of A exp(-(x-mu)^2/(2 sigma^2)) to each spectrum "
      "(synthetic, or rows of an HDF5 dataset); results: parameters, convergence, iterations, residual per fit",
      {
          ParamSpec{"fits",
                    ParamType::kInteger,
                    "synthetic spectra to fit (ignored with input)",
                    std::int64_t{1000},
                    1,
                    1e9,
                    {},
                    true},
          ParamSpec{"points", ParamType::kInteger, "points per synthetic spectrum (ignored with input)",
                    std::int64_t{100}, 3, 1e6},
          ParamSpec{"x_min", ParamType::kReal, "first x of the grid (synthetic, or input without x_dataset)", -5.0,
                    -1e12, 1e12},
          ParamSpec{"x_max", ParamType::kReal, "last x of the grid (synthetic, or input without x_dataset)", 5.0, -1e12,
                    1e12},
          ParamSpec{"noise", ParamType::kReal, "standard deviation of the Gaussian noise of synthetic spectra", 0.05, 0,
                    1e6},
          ParamSpec{"seed", ParamType::kInteger, "Philox key of the synthetic spectra (streams keyed by seed, fit)",
                    std::int64_t{12345}, 0, 4294967295.0},
          ParamSpec{"input", ParamType::kString,
                    "HDF5 file of measured spectra (relative paths from the config's folder); default: synthetic",
                    std::nullopt},
          ParamSpec{"dataset", ParamType::kString, "dataset in input holding the spectra, fits x points",
                    std::string("/y")},
          ParamSpec{"x_dataset", ParamType::kString,
                    "1-D dataset in input holding x (default: linspace(x_min, x_max, points))", std::nullopt},
          ParamSpec{"max_iterations", ParamType::kInteger, "model evaluations per fit before it counts as failed",
                    std::int64_t{200}, 1, 1e6},
          ParamSpec{"start_amplitude", ParamType::kReal, "start guess of A (the tutorial's 1)", 1.0, -1e12, 1e12},
          ParamSpec{"start_mean", ParamType::kReal, "start guess of mu (the tutorial's 0)", 0.0, -1e12, 1e12},
          ParamSpec{"start_stddev", ParamType::kReal, "start guess of sigma (the tutorial's 1)", 1.0, 1e-12, 1e12},
          tasks_param(std::nullopt),
      },
      [](const param::Params& p, const std::filesystem::path& config_dir) {
        return std::make_unique<GaussFitWorkload>(p, config_dir);
      },
  };
}

}  // namespace parbench::workloads
