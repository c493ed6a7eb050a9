#include "strategies/thread_team.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace parbench::strategies {
namespace {

int threads_that_ran(ThreadTeam& team) {
  std::atomic<int> ran{0};
  team.run([&](int) { ++ran; });
  return ran.load();
}

// Studies alternate thread counts from run to run (rounds visit every point): a team regrown after shrinking must
// run each job on every thread once — its new workers must not replay a job from before (that crashed).
TEST(ThreadTeam, RegrowingAfterShrinkingRunsEachJobOncePerThread) {
  ThreadTeam team;
  for (int round = 0; round < 5; ++round) {
    for (int threads : {2, 1, 3, 1}) {
      team.resize(threads);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // new workers reach their wait, as between runs
      EXPECT_EQ(team.size(), threads);
      EXPECT_EQ(threads_that_ran(team), threads);
      EXPECT_EQ(threads_that_ran(team), threads);
    }
  }
}

TEST(ThreadTeam, AnExceptionOnAnyThreadSurfacesOnTheCaller) {
  ThreadTeam team;
  team.resize(3);
  EXPECT_THROW(team.run([](int thread) {
    if (thread == 2) throw std::runtime_error("thread 2");
  }),
               std::runtime_error);
  EXPECT_EQ(threads_that_ran(team), 3);  // the team still works
}

}  // namespace
}  // namespace parbench::strategies
