#include "config/study.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"

namespace parbench::config {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_study(text, "s.toml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const char* kStudy = R"(
[study]
name = "t"
repetitions = 2
warmup = 1
ranks = [1, 3]
threads = [1, 2]
[[workload]]
kind = "trig"
n = 1000
[[workload]]
kind = "midpoint"
label = "pi integral"
[[strategy]]
kind = "static"
[[strategy]]
kind = "dynamic"
chunk = 4
)";

// One launch of `ranks` ranks on one node.
std::vector<std::int64_t> one_node(std::int64_t ranks) { return {ranks}; }

TEST(Study, PlanVisitsEveryCellOncePerRoundWarmUpsFirst) {
  Study s = parse_study(kStudy, "s.toml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.workloads[0].label, "trig n=1000");
  EXPECT_EQ(s.workloads[1].label, "pi integral");
  EXPECT_EQ(s.strategies[1].label, "dynamic chunk=4");
  const Plan p = plan(s, one_node(4));
  EXPECT_EQ(p.points, 2 * 2 * 2);  // workload × strategy × threads
  ASSERT_EQ(p.cells.size(), 8u * 2);
  EXPECT_EQ(p.warmup_rounds, 1);
  EXPECT_EQ(p.rounds, 3);
  const auto runs = all_runs(s, p);
  ASSERT_EQ(runs.size(), 3u * 16);
  // round 0 (the warm-up): point 0 at ranks 1 and 3, then point 1 …; then round 1, repetition 0
  EXPECT_TRUE(runs[0].warmup && runs[15].warmup);
  EXPECT_EQ(runs[0].ranks, 1);
  EXPECT_EQ(runs[1].ranks, 3);
  EXPECT_EQ(runs[0].point, runs[1].point);
  EXPECT_EQ(runs[2].threads, 2);
  EXPECT_FALSE(runs[16].warmup);
  EXPECT_EQ(runs[16].repetition, 0);
  EXPECT_EQ(runs[32].repetition, 1);
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].index, static_cast<std::int64_t>(i));
  EXPECT_EQ(point_name(s, runs[0]), "trig n=1000 / static / threads=1");
}

TEST(Study, RandomOrderShufflesEachRoundTheSameWayForTheSameSeed) {
  std::string text = kStudy;
  text.insert(text.find("warmup"), "order = 'random'\nseed = 7\n");
  Study a = parse_study(text, "s.toml");
  EXPECT_TRUE(a.random_order);
  Study b = parse_study(text, "s.toml");
  Study c = a;
  c.seed = 8;
  const Plan p = plan(a, one_node(4));
  const auto ra = round_runs(a, p, 1), rb = round_runs(b, p, 1), rc = round_runs(c, p, 1);
  auto indices = [](const std::vector<RunSpec>& runs) {
    std::vector<std::int64_t> v;
    for (const RunSpec& r : runs) v.push_back(r.index);
    return v;
  };
  EXPECT_EQ(indices(ra), indices(rb));
  EXPECT_NE(indices(ra), indices(rc));
  EXPECT_NE(indices(ra), indices(round_runs(a, p, 2)));  // another round, another order
  auto sorted = indices(ra);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, indices(round_runs(parse_study(kStudy, "s.toml"), p, 1)));  // the same runs
}

TEST(Study, AutoRepetitionsPlanUpToTheMaximum) {
  Study s = parse_study(
      "[study]\nrepetitions = 'auto'\nmax_repetitions = 9\ntime_budget = '1h30m'\n"
      "[[workload]]\nkind = 'cube'\n",
      "a.toml");
  EXPECT_TRUE(s.auto_repetitions());
  EXPECT_EQ(s.time_budget_s, 5400);
  EXPECT_EQ(plan(s, one_node(2)).rounds, 1 + 9);
  EXPECT_EQ(error_of("[study]\nmin_repetitions = 8\nmax_repetitions = 7\n[[workload]]\nkind = 'cube'\n"),
            "s.toml: study.min_repetitions: must be at most max_repetitions (7), got 8");
  EXPECT_EQ(error_of("[study]\ntime_budget = '20 minutes'\n[[workload]]\nkind = 'cube'\n"),
            "s.toml: study.time_budget: must be a duration such as \"20m\", \"1h30m\", \"90s\" or a number of "
            "seconds (between 1 and 100000000 seconds), got \"20 minutes\"");
}

