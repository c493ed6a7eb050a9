// dynamic — self-scheduling with a fixed chunk, like Pool.map's `chunksize`: ranks take `chunk` tasks per thread at
// a time from rank 0 until none remain. chunk = "auto": rank 0 times its first tasks and the first requests it
// serves, and picks the smallest chunk whose work is large against a request's cost (self_scheduling.cpp).
#include "strategies/self_scheduling.hpp"

namespace parbench::strategies {
namespace {

class DynamicStrategy final : public Strategy {
 public:
  explicit DynamicStrategy(std::int64_t chunk) : chunk_(chunk) {}

  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    const bool automatic = chunk_ == param::kAuto;
    // With "auto" the first chunks are one task per thread; rank 0 then times some to choose the chunk.
    execute_self_scheduled(
        ctx, out, times,
        {[](std::int64_t, int, std::int64_t chunk) { return chunk; }, automatic ? 1 : chunk_, automatic});
  }

 private:
  std::int64_t chunk_;
};

}  // namespace

StrategyEntry dynamic_entry() {
  return {"dynamic",
          "self-scheduling: ranks take `chunk` tasks at a time from rank 0 until none remain (Pool.map chunksize)",
          {param::ParamSpec{"chunk", param::ParamType::kCountOrAuto,
                            "tasks per thread per request; \"auto\" picks it from the measured cost of a task and "
                            "of a request",
                            param::kAuto}},
          [](const param::Params& p) { return std::make_unique<DynamicStrategy>(p.integer("chunk")); }};
}

}  // namespace parbench::strategies
