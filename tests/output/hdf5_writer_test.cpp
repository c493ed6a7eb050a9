#include "output/hdf5_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/hdf5_reader.hpp"
#include "output/merge.hpp"

namespace parbench::output {
namespace {

namespace fs = std::filesystem;

class Hdf5WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parbench-writer-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    study_ = config::parse_study("[study]\nname = 'w'\n[[workload]]\nkind = 'cube'\nn = 10\n", "w.toml");
  }
  void TearDown() override { fs::remove_all(dir_); }

  output::RunRecord record(std::int64_t index, const std::string& status = "ok") {
    output::RunRecord r;
    r.spec = {index, 0, 0, 2, 1, index, false};
    r.study = "w";
    r.point = "cube n=10 / static / threads=1";
    r.workload = "cube";
    r.label = "cube n=10";
    r.strategy = r.strategy_label = "static";
    r.config_text = study_.text;
    r.scaling = "strong";
    r.params = study_.workloads[0].params;
    r.layout = {10, 3, 0, 3, 0};
    r.work_units = 10;
    r.wall_s = 0.5;
    r.ranks = {{"hostA", 0, {0.1, 0.3, 0.05, 0.0, 2}}, {"hostA", 1, {0.1, 0.2, 0.05, 0.1, 1}}};
    r.result.scalars = {{"count", std::int64_t{10}}, {"sum", std::string("3025")}};
    r.result.arrays = {{"per_task", workloads::Array{{3}, std::vector<std::int64_t>{1, 2, 3}}}};
    r.verification = {true, "closed form"};
    r.status = status;
    if (status == "partial")
      r.checkpoint = {.item_out = {}, .task_out = {5, 6, 7, 0, 0, 0, 8, 9, 10}, .done = {1, 0, 1}};
    return r;
  }

  std::string path(const char* name) const { return (dir_ / name).string(); }

  fs::path dir_;
  config::Study study_;
};

TEST_F(Hdf5WriterTest, RunsRoundTripThroughTheDocumentedSchema) {
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 2, 2});
  w.write(record(0));
  w.write(record(1));
  const FileSummary s = read_summary(path("a.h5"));
  EXPECT_EQ(s.schema_version, kSchemaVersion);
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(s.runs[1].run_id, 2);
  EXPECT_EQ(s.runs[1].group, "/run/000002");
  EXPECT_EQ(s.runs[0].ranks, 2);
  EXPECT_DOUBLE_EQ(s.runs[0].compute_max_s, 0.3);
  EXPECT_EQ(s.runs[0].result.at(1).second, Value{std::string("3025")});
  h5::Object f = h5::open_file(path("a.h5"), false);
  h5::Object d(H5Dopen2(f.id(), "/run/000001/ranks/compute_s", H5P_DEFAULT));
  EXPECT_EQ(h5::get_attr(d.id(), "units"), h5::AttrValue{std::string("s")});
  EXPECT_NE(format_json(s).find("\"schema_version\": 1"), std::string::npos);
}

TEST_F(Hdf5WriterTest, AppendsToAnExistingFileWithoutLosingRuns) {
  {
    Hdf5Writer w(path("a.h5"));
    w.begin({study_, 1, 2});
    w.write(record(0));
  }
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 1, 2});
  ASSERT_EQ(w.stored().size(), 1u);
  w.write(record(0));
  const FileSummary s = read_summary(path("a.h5"));
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(s.runs[1].run_id, 2);
}

TEST_F(Hdf5WriterTest, RefusesFilesThatAreNotParbenchFiles) {
  std::ofstream(path("text.h5")) << "not hdf5";
  Hdf5Writer w(path("text.h5"));
  EXPECT_THROW(w.begin({study_, 1, 2}), UserError);
  {
    h5::Object f = h5::create_file(path("other.h5"));
    h5::set_attr(f.id(), "schema", std::string("something-else"));
  }
  Hdf5Writer w2(path("other.h5"));
  EXPECT_THROW(w2.begin({study_, 1, 2}), UserError);
  {
    h5::Object f = h5::create_file(path("v2.h5"));
    h5::set_attr(f.id(), "schema", std::string("parbench"));
    h5::set_attr(f.id(), "schema_version", std::int64_t{2});
  }
  Hdf5Writer w3(path("v2.h5"));
  EXPECT_THROW(w3.begin({study_, 1, 2}), UserError);
}

TEST_F(Hdf5WriterTest, PartialRunKeepsItsCheckpoint) {
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 1, 2});
  w.write(record(0, "partial"));
  const workloads::TaskOutputs c = read_checkpoint(path("a.h5"), "/run/000001");
  EXPECT_EQ(c.done, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(c.task_out, (std::vector<workloads::Word>{5, 6, 7, 0, 0, 0, 8, 9, 10}));
}

TEST_F(Hdf5WriterTest, MergeRenumbersAndKeepsEveryRun) {
  for (const char* name : {"a.h5", "b.h5"}) {
    Hdf5Writer w(path(name));
    w.begin({study_, 2, 2});
    w.write(record(0));
    w.write(record(1));
  }
  merge({path("a.h5"), path("b.h5")}, path("all.h5"));
  const FileSummary s = read_summary(path("all.h5"));
  ASSERT_EQ(s.runs.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(s.runs[i].run_id, i + 1);
  EXPECT_EQ(s.runs[3].group, "/run/000004");
  EXPECT_EQ(s.runs[3].result, s.runs[0].result);
  EXPECT_THROW(merge({path("a.h5")}, path("all.h5")), UserError);  // never overwrites
}

}  // namespace
}  // namespace parbench::output