TEST(Study, NodesPlaceEqualSharesOfEachRankCount) {
  Study s = parse_study("[study]\nranks = [6]\nnodes = [1, 2, 3]\n[[workload]]\nkind = 'cube'\n", "n.toml");
  const Plan p = plan(s, {6, 6, 6});
  ASSERT_EQ(p.cells.size(), 3u);
  EXPECT_EQ(p.cells[2].nodes, 3);
  try {
    plan(parse_study("[study]\nranks = [4]\nnodes = [3]\n[[workload]]\nkind = 'cube'\n", "n.toml"), {2, 2, 2});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "n.toml: study.nodes[1]: 3 nodes hold equal shares of a rank count, so every study.ranks must be a "
              "multiple of 3, got 4");
  }
  try {
    plan(s, {6, 6});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "n.toml: study.nodes[3]: must be at most the 2 node(s) of this launch, got 3");
  }
}

TEST(Study, RanksAboveTheWorldAreRejected) {
  Study s = parse_study(kStudy, "s.toml");
  try {
    plan(s, one_node(2));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "s.toml: study.ranks[2]: must be at most the 2 ranks of this launch, got 3");
  }
}

TEST(Study, DefaultsToEveryRankAndStatic) {
  Study s = parse_study("[[workload]]\nkind = 'cube'\n", "dir/my-study.toml");
  EXPECT_EQ(s.name, "my-study");
  EXPECT_EQ(s.strategies.at(0).kind, "static");
  const auto runs = all_runs(s, plan(s, one_node(5)));
  EXPECT_EQ(runs.size(), 4u);  // warmup 1 + repetitions 3
  EXPECT_EQ(runs[0].ranks, 5);
}

TEST(Study, WeakScalingMultipliesSizeParameters) {
  Study s = parse_study("[study]\nscaling = 'weak'\nranks = [1, 4]\n[[workload]]\nkind = 'trig'\nn = 10\n", "w.toml");
  const auto runs = all_runs(s, plan(s, one_node(4)));
  EXPECT_EQ(run_params(s, runs.front()).integer("n"), 10);
  EXPECT_EQ(run_params(s, runs.back()).integer("n"), 40);
  EXPECT_EQ(run_params(s, runs.back()).integer("iterations"), 100);  // not a size parameter
}

TEST(Study, BadConfigsGiveOneLineNamingTheKey) {
  EXPECT_EQ(error_of("[[workload]]\nkind = 'nope'\n"),
            "s.toml: workload[1].kind: unknown workload \"nope\"; expected one of trig, gauss_fit, monte_carlo_pi, "
            "nth_prime, midpoint, cube");
  EXPECT_EQ(error_of("[[workload]]\nkind = 'trig'\nn = -5\n"),
            "s.toml: workload[1].n: must be an integer between 1 and 1000000000000, got -5");
  EXPECT_EQ(error_of("[study]\nrepetitions = 0\n[[workload]]\nkind = 'trig'\n"),
            "s.toml: study.repetitions: must be a positive integer or \"auto\", got 0");
  EXPECT_EQ(error_of("[[workload]]\nn = 5\n"),
            "s.toml: workload[1].kind: required; expected one of trig, gauss_fit, monte_carlo_pi, nth_prime, "
            "midpoint, cube");
  EXPECT_EQ(error_of(""),
            "s.toml: workload: at least one [[workload]] is required; kinds: trig, gauss_fit, "
            "monte_carlo_pi, nth_prime, midpoint, cube");
  EXPECT_EQ(error_of("[[workload]]\nkind = 'trig'\n[[strategy]]\nkind = 'dynamic'\nchunk = 0\n"),
            "s.toml: strategy[1].chunk: must be a positive integer or \"auto\", got 0");
  EXPECT_EQ(error_of("colour = 1\n[[workload]]\nkind = 'trig'\n"),
            "s.toml: colour: unknown key; expected [study], [[workload]] or [[strategy]]");
  EXPECT_EQ(error_of("[[workload]]\nkind = 'trig'\nn = \n").rfind("s.toml: line 3: not valid TOML", 0), 0u);
  EXPECT_EQ(error_of("[[workload]]\nkind = 'tr\xff'\n").rfind("s.toml: line 2: not valid TOML", 0), 0u);
}

}  // namespace
}  // namespace parbench::config
