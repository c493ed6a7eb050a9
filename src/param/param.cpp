#include "param/param.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace parbench::param {
namespace {

std::string format_number(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e16) return std::to_string(static_cast<long long>(v));
  std::ostringstream out;
  out << v;
  return out.str();
}

// "between 1 and 1000", ">= 2", "" — the allowed range of a number.
std::string range_text(const ParamSpec& spec) {
  if (spec.min && spec.max) return "between " + format_number(*spec.min) + " and " + format_number(*spec.max);
  if (spec.min) return ">= " + format_number(*spec.min);
  if (spec.max) return "<= " + format_number(*spec.max);
  return "";
}

// "a positive integer", "an integer between 1 and 1000", ...
std::string number_text(const ParamSpec& spec, const std::string& noun) {
  if (spec.min && !spec.max && *spec.min == 1 && noun == "integer") return "a positive integer";
  if (spec.min && !spec.max && *spec.min == 0) return "a non-negative " + noun;
  const std::string range = range_text(spec);
  return std::string(noun == "integer" ? "an " : "a ") + noun + (range.empty() ? "" : " " + range);
}

std::string expectation(const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kInteger:
      return "must be " + number_text(spec, "integer");
    case ParamType::kReal:
      return "must be " + number_text(spec, "number");
    case ParamType::kBoolean:
      return "must be true or false";
    case ParamType::kString: {
      if (spec.choices.empty()) return "must be a string";
      std::string s = "must be one of";
      for (std::size_t i = 0; i < spec.choices.size(); ++i) s += (i ? ", \"" : " \"") + spec.choices[i] + "\"";
      return s;
    }
    case ParamType::kIntegerList:
      return "must be a non-empty list of integers" + (range_text(spec).empty() ? "" : " " + range_text(spec));
    case ParamType::kCountOrAuto:
      return "must be a positive integer or \"auto\"";
    case ParamType::kDuration:
      return "must be a duration such as \"20m\", \"1h30m\", \"90s\" or a number of seconds" +
             (range_text(spec).empty() ? "" : " (" + range_text(spec) + " seconds)");
  }
  return "";
}

std::string shown(const toml::node& node) {
  std::ostringstream out;
  if (node.is_string()) {
    out << '"' << *node.value<std::string>() << '"';
  } else if (node.is_table()) {
    out << "a table";
  } else if (node.is_array()) {
    out << "a list";
  } else if (auto i = node.value_exact<std::int64_t>()) {
    out << *i;
  } else if (auto d = node.value_exact<double>()) {
    out << *d;
  } else if (auto b = node.value_exact<bool>()) {
    out << (*b ? "true" : "false");
  } else {
    out << "a " << node.type();
  }
  return out.str();
}

// "1h30m", "20m", "90s", "2h", "45" (seconds) → seconds; nullopt when it is not a duration.
std::optional<double> parse_duration(const std::string& text) {
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t used = 0;
    double amount = 0;
    try {
      amount = std::stod(text.substr(i), &used);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (used == 0 || amount < 0) return std::nullopt;
    i += used;
    double unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 'h':
          unit = 3600;
          break;
        case 'm':
          unit = 60;
          break;
        case 's':
          unit = 1;
          break;
        default:
          return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1h30" is ambiguous
    }
    total += amount * unit;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

bool in_range(const ParamSpec& spec, double v) { return !(spec.min && v < *spec.min) && !(spec.max && v > *spec.max); }

// Converts one TOML value or returns nullopt when it does not fit the spec.
std::optional<ParamValue> convert(const ParamSpec& spec, const toml::node& node) {
  switch (spec.type) {
    case ParamType::kInteger: {
      auto v = node.value_exact<std::int64_t>();
      if (!v || !in_range(spec, static_cast<double>(*v))) return std::nullopt;
      return ParamValue{*v};
    }
    case ParamType::kReal: {
      std::optional<double> v;
      if (node.is_floating_point()) v = node.value_exact<double>();
      if (node.is_integer()) v = static_cast<double>(*node.value_exact<std::int64_t>());
      if (!v || !std::isfinite(*v) || !in_range(spec, *v)) return std::nullopt;
      return ParamValue{*v};
    }
    case ParamType::kBoolean: {
      auto v = node.value_exact<bool>();
      if (!v) return std::nullopt;
      return ParamValue{*v};
    }
    case ParamType::kString: {
      auto v = node.value_exact<std::string>();
      if (!v) return std::nullopt;
      if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), *v) == spec.choices.end())
        return std::nullopt;
      return ParamValue{*v};
    }
    case ParamType::kIntegerList: {
      const toml::array* arr = node.as_array();
      if (!arr || arr->empty()) return std::nullopt;
      std::vector<std::int64_t> out;
      for (const toml::node& element : *arr) {
        auto v = element.value_exact<std::int64_t>();
        if (!v || !in_range(spec, static_cast<double>(*v))) return std::nullopt;
        out.push_back(*v);
      }
      return ParamValue{out};
    }
    case ParamType::kCountOrAuto: {
      if (auto s = node.value_exact<std::string>()) {
        if (*s == "auto") return ParamValue{kAuto};
        return std::nullopt;
      }
      auto v = node.value_exact<std::int64_t>();
      if (!v || *v < 1) return std::nullopt;
      return ParamValue{*v};
    }
    case ParamType::kDuration: {
      std::optional<double> seconds;
      if (node.is_integer()) seconds = static_cast<double>(*node.value_exact<std::int64_t>());
      if (node.is_floating_point()) seconds = *node.value_exact<double>();
      if (auto s = node.value_exact<std::string>()) seconds = parse_duration(*s);
      if (!seconds || !std::isfinite(*seconds) || *seconds <= 0 || !in_range(spec, *seconds)) return std::nullopt;
      return ParamValue{*seconds};
    }
  }
  return std::nullopt;
}

