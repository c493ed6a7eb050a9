// guided — self-scheduling with shrinking chunks, as OpenMP's schedule(guided): each request takes
// ceil(remaining / (4 ranks)) tasks, at least `min_chunk` per thread. Big chunks first keep requests few; small ones
// at the end even out the ranks' finishing times. (OpenMP divides by the thread count; 4 × ranks is used because
// every rank holds up to two chunks at once.)
#include <algorithm>

#include "strategies/self_scheduling.hpp"

namespace parbench::strategies {
namespace {

class GuidedStrategy final : public Strategy {
 public:
  explicit GuidedStrategy(std::int64_t min_chunk) : min_chunk_(min_chunk) {}

  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    const int threads = ctx.team.size();
    const ChunkRule shrinking = [threads](std::int64_t remaining, int ranks, std::int64_t min_chunk) {
      const std::int64_t share = (remaining + 4 * ranks - 1) / (4 * ranks);  // tasks for the whole rank
      return std::max(min_chunk, (share + threads - 1) / threads);           // per thread
    };
    execute_self_scheduled(ctx, out, times, {shrinking, min_chunk_, false});
  }

 private:
  std::int64_t min_chunk_;
};

}  // namespace

StrategyEntry guided_entry() {
  return {"guided",
          "self-scheduling with shrinking chunks: ceil(remaining / (4 ranks)), at least `min_chunk`",
          {param::ParamSpec{"min_chunk", param::ParamType::kInteger, "smallest chunk, per thread", std::int64_t{1}, 1,
                            1e12}},
          [](const param::Params& p) { return std::make_unique<GuidedStrategy>(p.integer("min_chunk")); }};
}

}  // namespace parbench::strategies
