// Single-core timings of each workload's kernel in its natural unit, to compare with the limits measured on this
// machine kind (see kernels.sh for the table). Each benchmark reports a counter `<unit>_per_<thing>`: the time per
// unit in the unit named (e.g. ns_per_dart), taken from the benchmark's real time.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "workloads/gauss_fit_kernel.hpp"
#include "workloads/kernels.hpp"
#include "workloads/monte_carlo_pi_kernel.hpp"
#include "workloads/nth_prime_kernel.hpp"

namespace {

using namespace parbench::workloads;

// Time per unit, scaled: with value = units * scale, the inverted rate is seconds / (units * scale) per iteration.
benchmark::Counter per_unit(double units_per_iteration, double scale) {
  return benchmark::Counter(units_per_iteration * scale,
                            benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// trig: the tutorial's setting, n = 10^5 elements starting at n, 100 iterations each.
void BM_Trig(benchmark::State& state) {
  constexpr std::int64_t n = 100000, iterations = 100;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::trig_range(0, n, iterations, false, static_cast<double>(n), nullptr));
  }
  state.counters["ns_per_element_iteration"] = per_unit(static_cast<double>(n * iterations), 1e-9);
}
BENCHMARK(BM_Trig)->Unit(benchmark::kMillisecond);

// gauss_fit: 1000 synthetic spectra of 100 points on [-5, 5] with noise 0.05 (the workload's defaults), generated
// before timing; only the fits are timed.
void BM_GaussFit(benchmark::State& state) {
  constexpr std::int64_t fits = 1000, points = 100;
  const kernels::GaussGrid grid = kernels::make_grid(kernels::linspace(-5.0, 5.0, points));
  std::vector<double> y(static_cast<std::size_t>(fits * points));
  for (std::int64_t f = 0; f < fits; ++f) kernels::gauss_synthesize(12345, f, grid, 0.05, y.data() + f * points);
  const kernels::GaussFitOptions options;
  std::int64_t failed = 0;
  for (auto _ : state) {
    for (std::int64_t f = 0; f < fits; ++f) {
      const kernels::GaussFit fit = kernels::gauss_fit(grid, y.data() + f * points, options);
      failed += fit.converged() ? 0 : 1;
      benchmark::DoNotOptimize(fit);
    }
  }
  if (failed > 0) state.SkipWithError("some benchmark fits failed");
  state.counters["us_per_fit"] = per_unit(static_cast<double>(fits), 1e-6);
}
BENCHMARK(BM_GaussFit)->Unit(benchmark::kMillisecond);

// monte_carlo_pi: 10^7 darts of one job.
void BM_MonteCarloPi(benchmark::State& state) {
  constexpr std::uint64_t darts = 10000000;
  std::uint32_t job = 0;
  for (auto _ : state) benchmark::DoNotOptimize(kernels::pi_hits(12345, job++, 0, darts));
  state.counters["ns_per_dart"] = per_unit(static_cast<double>(darts), 1e-9);
}
BENCHMARK(BM_MonteCarloPi)->Unit(benchmark::kMillisecond);

// nth_prime: the tutorial's N = 20000 (the 20000th prime, 224737), one call per iteration.
void BM_NthPrime(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kernels::nth_prime(20000));
  state.counters["ms_per_call"] = per_unit(1.0, 1e-3);
}
BENCHMARK(BM_NthPrime)->Unit(benchmark::kMillisecond);

// midpoint: ∫₀¹ 4/(1+x²) dx with N = 10^8 subintervals.
void BM_Midpoint(benchmark::State& state) {
  constexpr std::int64_t n = 100000000;
  const double h = 1.0 / static_cast<double>(n);
  for (auto _ : state) benchmark::DoNotOptimize(kernels::midpoint_range(kernels::Integrand::kPi, 0.0, h, 0, n));
  state.counters["ns_per_subinterval"] = per_unit(static_cast<double>(n), 1e-9);
}
BENCHMARK(BM_Midpoint)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
