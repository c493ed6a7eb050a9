#include "config/study.hpp"

#include <gtest/gtest.h>

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

TEST(Study, PlanIsWorkloadByStrategyByThreadsByRepetitionByRanks) {
  Study s = parse_study(kStudy, "s.toml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.workloads[0].label, "trig n=1000");
  EXPECT_EQ(s.workloads[1].label, "pi integral");
  EXPECT_EQ(s.strategies[1].label, "dynamic chunk=4");
  const auto runs = plan(s, 4);
  ASSERT_EQ(runs.size(), 2u * 2 * 2 * 2 * 3);
  // warm-up at ranks 1 and 3, then repetition 0 at ranks 1 and 3, then repetition 1 …
  EXPECT_TRUE(runs[0].warmup && runs[1].warmup);
  EXPECT_EQ(runs[0].ranks, 1);
  EXPECT_EQ(runs[1].ranks, 3);
  EXPECT_FALSE(runs[2].warmup);
  EXPECT_EQ(runs[2].repetition, 0);
  EXPECT_EQ(runs[3].ranks, 3);
  EXPECT_EQ(runs[4].repetition, 1);
  EXPECT_EQ(runs[6].threads, 2);
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].index, static_cast<std::int64_t>(i));
  EXPECT_EQ(point_name(s, runs[0]), "trig n=1000 / static / threads=1");
}

TEST(Study, RanksAboveTheWorldAreRejected) {
  Study s = parse_study(kStudy, "s.toml");
  try {
    plan(s, 2);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "s.toml: study.ranks[2]: must be at most the 2 ranks of this launch, got 3");
  }
}

TEST(Study, DefaultsToEveryRankAndStatic) {
  Study s = parse_study("[[workload]]\nkind = 'cube'\n", "dir/my-study.toml");
  EXPECT_EQ(s.name, "my-study");
  EXPECT_EQ(s.strategies.at(0).kind, "static");
  const auto runs = plan(s, 5);
  EXPECT_EQ(runs.size(), 4u);  // warmup 1 + repetitions 3
  EXPECT_EQ(runs[0].ranks, 5);
}

TEST(Study, WeakScalingMultipliesSizeParameters) {
  Study s = parse_study("[study]\nscaling = 'weak'\nranks = [1, 4]\n[[workload]]\nkind = 'trig'\nn = 10\n", "w.toml");
  const auto runs = plan(s, 4);
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
            "s.toml: study.repetitions: must be an integer between 1 and 1000000, got 0");
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
