#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.hpp"
#include "workloads/gauss_fit_kernel.hpp"
#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

namespace fs = std::filesystem;
using kernels::FitStatus;

const WorkloadEntry& entry() { return *find("gauss_fit"); }

double gaussian(double x, double a, double mu, double s) { return a * std::exp(-(x - mu) * (x - mu) / (2 * s * s)); }

template <class T>
const std::vector<T>& array_of(const Result& r, const std::string& name) {
  for (const auto& [key, a] : r.arrays)
    if (key == name) return std::get<std::vector<T>>(a.data);
  throw std::out_of_range(name);
}
template <class T>
T scalar_of(const Result& r, const std::string& name) {
  for (const auto& [key, v] : r.scalars)
    if (key == name) return std::get<T>(v);
  throw std::out_of_range(name);
}

// A scratch folder per test, removed afterwards.
class GaussFitFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parbench_gauss_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes datasets of doubles (name -> dims, values) to dir/file.
  void write(const std::string& file,
             const std::vector<std::tuple<std::string, std::vector<hsize_t>, std::vector<double>>>& datasets) {
    const hid_t f = H5Fcreate((dir_ / file).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t links = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(links, 1);
    for (const auto& [name, dims, values] : datasets) {
      const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
      const hid_t d = H5Dcreate2(f, name.c_str(), H5T_IEEE_F64LE, space, links, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      H5Dclose(d);
      H5Sclose(space);
    }
    H5Pclose(links);
    H5Fclose(f);
  }

  // Makes the workload on the file, loads and attaches the inputs as rank 0 would, and runs every task.
  struct Run {
    std::unique_ptr<Workload> workload;
    testing::SerialOutput out;
  };
  Run run(const std::string& toml) {
    Run r;
    r.workload = entry().make(testing::params_for(entry(), toml), dir_);
    const std::optional<ExternalInputs> in = r.workload->load_inputs();
    EXPECT_TRUE(in.has_value());
    r.workload->attach_inputs(*in);
    r.out = testing::run_serial(*r.workload, in->rows.get());
    return r;
  }

  std::string load_error(const std::string& toml) {
    try {
      entry().make(testing::params_for(entry(), toml), dir_)->load_inputs();
    } catch (const UserError& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
};

TEST(GaussFitKernel, RecoversKnownParametersOnCleanData) {
  const kernels::GaussGrid grid = kernels::make_grid(kernels::linspace(-5, 5, 100));
  struct Case {
    double a, mu, s;
  };
  for (const Case c : {Case{1.3, 0.4, 0.8}, Case{0.5, -1.2, 1.5}, Case{2.0, 1.9, 0.3}, Case{-0.7, 0.2, 1.1}}) {
    std::vector<double> y;
    for (double x : grid.x) y.push_back(gaussian(x, c.a, c.mu, c.s));
    const kernels::GaussFit fit = kernels::gauss_fit(grid, y.data(), {});
    ASSERT_TRUE(fit.converged()) << c.a << " " << c.mu << " " << c.s;
    EXPECT_NEAR(fit.amplitude, c.a, 1e-9);
    EXPECT_NEAR(fit.mean, c.mu, 1e-9);
    EXPECT_NEAR(fit.stddev, c.s, 1e-9);
    EXPECT_LT(fit.residual_norm, 1e-9);
  }
}

TEST(GaussFitKernel, FailuresAreFlaggedNotFatal) {
  const kernels::GaussGrid grid = kernels::make_grid(kernels::linspace(-5, 5, 100));
  std::vector<double> y(100);
  for (std::size_t i = 0; i < 100; ++i) y[i] = gaussian(grid.x[i], 1, 0, 1);

  y[17] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(kernels::gauss_fit(grid, y.data(), {}).status, FitStatus::kNonFiniteData);
  y[17] = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(kernels::gauss_fit(grid, y.data(), {}).status, FitStatus::kNonFiniteData);

  for (double level : {0.0, 0.3, 1.0, -2.0}) {  // flat lines: no peak to fit
    std::fill(y.begin(), y.end(), level);
    const kernels::GaussFit fit = kernels::gauss_fit(grid, y.data(), {});
    EXPECT_FALSE(fit.converged()) << level;
    EXPECT_NE(fit.status, FitStatus::kOk) << level;
  }
  std::fill(y.begin(), y.end(), 0.0);  // a single spike: sigma not determined by the data
  y[63] = 1.0;
  EXPECT_FALSE(kernels::gauss_fit(grid, y.data(), {}).converged());

  kernels::GaussFitOptions few;  // too few iterations to get there
  few.max_iterations = 2;
  for (std::size_t i = 0; i < 100; ++i) y[i] = gaussian(grid.x[i], 1.5, 1.2, 0.7);
  EXPECT_EQ(kernels::gauss_fit(grid, y.data(), few).status, FitStatus::kNotConverged);
}

TEST(GaussFitKernel, SynthesisDependsOnlyOnSeedAndFit) {
  const kernels::GaussGrid grid = kernels::make_grid(kernels::linspace(-5, 5, 101));
  std::vector<double> a(101), b(101), c(101);
  kernels::gauss_synthesize(7, 123, grid, 0.05, a.data());
  kernels::gauss_synthesize(7, 124, grid, 0.05, c.data());
  kernels::gauss_synthesize(7, 123, grid, 0.05, b.data());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Noise is standard normal times `noise`: check its spread over many points.
  double sum2 = 0;
  std::size_t n = 0;
  for (std::int64_t f = 0; f < 200; ++f) {
    kernels::gauss_synthesize(7, f, grid, 0.05, a.data());
    const kernels::GaussTruth t = kernels::gauss_truth(7, f, grid);
    for (std::size_t i = 0; i < 101; ++i, ++n)
      sum2 += std::pow(a[i] - gaussian(grid.x[i], t.amplitude, t.mean, t.stddev), 2);
  }
  EXPECT_NEAR(std::sqrt(sum2 / static_cast<double>(n)), 0.05, 0.002);
}

TEST(GaussFit, SyntheticFitsRecoverTheirTruthAndVerify) {
  const auto w = entry().make(testing::params_for(entry(), "fits = 200\ntasks = 7"), ".");
  const auto out = testing::run_serial(*w);
  EXPECT_EQ(scalar_of<std::int64_t>(out.result, "fits"), 200);
  EXPECT_EQ(scalar_of<std::int64_t>(out.result, "failed"), 0);
  EXPECT_TRUE(out.result.note.empty()) << out.result.note;
  const Verification v = w->verify(out.result);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_NE(v.detail.find("synthetic truth"), std::string::npos);
  // Clean data: every fit lands on its truth.
  const auto clean = entry().make(testing::params_for(entry(), "fits = 50\nnoise = 0.0"), ".");
  const Result r = testing::run_serial(*clean).result;
  const auto& p = array_of<double>(r, "params");
  const kernels::GaussGrid grid = kernels::make_grid(kernels::linspace(-5, 5, 100));
  for (std::int64_t f = 0; f < 50; ++f) {
    const kernels::GaussTruth t = kernels::gauss_truth(12345, f, grid);
    EXPECT_NEAR(p[3 * f], t.amplitude, 1e-8);
    EXPECT_NEAR(p[3 * f + 1], t.mean, 1e-8);
    EXPECT_NEAR(p[3 * f + 2], t.stddev, 1e-8);
  }
}

TEST(GaussFit, BitsDoNotDependOnTasksOrRepetition) {
  const auto a = entry().make(testing::params_for(entry(), "fits = 40\ntasks = 3"), ".");
  const auto b = entry().make(testing::params_for(entry(), "fits = 40"), ".");
  const auto first = testing::run_serial(*a);
  EXPECT_EQ(first.item_out, testing::run_serial(*a).item_out);
  EXPECT_EQ(first.item_out, testing::run_serial(*b).item_out);
  EXPECT_EQ(b->layout().tasks, 40);
}

// Grids that are not a whole number of vectors, and one too long for the kernel's stack buffer.
TEST(GaussFit, AwkwardGridSizesVerify) {
  for (int points : {7, 13, 100, 1001}) {
    const auto w = entry().make(testing::params_for(entry(), "fits = 30\npoints = " + std::to_string(points)), ".");
    const Result r = testing::run_serial(*w).result;
    const Verification v = w->verify(r);
    EXPECT_TRUE(v.ok) << points << ": " << v.detail;
    EXPECT_LE(scalar_of<std::int64_t>(r, "failed"), points < 10 ? 10 : 0) << points;
  }
}

TEST(GaussFit, RejectsAnEmptyRange) {
  EXPECT_THROW(entry().make(testing::params_for(entry(), "x_min = 1.0\nx_max = 1.0"), "."), UserError);
}

TEST_F(GaussFitFile, FitsRowsAndFlagsBadOnes) {
  const std::vector<double> x = kernels::linspace(-4, 6, 80);
  std::vector<double> y;
  auto add = [&](auto f) {
    for (double xi : x) y.push_back(f(xi));
  };
  add([](double xi) { return gaussian(xi, 1.2, 0.5, 0.9); });
  add([](double) { return 0.7; });                                                  // flat
  add([](double xi) { return xi == 0.0 ? std::nan("") : gaussian(xi, 1, 0, 1); });  // no exact 0 in x: finite
  add([](double xi) { return gaussian(xi, 0.8, 1.5, 1.3); });
  y[2 * 80 + 5] = std::numeric_limits<double>::infinity();  // row 2 now non-finite
  write("spectra.h5", {{"/y", {4, 80}, y}, {"/x", {80}, x}});

  const Run r = run("input = 'spectra.h5'\nx_dataset = '/x'");
  const Result& res = r.out.result;
  EXPECT_EQ(scalar_of<std::int64_t>(res, "fits"), 4);
  EXPECT_EQ(scalar_of<std::int64_t>(res, "failed"), 2);
  EXPECT_EQ(array_of<std::int8_t>(res, "converged"), (std::vector<std::int8_t>{1, 0, 0, 1}));
  EXPECT_EQ(array_of<std::int8_t>(res, "failure_reason")[2], static_cast<std::int8_t>(FitStatus::kNonFiniteData));
  EXPECT_EQ(res.note.rfind("2 of 4 fits failed (", 0), 0u) << res.note;
  EXPECT_NE(res.note.find("1 non-finite data"), std::string::npos) << res.note;
  const auto& p = array_of<double>(res, "params");
  EXPECT_NEAR(p[0], 1.2, 1e-9);
  EXPECT_NEAR(p[1], 0.5, 1e-9);
  EXPECT_NEAR(p[2], 0.9, 1e-9);
  EXPECT_NEAR(p[9], 0.8, 1e-9);
  EXPECT_NEAR(scalar_of<double>(res, "mean_amplitude"), 1.0, 1e-9);
  EXPECT_EQ(r.workload->layout().input_words, 80);
  const Verification v = r.workload->verify(res);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_NE(v.detail.find("file data"), std::string::npos) << v.detail;
}

TEST_F(GaussFitFile, WithoutXDatasetUsesTheGridParameters) {
  const std::vector<double> x = kernels::linspace(0, 20, 50);
  std::vector<double> y;
  for (double xi : x) y.push_back(gaussian(xi, 3, 9, 2));
  write("one.h5", {{"/data/y", {1, 50}, y}});
  const Run r =
      run("input = 'one.h5'\ndataset = '/data/y'\nx_min = 0.0\nx_max = 20.0\nstart_mean = 10.0\n"
          "start_stddev = 3.0");
  const auto& p = array_of<double>(r.out.result, "params");
  EXPECT_NEAR(p[1], 9.0, 1e-9);
  EXPECT_TRUE(r.workload->verify(r.out.result).ok);
}

TEST_F(GaussFitFile, BadInputsAreUserErrorsNamingFileAndDataset) {
  write("spectra.h5", {{"/y", {10}, std::vector<double>(10, 1.0)},
                       {"/y2", {2, 2}, std::vector<double>(4, 1.0)},
                       {"/y3", {2, 10}, std::vector<double>(20, 1.0)},
                       {"/x9", {9}, std::vector<double>(9, 1.0)},
                       {"/xflat", {10}, std::vector<double>(10, 1.0)}});
  std::ofstream(dir_ / "text.h5") << "not hdf5\n";
  EXPECT_EQ(load_error("input = 'spectra.h5'"),
            "spectra.h5: /y: must be a 2-D dataset of numbers (fits x points), got rank 1");
  EXPECT_NE(load_error("input = 'missing.h5'").find("missing.h5: no such file"), std::string::npos);
  EXPECT_EQ(load_error("input = 'text.h5'"), "text.h5: not an HDF5 file");
  EXPECT_NE(load_error("input = 'spectra.h5'\ndataset = '/nope'").find("spectra.h5: /nope: no such dataset"),
            std::string::npos);
  EXPECT_NE(load_error("input = 'spectra.h5'\ndataset = '/y2'").find("at least 3 points"), std::string::npos);
  EXPECT_NE(load_error("input = 'spectra.h5'\ndataset = '/y3'\nx_dataset = '/x9'").find("spectra.h5: /x9: must be"),
            std::string::npos);
  EXPECT_NE(load_error("input = 'spectra.h5'\ndataset = '/y3'\nx_dataset = '/xflat'").find("not all be equal"),
            std::string::npos);
  EXPECT_EQ(load_error("input = 'spectra.h5'\ndataset = '/y3'"), "no error");
}

}  // namespace
}  // namespace parbench::workloads
