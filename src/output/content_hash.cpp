#include "output/content_hash.hpp"

#include <type_traits>

#include "core/hash.hpp"

namespace parbench::output {
namespace {

// Element type tags, so that equal bytes of different types hash differently.
template <class T>
std::int64_t type_tag() {
  if constexpr (std::is_same_v<T, double>) return 1;
  if constexpr (std::is_same_v<T, std::int64_t>) return 2;
  if constexpr (std::is_same_v<T, std::int8_t>) return 3;
  if constexpr (std::is_same_v<T, std::string>) return 4;
  return 0;
}

}  // namespace

std::string content_hash(const workloads::Array& array) {
  Hasher h;
  std::visit(
      [&](const auto& data) {
        using T = typename std::decay_t<decltype(data)>::value_type;
        h.add(type_tag<T>()).add(static_cast<std::int64_t>(array.shape.size()));
        for (std::int64_t d : array.shape) h.add(d);
        h.add(data.data(), data.size() * sizeof(T));
      },
      array.data);
  return h.hex();
}

std::string content_hash(const workloads::Scalar& scalar) {
  Hasher h;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        h.add(type_tag<T>()).add(std::int64_t{0});
        if constexpr (std::is_same_v<T, std::string>)
          h.add(v);
        else
          h.add(&v, sizeof v);
      },
      scalar);
  return h.hex();
}

std::string content_hash(const std::string& text) { return content_hash(workloads::Scalar{text}); }

std::string result_hash(const workloads::Result& result) {
  Hasher h;
  for (const auto& [name, scalar] : result.scalars) h.add(name).add(content_hash(scalar));
  for (const auto& [name, array] : result.arrays) h.add(name).add(content_hash(array));
  return h.hex();
}

}  // namespace parbench::output
