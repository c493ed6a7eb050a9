// static — contiguous, balanced blocks of tasks, one per rank, fixed before the run (no chunk parameter).
//
// How to add a strategy (this file is the shortest complete example):
//   1. Write `<name>_strategy.cpp` with a class deriving from Strategy (strategies/strategy.hpp). Its execute() is
//      collective over ctx.comm and must leave every task's output in `out.tasks` on rank 0, in task order; build it
//      from the blocks in strategies/execution.hpp (compute_ranges, PackedResults, file_results) or, when the
//      assignment is known before the run, hand it to execute_assigned (strategies/assigned.hpp) as done here.
//   2. Define `StrategyEntry <name>_entry()`: name, one line, parameters (param::ParamSpec) and a factory.
//   3. Add one line to strategies/registry.cpp (the declaration and the table entry) and one to src/CMakeLists.txt.
//   4. The MPI tests in tests/strategies/ run every registered strategy on every workload at 1–4 ranks and check
//      the results bit for bit against a serial run; add tests for what is special about yours.
#include "strategies/assigned.hpp"

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
          [](const param::Params&) { return std::make_unique<StaticStrategy>(); }};
}

}  // namespace parbench::strategies
