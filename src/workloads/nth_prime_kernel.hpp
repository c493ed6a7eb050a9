#pragma once
// nth_prime's kernel: the tutorial's algorithm, counting primes found by trial division up to sqrt(n).
#include <cstdint>

namespace parbench::workloads::kernels {

// The nth prime (n >= 1; 1 is not prime, so nth_prime(1) == 2). Trial division by 2 and the odd numbers up to
// sqrt(candidate), many divisors per step; identical answers on every build (exact arithmetic only).
std::int64_t nth_prime(std::int64_t n);

// The same search one divisor at a time in plain integer arithmetic: the reference the fast path is tested against.
std::int64_t nth_prime_scalar(std::int64_t n);

}  // namespace parbench::workloads::kernels
