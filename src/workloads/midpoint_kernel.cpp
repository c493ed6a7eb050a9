// Built with -fopenmp-simd: the reduction vectorises (a fixed summation order for a given build, so results stay
// identical across ranks). x is computed from the integer index, never accumulated, so no drift.
#include <cmath>

#include "workloads/kernels.hpp"

namespace parbench::workloads::kernels {
namespace {

template <class F>
double sum_range(F f, double a, double h, std::int64_t begin, std::int64_t end) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (std::int64_t i = begin; i < end; ++i) s += f(a + (static_cast<double>(i) + 0.5) * h);
  return s;
}

}  // namespace

double integrand(Integrand f, double x) {
  switch (f) {
    case Integrand::kPi:
      return 4.0 / (1.0 + x * x);
    case Integrand::kSin:
      return std::sin(x);
    case Integrand::kExp:
      return std::exp(x);
    case Integrand::kSquare:
      return x * x;
  }
  return 0.0;
}

double midpoint_range(Integrand f, double a, double h, std::int64_t begin, std::int64_t end) {
  switch (f) {
    case Integrand::kPi:
      return sum_range([](double x) { return 4.0 / (1.0 + x * x); }, a, h, begin, end);
    case Integrand::kSquare:
      return sum_range([](double x) { return x * x; }, a, h, begin, end);
    // sin and exp stay scalar libm calls: same code on every rank, exact reproducibility over speed.
    case Integrand::kSin:
    case Integrand::kExp: {
      double s = 0.0;
      for (std::int64_t i = begin; i < end; ++i) s += integrand(f, a + (static_cast<double>(i) + 0.5) * h);
      return s;
    }
  }
  return 0.0;
}

}  // namespace parbench::workloads::kernels
