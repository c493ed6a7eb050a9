#include "strategies/registry.hpp"

namespace parbench::strategies {

StrategyEntry static_entry();
StrategyEntry cyclic_entry();
StrategyEntry dynamic_entry();
StrategyEntry guided_entry();

const std::vector<StrategyEntry>& registry() {
  static const std::vector<StrategyEntry> entries = {static_entry(), cyclic_entry(), dynamic_entry(), guided_entry()};
  return entries;
}

const StrategyEntry* find(const std::string& name) {
  for (const StrategyEntry& e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace parbench::strategies
