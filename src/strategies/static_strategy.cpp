// static — contiguous, balanced blocks of tasks, one per rank, fixed before the run (no chunk parameter).
#include "strategies/execution.hpp"

namespace parbench::strategies {
namespace {

class StaticStrategy final : public Strategy {
 public:
  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    const std::int64_t tasks = ctx.layout.tasks;
    execute_assigned(ctx, out, times, [tasks](int rank, int ranks) {
      auto bound = [&](int r) { return tasks * r / ranks; };
      return std::vector<TaskRange>{{bound(rank), bound(rank + 1)}};
    });
  }
};

}  // namespace

StrategyEntry static_entry() {
  return {"static",
          "contiguous blocks: each rank computes its own block and sends the outputs to rank 0 when done",
          {},
          [](const config::Params&) { return std::make_unique<StaticStrategy>(); }};
}

}  // namespace parbench::strategies
