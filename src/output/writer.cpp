#include "output/writer.hpp"

#include <vector>

#include "output/console_writer.hpp"
#include "output/hdf5_writer.hpp"

namespace parbench::output {
namespace {

// Hands every call to each writer, in order.
class Writers final : public Writer {
 public:
  explicit Writers(std::vector<std::unique_ptr<Writer>> all) : all_(std::move(all)) {}
  void begin(const StudyInfo& info) override {
    for (auto& w : all_) w->begin(info);
  }
  void launch(const LaunchRecord& record) override {
    for (auto& w : all_) w->launch(record);
  }
  void run_started(const config::RunSpec& spec, const std::string& point, std::int64_t tasks) override {
    for (auto& w : all_) w->run_started(spec, point, tasks);
  }
  void run_progress(std::int64_t tasks_done) override {
    for (auto& w : all_) w->run_progress(tasks_done);
  }
  void write(const RunRecord& record) override {
    for (auto& w : all_) w->write(record);
  }
  void point_done(const PointRecord& record) override {
    for (auto& w : all_) w->point_done(record);
  }
  void finalize() override {
    for (auto& w : all_) w->finalize();
  }

 private:
  std::vector<std::unique_ptr<Writer>> all_;
};

}  // namespace

std::unique_ptr<Writer> make_writers(const WriterOptions& options) {
  std::vector<std::unique_ptr<Writer>> all;
  all.push_back(std::make_unique<Hdf5Writer>(options.path, options.dry_run));
  if (!options.dry_run) all.push_back(std::make_unique<ConsoleWriter>(options.quiet));
  return std::make_unique<Writers>(std::move(all));
}

}  // namespace parbench::output
