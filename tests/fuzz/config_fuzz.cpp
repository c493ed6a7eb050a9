// libFuzzer target: any bytes as a config must either parse into a valid study (and plan) or raise a UserError —
// never crash, hang or trip a sanitizer. Run by tools/fuzz.sh (clang, ASan + UBSan), seeded with configs/*.toml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/study.hpp"
#include "core/error.hpp"
#include "strategies/strategy.hpp"
#include "workloads/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const parbench::config::Study study = parbench::config::parse_study(text, "fuzz.toml");
    // A launch of 8 ranks on 2 nodes, so that placements (`nodes`) are planned too.
    const auto plan = parbench::config::plan(study, {4, 4});
    const auto runs = parbench::config::round_runs(study, plan, plan.rounds - 1);
    for (const auto& w : study.workloads) {
      // Build every workload and strategy the config names (validated parameters must always construct),
      // without reading input files or running anything large.
      const auto workload = parbench::workloads::find(w.kind)->make(w.params, ".");
      (void)workload->layout();
    }
    for (const auto& s : study.strategies) (void)parbench::strategies::find(s.kind)->make(s.params);
    if (!runs.empty()) (void)parbench::config::point_name(study, runs.front());
  } catch (const parbench::UserError&) {
    // Expected for bad input.
  }
  return 0;
}
