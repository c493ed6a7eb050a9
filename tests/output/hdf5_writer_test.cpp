#include "output/hdf5_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/content_hash.hpp"
#include "output/hdf5_reader.hpp"
#include "output/merge.hpp"
#include "output/run_table.hpp"

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
    r.spec.index = index;
    r.spec.ranks = 2;
    r.spec.repetition = index;
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
    r.ranks = {{"hostA", 0, "n1", 0, {0.1, 0.3, 0.05, 0.0, 2}}, {"hostB", 1, "n2", 1, {0.1, 0.2, 0.05, 0.1, 1}}};
    r.result.scalars = {{"count", std::int64_t{10}}, {"sum", std::string("3025")}};
    r.result.arrays = {{"per_task", workloads::Array{{3}, std::vector<std::int64_t>{1, 2, 3}}}};
    r.result_hash = result_hash(r.result);
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
  EXPECT_NE(format_json(s).find("\"schema_version\": 2"), std::string::npos);
  EXPECT_EQ(s.runs[0].nodes, 2);
  EXPECT_EQ(s.runs[0].ranks_per_node, 1);
}

// Each column is written with the type run_columns() declares (the schema doc and the analysis read that list).
TEST_F(Hdf5WriterTest, RunTableColumnsHaveTheirDeclaredTypes) {
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 1, 2});
  w.write(record(0));
  h5::Object f = h5::open_file(path("a.h5"), false);
  h5::Object runs = h5::open_group(f.id(), "runs");
  std::vector<std::string> names;
  for (const Column& c : run_columns()) {
    names.push_back(c.name);
    h5::Object ds(H5Dopen2(runs.id(), c.name.c_str(), H5P_DEFAULT));
    h5::Object type(H5Dget_type(ds.id()));
    switch (c.type) {
      case ColumnType::kString:
        EXPECT_EQ(H5Tget_class(type.id()), H5T_STRING) << c.name;
        break;
      case ColumnType::kFloat64:
        EXPECT_EQ(H5Tget_class(type.id()), H5T_FLOAT) << c.name;
        EXPECT_EQ(H5Tget_size(type.id()), 8u) << c.name;
        break;
      case ColumnType::kInt64:
      case ColumnType::kInt8:
        EXPECT_EQ(H5Tget_class(type.id()), H5T_INTEGER) << c.name;
        EXPECT_EQ(H5Tget_size(type.id()), c.type == ColumnType::kInt8 ? 1u : 8u) << c.name;
        break;
    }
  }
  EXPECT_EQ(h5::members(runs.id()).size(), names.size());
}

// Results with equal bits are stored once: later runs hold hard links to the first copy.
TEST_F(Hdf5WriterTest, IdenticalResultsAreStoredOnce) {
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 3, 2});
  RunRecord other = record(2);
  other.result.arrays[0].second.data = std::vector<std::int64_t>{1, 2, 4};
  other.result_hash = result_hash(other.result);
  w.write(record(0));
  w.write(record(1));
  w.write(other);
  w.finalize();
  h5::Object f = h5::open_file(path("a.h5"), false);
  auto address = [&](const char* p) {
    H5O_info_t info;
    H5Oget_info_by_name(f.id(), p, &info, H5P_DEFAULT);
    return info.addr;
  };
  EXPECT_EQ(address("/run/000001/result/per_task"), address("/run/000002/result/per_task"));
  EXPECT_NE(address("/run/000001/result/per_task"), address("/run/000003/result/per_task"));
  EXPECT_EQ(address("/run/000001/result/count"), address("/run/000003/result/count"));
  EXPECT_EQ(address("/run/000001/config_toml"), address("/run/000003/config_toml"));
  const FileSummary s = read_summary(path("a.h5"));
  EXPECT_EQ(s.runs[0].result_hash, s.runs[1].result_hash);
  EXPECT_NE(s.runs[0].result_hash, s.runs[2].result_hash);
  EXPECT_NE(format_table(s).find("2 distinct results over 3 runs  <-- NOT bitwise identical"), std::string::npos);
  EXPECT_FALSE(fs::exists(spare_path(path("a.h5"))));  // finalize removed the spare copy
}

// Launch provenance and point records travel to the file and back.
TEST_F(Hdf5WriterTest, LaunchAndPointRecordsRoundTrip) {
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 1, 2});
  LaunchRecord l;
  l.cpu_model = "Test CPU";
  l.governor = "unknown";
  l.mpi_library = "Open MPI v4.1.4";
  l.ranks = {{"hostA", "n1", 0, "0-1", 2}, {"hostB", "n2", 1, "2", 1}};
  w.launch(l);
  w.write(record(0));
  w.point_done({"cube n=10 / static / threads=1", 2, 0, 7, 0.5, 0.4, 0.6, "precision"});
  w.finalize();
  const FileSummary s = read_summary(path("a.h5"));
  ASSERT_EQ(s.launches.size(), 1u);
  EXPECT_EQ(s.launches[0].rank_node_name, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(s.runs[0].launch, 1);
  ASSERT_EQ(s.points.size(), 1u);
  EXPECT_EQ(s.points[0].stop_reason, "precision");
  EXPECT_EQ(s.points[0].launch, 1);
  const std::string info = format_table(s);
  EXPECT_NE(info.find("cpu: Test CPU"), std::string::npos);
  EXPECT_NE(info.find("rank 1: node n2 (1), host hostB, cpus 2"), std::string::npos);
}

TEST_F(Hdf5WriterTest, AppendsToAnExistingFileWithoutLosingRuns) {
  {
    Hdf5Writer w(path("a.h5"));
    w.begin({study_, 1, 2});
    w.write(record(0));
  }
  ASSERT_EQ(read_summary(path("a.h5")).runs.size(), 1u);
  Hdf5Writer w(path("a.h5"));
  w.begin({study_, 1, 2});
  w.write(record(0));
  const FileSummary s = read_summary(path("a.h5"));
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(s.runs[1].run_id, 2);
  EXPECT_EQ(s.runs[1].result_hash, s.runs[0].result_hash);
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
  for (std::int64_t version : {1, 3}) {  // version 1 is read (info, report, merge), never appended to
    const std::string name = path(("v" + std::to_string(version) + ".h5").c_str());
    {
      h5::Object f = h5::create_file(name);
      h5::set_attr(f.id(), "schema", std::string("parbench"));
      h5::set_attr(f.id(), "schema_version", version);
    }
    Hdf5Writer w3(name);
    EXPECT_THROW(w3.begin({study_, 1, 2}), UserError);
  }
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
  EXPECT_EQ(s.runs[3].result_hash, s.runs[0].result_hash);
  h5::Object f = h5::open_file(path("all.h5"), false);
  H5O_info_t first, last;
  H5Oget_info_by_name(f.id(), "/run/000001/result/per_task", &first, H5P_DEFAULT);
  H5Oget_info_by_name(f.id(), "/run/000004/result/per_task", &last, H5P_DEFAULT);
  EXPECT_EQ(first.addr, last.addr);                                // still stored once
  EXPECT_THROW(merge({path("a.h5")}, path("all.h5")), UserError);  // never overwrites
}

}  // namespace
}  // namespace parbench::output
