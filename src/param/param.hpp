#pragma once
// Typed parameters that describe themselves. One ParamSpec list per registry entry validates configs,
// prints `parbench list`, and names the HDF5 attributes of a run.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace parbench::param {

// kCountOrAuto: a positive integer or "auto" (chunk, repetitions). kDuration: "1h30m", "20m", "90s" or a number of
// seconds, stored as seconds (double).
enum class ParamType { kInteger, kReal, kBoolean, kString, kIntegerList, kCountOrAuto, kDuration };
const char* type_name(ParamType type);

// "auto" in a kCountOrAuto parameter.
inline constexpr std::int64_t kAuto = 0;

using ParamValue = std::variant<std::int64_t, double, bool, std::string, std::vector<std::int64_t>>;
std::string to_string(const ParamValue& value);

struct ParamSpec {
  std::string name;
  ParamType type;
  std::string description;
  std::optional<ParamValue> default_value;  // nullopt: optional with no default (absent unless given)
  std::optional<double> min{};              // inclusive bounds for numbers (and list elements)
  std::optional<double> max{};
  std::vector<std::string> choices{};  // allowed strings
  bool scales_with_ranks = false;      // the work size: multiplied by ranks in weak-scaling studies
};

// Parameters of one entry, every spec'd parameter present (defaults filled in), in spec order.
class Params {
 public:
  void set(const std::string& name, ParamValue value);
  bool has(const std::string& name) const;
  const ParamValue& get(const std::string& name) const;  // throws std::out_of_range
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& string(const std::string& name) const;
  const std::vector<std::int64_t>& integers(const std::string& name) const;
  const std::vector<std::pair<std::string, ParamValue>>& items() const { return values_; }
  bool operator==(const Params&) const = default;

 private:
  std::vector<std::pair<std::string, ParamValue>> values_;
};

// Validates `table` against `specs`, ignoring the keys in `reserved` (e.g. "kind").
// `file` and `path` (e.g. "workload[2]") name the place in errors. Throws UserError.
Params validate(const toml::table& table, const std::vector<ParamSpec>& specs, const std::string& file,
                const std::string& path, const std::vector<std::string>& reserved);

// Every parameter at its default (no validation needed).
Params defaults(const std::vector<ParamSpec>& specs);

// "n = 100000 (integer, default 100000, >= 1): elements" — one line for `parbench list`.
std::string describe(const ParamSpec& spec);

}  // namespace parbench::param
