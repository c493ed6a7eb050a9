#pragma once
// Every strategy, once, with its self-description (name, one line, parameters). No MPI here: config validation and
// `parbench list` read the registry without seeing how strategies move data.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "param/param.hpp"

namespace parbench::strategies {

class Strategy;  // strategies/strategy.hpp

struct StrategyEntry {
  std::string name;
  std::string description;
  std::vector<param::ParamSpec> params;
  std::function<std::unique_ptr<Strategy>(const param::Params&)> make;
};

// Every strategy in the order `parbench list` shows them.
const std::vector<StrategyEntry>& registry();

// The entry called `name`, or nullptr.
const StrategyEntry* find(const std::string& name);

}  // namespace parbench::strategies