std::string known_keys(const std::vector<ParamSpec>& specs) {
  std::string s;
  for (const ParamSpec& spec : specs) s += (s.empty() ? "" : ", ") + spec.name;
  return s.empty() ? "no parameters" : "one of " + s;
}

}  // namespace

const char* type_name(ParamType type) {
  switch (type) {
    case ParamType::kInteger:
      return "integer";
    case ParamType::kReal:
      return "real";
    case ParamType::kBoolean:
      return "boolean";
    case ParamType::kString:
      return "string";
    case ParamType::kIntegerList:
      return "integer list";
    case ParamType::kCountOrAuto:
      return "integer or \"auto\"";
    case ParamType::kDuration:
      return "duration";
  }
  return "?";
}

std::string to_string(const ParamValue& value) {
  struct Visitor {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return format_number(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return '"' + v + '"'; }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::ostringstream o;
      o << '[';
      for (std::size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
      o << ']';
      return o.str();
    }
  };
  return std::visit(Visitor{}, value);
}

void Params::set(const std::string& name, ParamValue value) {
  for (auto& [key, v] : values_) {
    if (key == name) {
      v = std::move(value);
      return;
    }
  }
  values_.emplace_back(name, std::move(value));
}

bool Params::has(const std::string& name) const {
  return std::any_of(values_.begin(), values_.end(), [&](const auto& kv) { return kv.first == name; });
}

const ParamValue& Params::get(const std::string& name) const {
  for (const auto& [key, v] : values_)
    if (key == name) return v;
  throw std::out_of_range("parameter '" + name + "' is not set");
}

std::int64_t Params::integer(const std::string& name) const { return std::get<std::int64_t>(get(name)); }
double Params::real(const std::string& name) const { return std::get<double>(get(name)); }
bool Params::boolean(const std::string& name) const { return std::get<bool>(get(name)); }
const std::string& Params::string(const std::string& name) const { return std::get<std::string>(get(name)); }
const std::vector<std::int64_t>& Params::integers(const std::string& name) const {
  return std::get<std::vector<std::int64_t>>(get(name));
}

Params validate(const toml::table& table, const std::vector<ParamSpec>& specs, const std::string& file,
                const std::string& path, const std::vector<std::string>& reserved) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (std::find(reserved.begin(), reserved.end(), name) != reserved.end()) continue;
    bool known = std::any_of(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == name; });
    if (!known) throw UserError(file, path + "." + name, "unknown key; expected " + known_keys(specs));
  }
  Params params;
  for (const ParamSpec& spec : specs) {
    const toml::node* node = table.get(spec.name);
    if (!node) {
      if (spec.default_value) params.set(spec.name, *spec.default_value);
      continue;
    }
    std::optional<ParamValue> value = convert(spec, *node);
    if (!value) throw UserError(file, path + "." + spec.name, expectation(spec) + ", got " + shown(*node));
    params.set(spec.name, std::move(*value));
  }
  return params;
}

Params defaults(const std::vector<ParamSpec>& specs) {
  Params params;
  for (const ParamSpec& spec : specs)
    if (spec.default_value) params.set(spec.name, *spec.default_value);
  return params;
}

std::string describe(const ParamSpec& spec) {
  std::string s = spec.name + " (" + type_name(spec.type);
  if (spec.default_value) {
    std::string d = to_string(*spec.default_value);
    if (spec.type == ParamType::kCountOrAuto && std::get<std::int64_t>(*spec.default_value) == kAuto) d = "\"auto\"";
    s += ", default " + d;
  } else {
    s += ", optional";
  }
  const std::string range = range_text(spec);
  if (!range.empty()) s += ", " + range;
  if (!spec.choices.empty()) {
    s += ", one of";
    for (const auto& c : spec.choices) s += " \"" + c + "\"";
  }
  return s + "): " + spec.description;
}

}  // namespace parbench::param
