#include "strategies/registry.hpp"

namespace parbench::strategies {

// Every strategy, once, in the order `parbench list` shows them. Each one's .cpp defines `StrategyEntry
// <name>_entry()`; adding a strategy is one line here (the list declares and calls the entry functions).
#define PARBENCH_STRATEGIES(X) \
  X(static)                    \
  X(cyclic)                    \
  X(dynamic)                   \
  X(guided)                    \
  /* one line per strategy, above this one */

#define PARBENCH_DECLARE(name) StrategyEntry name##_entry();
PARBENCH_STRATEGIES(PARBENCH_DECLARE)
#undef PARBENCH_DECLARE

const std::vector<StrategyEntry>& registry() {
#define PARBENCH_ENTRY(name) name##_entry(),
  static const std::vector<StrategyEntry> entries = {PARBENCH_STRATEGIES(PARBENCH_ENTRY)};
#undef PARBENCH_ENTRY
  return entries;
}

const StrategyEntry* find(const std::string& name) {
  for (const StrategyEntry& e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace parbench::strategies
