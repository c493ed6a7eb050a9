// One parameterised test over the whole registry: a new workload gets this coverage without extra work.
#include "workloads/registry.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

// Tiny, awkward sizes: every size parameter 37 (prime, so nothing divides evenly), 5 tasks where tasks are free.
param::Params tiny(const WorkloadEntry& e) {
  param::Params p = param::defaults(e.params);
  for (const param::ParamSpec& s : e.params)
    if (s.scales_with_ranks) p.set(s.name, std::int64_t{37});
  p.set("tasks", std::int64_t{5});
  return p;
}

class EveryWorkload : public ::testing::TestWithParam<std::string> {
 protected:
  const WorkloadEntry& entry() const { return *find(GetParam()); }
};

TEST_P(EveryWorkload, DescribesItself) {
  EXPECT_FALSE(entry().description.empty());
  bool has_size = false, has_tasks = false;
  for (const param::ParamSpec& s : entry().params) {
    EXPECT_FALSE(s.description.empty()) << s.name;
    has_size = has_size || s.scales_with_ranks;
    has_tasks = has_tasks || s.name == "tasks";
  }
  EXPECT_TRUE(has_size) << "a size parameter (scales_with_ranks) is needed for weak scaling";
  EXPECT_TRUE(has_tasks);
}

TEST_P(EveryWorkload, TinyRunVerifiesAgainstItsReference) {
  const auto w = entry().make(tiny(entry()), ".");
  const auto out = testing::run_serial(*w);
  const Verification v = w->verify(out.result);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_FALSE(v.detail.empty());
  EXPECT_FALSE(out.result.scalars.empty() && out.result.arrays.empty());
}

TEST_P(EveryWorkload, DefaultsAreValidAndTasksCoverEveryItem) {
  const auto w = entry().make(param::defaults(entry().params), ".");
  const Layout l = w->layout();
  EXPECT_GE(l.tasks, 1);
  EXPECT_EQ(l.item_begin(0), 0);
  EXPECT_EQ(l.item_begin(l.tasks), l.items);
  EXPECT_GT(w->work_units(), 0);
}

TEST_P(EveryWorkload, SameTaskGivesSameBits) {
  const auto w = entry().make(tiny(entry()), ".");
  const auto a = testing::run_serial(*w);
  const auto b = testing::run_serial(*w);
  EXPECT_EQ(a.item_out, b.item_out);
  EXPECT_EQ(a.task_out, b.task_out);
}

TEST_P(EveryWorkload, MoreTasksThanItemsIsFine) {
  param::Params p = tiny(entry());
  p.set("tasks", std::int64_t{50});
  const auto w = entry().make(p, ".");
  EXPECT_TRUE(w->verify(testing::run_serial(*w).result).ok);
}

std::vector<std::string> names() {
  std::vector<std::string> n;
  for (const WorkloadEntry& e : registry()) n.push_back(e.name);
  return n;
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryWorkload, ::testing::ValuesIn(names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace parbench::workloads
