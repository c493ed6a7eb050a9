// cyclic — round-robin: blocks of `chunk` tasks dealt to the ranks in turn (chunk = 1 is pure round-robin).
#include "strategies/assigned.hpp"

namespace parbench::strategies {
namespace {

class CyclicStrategy final : public Strategy {
 public:
  explicit CyclicStrategy(std::int64_t chunk) : chunk_(chunk) {}

  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    const std::int64_t tasks = ctx.layout.tasks;
    const std::int64_t chunk = chunk_;
    out.chunk = chunk;
    execute_assigned(ctx, out, times, [tasks, chunk](int rank, int ranks) {
      std::vector<TaskRange> ranges;
      for (std::int64_t begin = chunk * rank; begin < tasks; begin += chunk * ranks)
        ranges.push_back({begin, std::min(begin + chunk, tasks)});
      return ranges;
    });
  }

 private:
  std::int64_t chunk_;
};

}  // namespace

StrategyEntry cyclic_entry() {
  return {"cyclic",
          "round-robin: blocks of `chunk` tasks dealt to the ranks in turn, fixed before the run",
          {param::ParamSpec{"chunk", param::ParamType::kInteger, "tasks per block", std::int64_t{1}, 1, 1e12}},
          [](const param::Params& p) { return std::make_unique<CyclicStrategy>(p.integer("chunk")); }};
}

}  // namespace parbench::strategies
