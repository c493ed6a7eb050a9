#pragma once
// Content hashes: 128-bit XXH3 (libxxhash), as 32 hex digits. Equal bytes give equal hashes; a collision between
// different bytes is as unlikely as ~2^-64 per pair, so parbench treats equal hashes as equal content.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace parbench {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  Hasher& add(const void* data, std::size_t bytes);
  Hasher& add(const std::string& text);  // its length too, so that ("ab", "c") and ("a", "bc") differ
  Hasher& add(std::int64_t value) { return add(&value, sizeof value); }
  std::string hex() const;  // the digest so far

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace parbench
